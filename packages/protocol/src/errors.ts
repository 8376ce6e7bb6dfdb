/**
 * The one catalog of error codes roomhook answers with. Codes and meanings follow Tencent's published
 * tables (REST 60xxx, account/UserSig 70xxx, Live 100xxx, client negative codes); `docs/errors.md` is
 * kept equal to this catalog by a test. `info` is the default `ErrorInfo`: Tencent does not publish its
 * exact strings, so ours are our own words.
 */
export const errorCatalog = {
  // REST common (Tencent: RESTful API overview, error code table)
  60002: { family: "rest", info: "cannot parse HTTP request" },
  60003: { family: "rest", info: "request body is not valid JSON" },
  60004: { family: "rest", info: "account or signature in the request URL is wrong" },
  60006: { family: "rest", info: "SDKAppID is invalid" },
  60007: { family: "rest", info: "REST API call frequency over limit" },
  60009: { family: "rest", info: "requested resource does not exist" },
  60010: { family: "rest", info: "the identifier is not an App administrator" },
  60012: { family: "rest", info: "sdkappid is missing from the request URL" },

  // Chat accounts and profiles (Tencent Chat: account_import, portrait_get/portrait_set error codes)
  10004: { family: "chat", info: "invalid parameter in a group message request" },
  10010: { family: "chat", info: "the group (room) does not exist" },
  10015: { family: "chat", info: "invalid group (room) id" },
  10016: { family: "chat", info: "the App backend refused the message (Group.CallbackBeforeSendMsg)" },
  10017: { family: "chat", info: "the sender is muted" },
  40001: { family: "chat", info: "invalid parameter in a profile request" },
  40003: { family: "chat", info: "the account does not exist (never imported)" },
  40601: { family: "chat", info: "a profile value is over 500 bytes" },
  70107: { family: "chat", info: "the account was never imported (im_open_login_svc/account_import)" },
  70402: { family: "chat", info: "invalid parameter in an account request" },
  80002: { family: "chat", info: "the message is too long" },

  // Account / UserSig (Tencent: Chat account system codes, which apply to the REST usersig too)
  70001: { family: "usersig", info: "UserSig has expired" },
  70002: { family: "usersig", info: "UserSig is empty" },
  70003: { family: "usersig", info: "UserSig cannot be parsed" },
  70009: { family: "usersig", info: "UserSig signature check failed" },
  70013: { family: "usersig", info: "identifier does not match the identifier in the UserSig" },
  70014: { family: "usersig", info: "sdkappid does not match the sdkappid in the UserSig" },
  70020: {
    family: "usersig",
    info: "SDKAppID not found (a WebSocket login for an app this server does not serve)",
  },

  // Live server private codes (Tencent: TUILiveKit error codes, server section)
  100001: { family: "live", info: "internal server error, retry" },
  100002: { family: "live", info: "invalid parameter" },
  100003: { family: "live", info: "room ID already exists" },
  100004: { family: "live", info: "room does not exist" },
  100005: { family: "live", info: "not a member of the room" },
  100006: { family: "live", info: "insufficient permission" },
  100008: { family: "live", info: "the room is full (MaxMemberCount)" },
  100009: { family: "live", info: "too many tags (Category)" },
  100010: { family: "live", info: "room ID already exists and its owner is the requested owner" },
  100013: { family: "live", info: "over the app's limit (rooms, robots)" },
  100015: { family: "live", info: "invalid room type" },
  100016: { family: "live", info: "member is banned" },
  100017: { family: "live", info: "member is muted" },
  100020: { family: "live", info: "too many admins" },
  100026: { family: "live", info: "the room's name or texts hold sensitive content" },
  100200: { family: "live", info: "seat is locked" },
  100201: { family: "live", info: "seat is taken" },
  100202: { family: "live", info: "already applied for a seat" },
  100203: { family: "live", info: "already on a seat" },
  100204: { family: "live", info: "no seat application to answer" },
  100205: { family: "live", info: "every seat is taken" },
  100206: { family: "live", info: "not on a seat" },
  100211: { family: "live", info: "the room has no seats (IsSeatEnabled)" },
  100500: { family: "live", info: "metadata: too many keys" },
  100411: { family: "live", info: "battle does not exist" },
  100412: { family: "live", info: "no valid room for the battle" },
  100414: { family: "live", info: "the room is not in the battle" },
  100415: { family: "live", info: "the room is in another battle" },
  100419: { family: "live", info: "the battle has ended" },
  102001: { family: "live", info: "gifts are not enabled for this app" },
  102002: { family: "live", info: "the gift does not exist" },
  102004: { family: "live", info: "the App backend did not allow the gift (Live.CallbackBeforeSendGift)" },
  102008: { family: "live", info: "gifts are switched off in this room" },
  100501: { family: "live", info: "metadata: a value is too large" },
  100502: { family: "live", info: "metadata: the values are too large in total" },
  100503: { family: "live", info: "metadata: none of the keys exist" },
  100504: { family: "live", info: "metadata: a key is too long" },
  100300: { family: "live", info: "callback configuration already exists, use update_callback" },
  100301: { family: "live", info: "callback configuration does not exist, use set_callback" },
  100302: { family: "live", info: "callback token configuration does not exist, use set_callback_token" },
} as const satisfies Record<number, { family: "rest" | "usersig" | "chat" | "live"; info: string }>;

/** A code roomhook answers on the REST API and in callbacks' replies (errorCatalog, docs/errors.md). */
export type ErrorCode = keyof typeof errorCatalog;

/** Whether `code` is in errorCatalog (a code roomhook itself answers). */
export function isErrorCode(code: number): code is ErrorCode {
  return Object.hasOwn(errorCatalog, code);
}

/**
 * Client error codes (Tencent: TUILiveKit / RoomEngine client error codes), answered on the WebSocket
 * path. docs/errors.md lists them beside the server codes.
 */
export const clientErrorCatalog = {
  [-1]: "unclassified failure",
  [-2]: "rate limited",
  [-3]: "repeated operation",
  [-1001]: "invalid parameter",
  [-1002]: "not logged in",
  [-2100]: "room not found",
  [-2101]: "must be in the room",
  [-2102]: "the owner cannot leave a Live room: transfer or destroy it first",
  [-2103]: "not supported for this room type",
  [-2200]: "user not found",
  [-2201]: "user not in the room",
  [-2300]: "owner permission required",
  [-2301]: "owner or admin permission required",
} as const;

/** A code of the WebSocket client path (clientErrorCatalog: Tencent's TUIRoomEngine codes, negative). */
export type ClientErrorCode = keyof typeof clientErrorCatalog;

/** The client code for a server code, where one fits; -1 otherwise. */
export function clientCodeFor(code: ErrorCode): ClientErrorCode {
  switch (code) {
    case 100002:
      return -1001;
    case 100004:
      return -2100;
    case 100005:
      return -2201;
    case 100006:
      return -2300;
    default:
      return -1;
  }
}
