import { Type, type Static, type TObject, type TProperties, type TUnion } from "@sinclair/typebox";
import { callbackRoomInfoSchema, callbackSchemas, msgElemSchema } from "./callbacks.ts";
import { clientPlatforms } from "./ids.ts";
import { oneOf } from "./one-of.ts";

/**
 * The client path: a user's WebSocket to roomhook at `/v4/ws` (roomhook's own, where Tencent's is its
 * SDKs' private protocol). Every frame is a JSON object:
 *   request  {"id": 7, "op": "changeOwner", "roomId": "r", "userId": "bob"}
 *   reply    {"id": 7, "code": 0, "data": {...}}  or  {"id": 7, "code": -2300, "message": "..."}
 *   push     {"event": "ownerChanged", "roomId": "r", "from": "alice", "to": "bob", ..., "seq": 12}
 * Each frame is declared once here, as a TypeBox schema: its JSON Schema and its type (`Static<>`).
 * Codes are Tencent's client error codes (trtc.io/document/60027), a login's the UserSig's 70xxx; the
 * server's room rules answer their own codes (100xxx, 102xxx gifts, 10016 and [10100, 10200] messages).
 * Field names of what the callbacks also carry are taken from their schemas, so a push says what the
 * callback says.
 */

const roomId = () =>
  Type.String({ description: "the room: 1 to 48 bytes of printable ASCII (Tencent RoomId)" });
const userId = () => Type.String({ description: "a user: 1 to 32 bytes (Tencent Chat UserID)" });
const seatIndex = () => Type.Integer({ minimum: 0, description: "a seat's index, from 0" });
const seq = () =>
  Type.Integer({
    minimum: 1,
    description: "the room's event sequence number (the callbacks' roomhook-sequence header)",
  });

/** A request: its `op`, an optional `id` the reply echoes, and its fields. Unknown fields are ignored. */
function request<O extends string, P extends TProperties>(op: O, properties: P, description: string) {
  return Type.Object(
    {
      id: Type.Optional(
        Type.Union([Type.Integer(), Type.String()], {
          description: "the caller's: echoed in the reply (null there when absent or of another type)",
        }),
      ),
      op: Type.Literal(op),
      ...properties,
    },
    { title: op, description },
  );
}

const onMember = { roomId: roomId(), userId: userId() };

const KeyValue = Type.Object({ key: Type.String(), value: Type.String() });

