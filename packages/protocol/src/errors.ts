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

  // Account / UserSig (Tencent: Chat account system codes, which apply to the REST usersig too)
  70001: { family: "usersig", info: "UserSig has expired" },
  70002: { family: "usersig", info: "UserSig is empty" },
  70003: { family: "usersig", info: "UserSig cannot be parsed" },
  70009: { family: "usersig", info: "UserSig signature check failed" },
  70013: { family: "usersig", info: "identifier does not match the identifier in the UserSig" },
  70014: { family: "usersig", info: "sdkappid does not match the sdkappid in the UserSig" },

  // Live server private codes (Tencent: TUILiveKit error codes, server section)
  100001: { family: "live", info: "internal server error, retry" },
  100002: { family: "live", info: "invalid parameter" },
  100003: { family: "live", info: "room ID already exists" },
  100004: { family: "live", info: "room does not exist" },
  100005: { family: "live", info: "not a member of the room" },
  100006: { family: "live", info: "insufficient permission" },
  100009: { family: "live", info: "too many tags (Category)" },
  100010: { family: "live", info: "room ID already exists and its owner is the requested owner" },
  100015: { family: "live", info: "invalid room type" },
  100016: { family: "live", info: "member is banned" },
  100020: { family: "live", info: "too many admins" },
  100300: { family: "live", info: "callback configuration already exists, use update_callback" },
  100301: { family: "live", info: "callback configuration does not exist, use set_callback" },
  100302: { family: "live", info: "callback token configuration does not exist, use set_callback_token" },
} as const satisfies Record<number, { family: "rest" | "usersig" | "live"; info: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export function isErrorCode(code: number): code is ErrorCode {
  return Object.hasOwn(errorCatalog, code);
}