/** A room's fields a client may give at creation (Tencent create_room's RoomInfo, 63401). */
const NewRoomInfo = Type.Object(
  {
    RoomId: roomId(),
    RoomType: Type.Literal("Live", { description: "required by the server; the client SDK sets it" }),
    Owner_Account: Type.Optional(userId()),
    ...Type.Partial(
      Type.Pick(callbackRoomInfoSchema, [
        "RoomName",
        "MaxMemberCount",
        "IsMessageDisabled",
        "CoverURL",
        "Category",
        "ActivityStatus",
        "IsPublicVisible",
        "IsSeatEnabled",
        "TakeSeatMode",
        "MaxSeatCount",
        "IsUnlimitedRoomEnabled",
        "CustomInfo",
        "BackgroundURL",
      ]),
    ).properties,
    Notice: Type.Optional(Type.String()),
    SeatTemplate: Type.Optional(
      Type.String({ description: "a seat layout name, e.g. VideoDynamicGrid9Seats" }),
    ),
    SeatLayoutTemplateId: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { description: "Owner_Account, when given, must be the user themself; defaults as create_room's" },
);

/**
 * Every request a client may send, by `op`: the JSON Schema of its frame. Defaults are the server's
 * when a field is absent; limits are checked by the server (answering 100002 or -1001 with the field).
 */
export const wsRequestSchemas = {
  /** The first frame: the user's UserSig for the app (failures answer its 70xxx code, 70020 app unknown). */
  login: request(
    "login",
    {
      sdkAppId: Type.Integer({ description: "the app's SDKAppID" }),
      userId: userId(),
      userSig: Type.String({ description: "a UserSig for userId (Tencent TLS sig v2)" }),
      platform: Type.Optional(
        oneOf(clientPlatforms, { description: "the callbacks' OptPlatform; default Unknown" }),
      ),
    },
    "log in (again, after a reconnect: the session and its rooms are kept)",
  ),
  /** Keeps the session alive: the server ends sessions silent past its heartbeat timeout. */
  heartbeat: request("heartbeat", {}, "keep the session alive"),
  /** Creates a room owned by the user and enters it. */
  createRoom: request("createRoom", { roomInfo: NewRoomInfo }, "create a room and enter it"),
  /** Enters a room (Live.CallbackAfterMemberStateChanged Online/Enter). */
  enterRoom: request("enterRoom", { roomId: roomId() }, "enter a room"),
  /** Leaves a room (an owner cannot: -2102, dissolve it instead). */
  leaveRoom: request("leaveRoom", { roomId: roomId() }, "leave a room"),
  /** Dissolves a room; owner only. */
  destroyRoom: request("destroyRoom", { roomId: roomId() }, "dissolve a room (owner)"),
  /** Hands the room to a member (Tencent: changeUserRole(userId, ROOM_OWNER)); owner only. */
  changeOwner: request("changeOwner", onMember, "hand the room to userId (owner)"),
  /** Makes a member an admin; owner only. */
  setAdmin: request("setAdmin", onMember, "make userId an admin (owner)"),
  /** Takes a member's admin role back; owner only. */
  revokeAdmin: request("revokeAdmin", onMember, "take userId's admin role back (owner)"),
  /** The room's fields and admins. */
  getRoomInfo: request("getRoomInfo", { roomId: roomId() }, "read the room's fields and admins"),
  /** The room's members. */
  getMemberList: request("getMemberList", { roomId: roomId() }, "list the room's members"),
  /**
   * Sends a message: `text` (a TIMTextElem) or `msgBody` (Tencent's elements, at most 20, 12 KB in
   * all); it goes through the App backend's Group.CallbackBeforeSendMsg when configured.
   */
  sendMessage: request(
    "sendMessage",
    {
      roomId: roomId(),
      text: Type.Optional(Type.String({ description: "a text message; wins over msgBody" })),
      msgBody: Type.Optional(Type.Array(msgElemSchema, { minItems: 1, maxItems: 20 })),
      cloudCustomData: Type.Optional(Type.String()),
    },
    "send a message to the room",
  ),
  /** Sends `count` gifts to each receiver, through the App backend's Live.CallbackBeforeSendGift. */
  sendGift: request(
    "sendGift",
    {
      roomId: roomId(),
      giftId: Type.String({ minLength: 1 }),
      count: Type.Optional(Type.Integer({ minimum: 1, description: "default 1" })),
      receivers: Type.Array(userId(), { minItems: 1, maxItems: 100 }),
    },
    "send a gift",
  ),
  /** The room's metadata. */
  getMetadata: request("getMetadata", { roomId: roomId() }, "read the room's metadata"),
  /** Sets metadata keys; owner or admin (Tencent limits: 10 keys, 50-byte keys, 2 KB values). */
  setMetadata: request(
    "setMetadata",
    { roomId: roomId(), metadata: Type.Array(KeyValue, { minItems: 1, maxItems: 100 }) },
    "set metadata keys (owner or admin)",
  ),
  /** Deletes metadata keys; owner or admin. */
  deleteMetadata: request(
    "deleteMetadata",
    { roomId: roomId(), keys: Type.Array(Type.String(), { maxItems: 100 }) },
    "delete metadata keys (owner or admin)",
  ),
  /** The room's seats. */
  getSeatList: request("getSeatList", { roomId: roomId() }, "read the room's seats"),
  /**
   * Takes a seat (`index`, or -1 for any free one, the default): at once in a FreeToTake room (and
   * for the owner and admins); in an ApplyToTake room the request waits for the owner or an admin.
   */
  takeSeat: request(
    "takeSeat",
    { roomId: roomId(), index: Type.Optional(Type.Integer({ minimum: -1, description: "default -1: any" })) },
    "take a seat, or apply for one",
  ),
  /** Leaves the user's seat. */
  leaveSeat: request("leaveSeat", { roomId: roomId() }, "leave the seat"),
  /** Withdraws the user's seat application. */
  cancelSeatApplication: request("cancelSeatApplication", { roomId: roomId() }, "withdraw an application"),
  /** The seat applications waiting, oldest first; owner or admin. */
  getSeatApplications: request("getSeatApplications", { roomId: roomId() }, "list seat applications"),
  /** Accepts a member's seat application; owner or admin. */
  acceptSeatApplication: request("acceptSeatApplication", onMember, "accept userId's application"),
  /** Rejects a member's seat application; owner or admin. */
  rejectSeatApplication: request("rejectSeatApplication", onMember, "reject userId's application"),
  /** Puts a member on a seat; owner or admin. */
  pickSeat: request("pickSeat", { ...onMember, index: seatIndex() }, "put userId on a seat"),
  /** Takes a member off their seat; owner or admin. */
  kickSeat: request("kickSeat", onMember, "take userId off their seat"),
  /** Sets the locks given (absent: unchanged); locking against taking frees the seat. Owner or admin. */
  lockSeat: request(
    "lockSeat",
    {
      roomId: roomId(),
      index: seatIndex(),
      lockTaken: Type.Optional(Type.Boolean()),
      lockVideo: Type.Optional(Type.Boolean()),
      lockAudio: Type.Optional(Type.Boolean()),
    },
    "lock or unlock a seat",
  ),
  /**
   * Moves a seated member; when the seat is taken, `policy` (Tencent move_user_to_seat 72685) 0
   * cancels (the default), 1 forces, 2 swaps. Owner or admin.
   */
  moveSeat: request(
    "moveSeat",
    {
      ...onMember,
      index: seatIndex(),
      policy: Type.Optional(oneOf([0, 1, 2], { description: "default 0" })),
    },
    "move userId to another seat",
  ),
  /** Mutes a member for `durationSec` seconds (0 lifts the mute); owner or admin. */
  muteMember: request(
    "muteMember",
    { ...onMember, durationSec: Type.Integer({ minimum: 0, description: "seconds; 0 lifts the mute" }) },
    "mute userId",
  ),
  /** Removes a member, who cannot come back for `durationSec` seconds (default 60); owner or admin. */
  kickMember: request(
    "kickMember",
    {
      ...onMember,
      durationSec: Type.Optional(Type.Integer({ minimum: 1, description: "seconds; default 60" })),
      reason: Type.Optional(Type.String({ description: "at most 1000 bytes" })),
    },
    "remove userId from the room for a while",
  ),
} as const;

/** A request's `op`. */
export type WsOp = keyof typeof wsRequestSchemas;
/** The requests by op: `WsRequests["changeOwner"]` is `{ id?, op: "changeOwner", roomId, userId }`. */
export type WsRequests = { [O in WsOp]: Static<(typeof wsRequestSchemas)[O]> };
/** A request frame of one op. */
export type WsRequest<O extends WsOp = WsOp> = WsRequests[O];
/** A request's own fields (without `id` and `op`). */
export type WsRequestArgs<O extends WsOp> = Omit<WsRequests[O], "id" | "op">;

/** Every frame a client may send: one of `wsRequestSchemas` (told apart by `op`). */
export const wsClientFrameSchema: TUnion<(typeof wsRequestSchemas)[WsOp][]> = Type.Union(
  Object.values(wsRequestSchemas),
);
/** Every frame a client may send. */
export type WsClientFrame = WsRequests[WsOp];

const Seat = Type.Object({
  index: seatIndex(),
  userId: Type.String({ description: `the member on it; "" on a free seat` }),
  lockTaken: Type.Boolean(),
  lockVideo: Type.Boolean(),
  lockAudio: Type.Boolean(),
});
/**
 * A seat as clients see it (the callback's SeatList entry in camelCase, Tencent Mic seat list): from
 * index 0, `userId` "" on a free seat, its three locks.
 */
export type WsSeat = Static<typeof Seat>;

/** getRoomInfo's room: every field of Tencent's get_room_info (63404), and what roomhook adds. */
const RoomInfoView = Type.Object({
  ...callbackRoomInfoSchema.properties,
  Notice: Type.String(),
  SeatTemplate: Type.Optional(Type.String()),
  SeatLayoutTemplateId: Type.Optional(Type.Integer()),
});

/** The `data` of a successful reply, for the ops that answer one (the others answer none). */
export const wsReplyDataSchemas = {
  /** The user, and the rooms the session is still in (a login after a drop keeps them). */
  login: Type.Object({ userId: userId(), rooms: Type.Array(roomId()) }),
  /** The room created. */
  createRoom: Type.Object({ roomId: roomId() }),
  /** The room's fields (as REST get_room_info) and its admins. */
  getRoomInfo: Type.Object({ roomInfo: RoomInfoView, admins: Type.Array(userId()) }),
  /** The room's members, in the order they entered; `platform` is their OptPlatform. */
  getMemberList: Type.Object({
    members: Type.Array(Type.Object({ userId: userId(), platform: Type.String() })),
  }),
  /** The message's number in the room; 0 when the App backend dropped it silently (it answered 2). */
  sendMessage: Type.Object({ msgSeq: Type.Integer({ minimum: 0 }) }),
  /** The gift's room event sequence number. */
  sendGift: Type.Object({ seq: seq() }),
  /** Every metadata key of the room. */
  getMetadata: Type.Object({ metadata: Type.Array(KeyValue) }),
  /** Every seat of the room, by index. */
  getSeatList: Type.Object({ seats: Type.Array(Seat) }),
  /** Whether the seat was taken at once (false: the application waits for the owner or an admin). */
  takeSeat: Type.Object({ taken: Type.Boolean() }),
  /** The applications waiting, oldest first (index -1: any seat). */
  getSeatApplications: Type.Object({
    applications: Type.Array(Type.Object({ userId: userId(), index: Type.Integer({ minimum: -1 }) })),
  }),
} as const satisfies Partial<Record<WsOp, TObject>>;

/** The `data` of a successful reply to an op (undefined for the ops that answer none). */
export type WsReplyData<O extends WsOp> = O extends keyof typeof wsReplyDataSchemas
  ? Static<(typeof wsReplyDataSchemas)[O]>
  : undefined;

const replyId = () =>
  Type.Union([Type.Integer(), Type.String(), Type.Null()], {
    description: "the request's id; null when it had none, or the frame was not a JSON object",
  });

const WsOk = Type.Object(
  {
    id: replyId(),
    code: Type.Literal(0),
    data: Type.Optional(Type.Unknown({ description: "the op's answer: wsReplyDataSchemas[op]" })),
  },
  { title: "ok" },
);
const WsFail = Type.Object(
  {
    id: replyId(),
    code: Type.Integer({
      not: { const: 0 },
      description:
        "Tencent's client error code (-1001 bad frame, -1002 not logged in, -2xxx room rules), a " +
        "login's 70xxx, the room rules' 100xxx/102xxx, messages' 10016 and [10100, 10200]",
    }),
    message: Type.String(),
  },
  { title: "fail" },
);
/** The answer to a request: `code` 0 with the op's `data`, or a non-zero code and a `message`. */
export const wsReplySchema = Type.Union([WsOk, WsFail]);
/** The answer to a request (`data`: see `WsReplyData`). */
export type WsReply = Static<typeof wsReplySchema>;

function push<E extends string, P extends TProperties>(event: E, properties: P, description: string) {
  return Type.Object(
    { event: Type.Literal(event), roomId: roomId(), ...properties, seq: seq() },
    { title: event, description },
  );
}

const battleRooms = () =>
  Type.Array(roomId(), { description: "every room in the battle, the inviter's first" });

/**
 * Every push the server sends to the members of a room, by `event`. Each carries the room and its
 * event's sequence number (`seq`, as the callbacks' roomhook-sequence header), so a client can tell
 * what it missed.
 */
export const wsPushSchemas = {
  /** The room has a new owner (Live.CallbackAfterChangeOwner). */
  ownerChanged: push(
    "ownerChanged",
    { from: userId(), to: userId(), operator: userId() },
    "the owner changed from `from` to `to`",
  ),
  /** Admins were added or removed (Live.CallbackAfterModifyAdmin). */
  adminsChanged: push(
    "adminsChanged",
    {
      op: callbackSchemas["Live.CallbackAfterModifyAdmin"].properties.opType,
      userIds: Type.Array(userId()),
      operator: userId(),
    },
    "admins were added (op add) or removed (op delete)",
  ),
  /**
   * Members entered, left or were removed, or their heartbeat stopped or came back
   * (Live.CallbackAfterMemberStateChanged). `operator`: the member themself, or (a Leave by ban or
   * kick) the owner, an admin or an App admin.
   */
  memberStateChanged: push(
    "memberStateChanged",
    {
      state: callbackSchemas["Live.CallbackAfterMemberStateChanged"].properties.EventType,
      cause: callbackSchemas["Live.CallbackAfterMemberStateChanged"].properties.EventCause,
      userIds: Type.Array(userId()),
      operator: Type.String(),
    },
    "members went online or offline",
  ),
  /** Room fields changed: `changes` is the callback's RoomInfo (RoomId and what was set). */
  roomInfoChanged: push(
    "roomInfoChanged",
    { changes: callbackSchemas["Live.CallbackAfterUpdateRoomInfo"].properties.RoomInfo },
    "room fields were changed",
  ),
  /** The room was dissolved; its members are out of it. */
  roomDestroyed: push("roomDestroyed", { operator: Type.String() }, "the room was dissolved"),
  /** Room metadata set or deleted (by the owner, an admin or the App backend). */
  metadataChanged: push(
    "metadataChanged",
    { set: Type.Array(KeyValue), deleted: Type.Array(Type.String()), operator: Type.String() },
    "metadata keys were set or deleted",
  ),
  /** The room's seats after any change, all of them, by index. */
  seatsChanged: push(
    "seatsChanged",
    { seats: Type.Array(Seat), operator: Type.String() },
    "the seats after a change",
  ),
  /**
   * A message in the room, as the App backend's before-callback left it: Tencent's message elements,
   * `msgSeq` its number in the room (Group.CallbackAfterSendMsg).
   */
  message: push(
    "message",
    {
      sender: userId(),
      msgSeq: callbackSchemas["Group.CallbackAfterSendMsg"].properties.MsgSeq,
      msgBody: Type.Array(msgElemSchema),
      cloudCustomData: Type.String(),
      operator: Type.String(),
    },
    "a message in the room",
  ),
  /** A gift the App backend allowed: `count` gifts of `coins` each, to each receiver. */
  gift: push(
    "gift",
    {
      sender: userId(),
      receivers: Type.Array(userId()),
      giftId: Type.String(),
      count: Type.Integer({ minimum: 1 }),
      coins: Type.Integer({ minimum: 0, description: "the price of one gift when it was sent" }),
    },
    "a gift was sent",
  ),
  /** A battle this room is in was created (Live.CallbackAfterCreateBattle). */
  battleCreated: push(
    "battleCreated",
    { battleId: Type.String(), rooms: battleRooms(), durationMs: Type.Integer({ minimum: 0 }) },
    "a battle was created",
  ),
  /** A battle this room is in started (`startTime` Unix seconds; Live.CallbackAfterStartBattle). */
  battleStarted: push(
    "battleStarted",
    {
      battleId: Type.String(),
      rooms: battleRooms(),
      durationMs: Type.Integer({ minimum: 0 }),
      startTime: Type.Integer({ description: "Unix seconds" }),
    },
    "a battle started",
  ),
  /** A battle this room is in ended; `reason` is Tencent's OpType (Live.CallbackAfterEndBattle). */
  battleEnded: push(
    "battleEnded",
    {
      battleId: Type.String(),
      rooms: battleRooms(),
      reason: callbackSchemas["Live.CallbackAfterEndBattle"].properties.OpType,
      scores: Type.Array(Type.Object({ roomId: roomId(), score: Type.Integer() })),
    },
    "a battle ended",
  ),
} as const;

/** A push's `event`. */
export type WsPushEvent = keyof typeof wsPushSchemas;
/** The pushes by event: `WsPushes["ownerChanged"]` is `{ event: "ownerChanged", roomId, from, ... }`. */
export type WsPushes = { [E in WsPushEvent]: Static<(typeof wsPushSchemas)[E]> };
/** A push of one event. */
export type WsPushOf<E extends WsPushEvent> = WsPushes[E];
/** Every push the server sends (told apart by `event`). */
export const wsPushSchema: TUnion<(typeof wsPushSchemas)[WsPushEvent][]> = Type.Union(
  Object.values(wsPushSchemas),
);
/** Every push the server sends. */
export type WsPush = WsPushes[WsPushEvent];

/** Every frame the server sends: a reply (it has `id` and `code`) or a push (it has `event`). */
export const wsServerFrameSchema = Type.Union([wsReplySchema, wsPushSchema]);
/** Every frame the server sends. */
export type WsServerFrame = WsReply | WsPush;

/**
 * The WebSocket close codes of the client path, by what they mean. After 4001 and 1008 a client must
 * not reconnect (`wsFinalCloseCodes`); after the others it should, with a backoff. A network failure
 * shows as 1006, which is never sent.
 */
export const wsCloseCodes = {
  /** 1001 Going Away: the server stopped normally; reconnect (another process, or this one restarted). */
  serverStopping: 1001,
  /** 1008 Policy Violation: the connection was refused (by a proxy in front); do not reconnect. */
  refused: 1008,
  /** 1009 Message Too Big: a frame was larger than the server's frame limit (ROOMHOOK_MAX_FRAME). */
  frameTooBig: 1009,
  /** 4001: the same user logged in elsewhere; the newer login wins, do not reconnect (two tabs would fight). */
  loggedInElsewhere: 4001,
  /** 4002: the connection did not log in within the server's login timeout. */
  loginTimeout: 4002,
  /** 4008: the client did not read what it was sent; what waited for it passed the server's bound. */
  sendBufferFull: 4008,
} as const;
/** One of `wsCloseCodes`' values. */
export type WsCloseCode = (typeof wsCloseCodes)[keyof typeof wsCloseCodes];
/** The close codes as a schema (for a JSON Schema tool). */
export const wsCloseCodeSchema = oneOf(Object.values(wsCloseCodes) as WsCloseCode[]);
/** The close codes after which a client must not reconnect: 4001 (logged in elsewhere), 1008 (refused). */
export const wsFinalCloseCodes = [wsCloseCodes.loggedInElsewhere, wsCloseCodes.refused] as const;
/** One of `wsFinalCloseCodes`. */
export type WsFinalCloseCode = (typeof wsFinalCloseCodes)[number];

/** A platform a client may log in with: every OptPlatform but RESTAPI (Tencent's OptPlatform values). */
export type ClientPlatform = (typeof clientPlatforms)[number];
