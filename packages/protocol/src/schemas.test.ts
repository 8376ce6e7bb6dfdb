import { test } from "node:test";
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { callbackSchemas, type DocumentedCallbackCommand } from "./callbacks.ts";
import { roomCallbacksAnswerSchema, roomCallbacksQuerySchema } from "./catch-up.ts";
import {
  wsClientFrameSchema,
  wsCloseCodeSchema,
  wsPushSchema,
  wsPushSchemas,
  wsReplyDataSchemas,
  wsReplySchema,
  wsRequestSchemas,
  wsServerFrameSchema,
  type WsOp,
  type WsPushEvent,
} from "./ws.ts";

/**
 * The contracts are JSON Schema (draft 2020-12) a standard validator takes as they are, and the
 * packets and frames roomhook's own tests send fit them, for TypeBox's checker and for Ajv alike: an
 * App backend in another language validates with the same schemas. Every documented command, op and
 * push has a sample here: a new one without a sample fails.
 */

// JSON has no undefined: what a receiver gets.
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
// strict: an unknown keyword, a union without a type, a `required` without its property... fails.
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = new Map<TSchema, ReturnType<typeof ajv.compile>>();
/** Ajv's and TypeBox's verdicts, which must agree; the problems when they say no. */
function check(schema: TSchema, value: unknown): { ok: boolean; errors: string } {
  let v = validators.get(schema);
  if (v === undefined) {
    // Ajv gets the schema as a JSON file would hold it (TypeBox's own marks are symbols, not keys).
    v = ajv.compile(wire(schema));
    validators.set(schema, v);
  }
  const ajvOk = v(value);
  const typeboxOk = Value.Check(schema, value);
  assert.equal(ajvOk, typeboxOk, `Ajv and TypeBox disagree on ${JSON.stringify(value)}`);
  return {
    ok: ajvOk,
    errors: [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`).join("; "),
  };
}
const fits = (schema: TSchema, value: unknown, what: string) => {
  const r = check(schema, value);
  assert.ok(r.ok, `${what}: ${r.errors}`);
};

const NOW = 1_767_225_600_123;
const roomInfo = {
  RoomId: "ws-1",
  RoomName: "Alice's show",
  RoomType: "Live",
  Owner_Account: "alice",
  MaxMemberCount: 1000,
  IsMessageDisabled: false,
  CustomInfo: "",
  IsSeatEnabled: true,
  TakeSeatMode: "FreeToTake",
  MaxSeatCount: 9,
  CreateTime: 1_767_225_600,
  IsPublicVisible: true,
  CoverURL: "",
  Category: [1, 2],
};
const battleRoom = (id: string, score?: number) => ({
  RoomId: id,
  Owner_Account: `${id}-owner`,
  ...(score === undefined ? {} : { Score: score }),
});
const message = {
  GroupId: "ws-1",
  Type: "Live",
  From_Account: "alice",
  Operator_Account: "alice",
  Random: 42,
  MsgId: "msg-1",
  MsgBody: [
    { MsgType: "TIMTextElem", MsgContent: { Text: "hello" } },
    { MsgType: "TIMCustomElem", MsgContent: { Data: "{}", Desc: "like" } },
    { MsgType: "TIMFaceElem", MsgContent: { Index: 3 } },
  ],
  CloudCustomData: "",
  EventTime: NOW,
};

/** A packet of every documented command, as the server's tests (and Tencent's pages) show them. */
const packets: Record<DocumentedCallbackCommand, Record<string, unknown>> = {
  "Live.CallbackAfterCreateRoom": {
    CallbackCommand: "Live.CallbackAfterCreateRoom",
    Operator_Account: "alice",
    RoomInfo: roomInfo,
    EventTime: NOW,
  },
  "Live.CallbackAfterDestroyRoom": {
    CallbackCommand: "Live.CallbackAfterDestroyRoom",
    Operator_Account: "@TIM#SYSTEM",
    RoomId: "ws-1",
    EventType: "DestroyBySystem",
    EventTime: NOW,
    RoomInfo: {
      ...roomInfo,
      CreateTime: undefined,
      ActivityStatus: 0,
      ViewCount: 3,
      BackgroundURL: "",
      IsUnlimitedRoomEnabled: false,
    },
    Statistic: {
      TotalViewers: 3,
      TotalGiftsSent: 1,
      TotalGiftCoins: 10,
      TotalUniqueGiftSenders: 1,
      TotalLikesReceived: 0,
    },
  },
  "Live.CallbackAfterUpdateRoomInfo": {
    CallbackCommand: "Live.CallbackAfterUpdateRoomInfo",
    Operator_Account: "administrator",
    RoomInfo: { RoomId: "ws-1", RoomName: "renamed", Notice: "welcome" },
    EventTime: NOW,
  },
  "Live.CallbackAfterSetMetadata": {
    CallbackCommand: "Live.CallbackAfterSetMetadata",
    Operator_Account: "brennanli",
    RoomId: "live-room1111",
    Metadata: [{ Key: "key1", Value: "value1" }],
    EventTime: 1739965885831,
  },
  "Live.CallbackAfterDelMetadata": {
    CallbackCommand: "Live.CallbackAfterDelMetadata",
    Operator_Account: "brennanli",
    RoomId: "live-room1111",
    Keys: ["key1", "key2"],
    EventTime: 1739966441121,
  },
  "Live.CallbackAfterCreateRoomReachingThreshold": {
    CallbackCommand: "Live.CallbackAfterCreateRoomReachingThreshold",
    Operator_Account: "brennanli",
    EventTime: 1739966441121,
    CurRoomCount: 400,
    MaxRoomCount: 500,
  },
  "Live.CallbackAfterMemberStateChanged": {
    CallbackCommand: "Live.CallbackAfterMemberStateChanged",
    RoomId: "ws-1",
    EventType: "Online",
    EventCause: "Enter",
    MemberList: [{ Member_Account: "alice" }],
    EventTime: NOW,
  },
  "Live.CallbackAfterChangeOwner": {
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "ws-1",
    EventTime: NOW,
    Operator_Account: "alice",
    CurrentOwner_Account: "bob",
    OriginalOwner_Account: "alice",
  },
  "Live.CallbackAfterModifyAdmin": {
    CallbackCommand: "Live.CallbackAfterModifyAdmin",
    RoomId: "ws-2",
    Admin_Account: ["dave"],
    opType: "add",
    Operator_Account: "carol",
    EventTime: NOW,
  },
  "Mic.CallbackAfterSeatInfoChanged": {
    CallbackCommand: "Mic.CallbackAfterSeatInfoChanged",
    RoomId: "rid-123",
    SeatList: [
      {
        Index: 0,
        Member_Account: "alice",
        IsTakenDisabled: false,
        IsVideoDisabled: false,
        IsAudioDisabled: false,
      },
      { Index: 1, IsTakenDisabled: true, IsVideoDisabled: false, IsAudioDisabled: false },
    ],
    EventTime: 1670574414123,
  },
  "Live.CallbackBeforeSendGift": {
    CallbackCommand: "Live.CallbackBeforeSendGift",
    Operator_Account: "alice",
    RoomId: "ws-1",
    GiftWater: {
      From_Account: "alice",
      To_Account: ["bob"],
      Time: 1_767_225_600,
      GiftId: "rose",
      Count: 2,
      Coins: 10,
    },
  },
  "Group.CallbackBeforeSendMsg": { CallbackCommand: "Group.CallbackBeforeSendMsg", ...message },
  "Group.CallbackAfterSendMsg": {
    CallbackCommand: "Group.CallbackAfterSendMsg",
    ...message,
    MsgSeq: 1,
    MsgTime: 1_767_225_600,
  },
  "Live.CallbackAfterCreateBattle": {
    CallbackCommand: "Live.CallbackAfterCreateBattle",
    Operator_Account: "administrator",
    BattleId: "battle-1",
    FromRoomId: "pk-a",
    ToRoomIdList: ["pk-b"],
    Timeout: 10_000,
    Duration: 60_000,
    NeedResponse: false,
    ExtensionInfo: "",
    EventTime: NOW,
  },
  "Live.CallbackAfterStartBattle": {
    CallbackCommand: "Live.CallbackAfterStartBattle",
    BattleId: "battle-1",
    Duration: 60_000,
    CreateTime: 1_767_225_600,
    StartTime: 1_767_225_600,
    FromRoomInfo: battleRoom("pk-a"),
    ToRoomList: [battleRoom("pk-b")],
    EventTime: NOW,
  },
  "Live.CallbackAfterEndBattle": {
    CallbackCommand: "Live.CallbackAfterEndBattle",
    BattleId: "battle-1",
    Duration: 60_000,
    CreateTime: 1_767_225_600,
    StartTime: 1_767_225_600,
    EndTime: 1_767_225_660,
    OpType: 0,
    FromRoomInfo: battleRoom("pk-a", 30),
    ToRoomList: [battleRoom("pk-b", 20)],
    EventTime: NOW,
  },
};

/** A request of every op, as the client SDK sends them. */
const requests: Record<WsOp, Record<string, unknown>> = {
  login: { sdkAppId: 1400000000, userId: "alice", userSig: "eJy...", platform: "Android" },
  heartbeat: {},
  createRoom: { roomInfo: { RoomType: "Live", RoomId: "ws-1", RoomName: "Alice's show" } },
  enterRoom: { roomId: "ws-1" },
  leaveRoom: { roomId: "ws-1" },
  destroyRoom: { roomId: "ws-1" },
  changeOwner: { roomId: "ws-1", userId: "bob" },
  setAdmin: { roomId: "ws-1", userId: "dave" },
  revokeAdmin: { roomId: "ws-1", userId: "dave" },
  getRoomInfo: { roomId: "ws-1" },
  getMemberList: { roomId: "ws-1" },
  sendMessage: { roomId: "ws-1", text: "hello", cloudCustomData: "{}" },
  sendGift: { roomId: "ws-1", giftId: "rose", count: 2, receivers: ["bob"] },
  getMetadata: { roomId: "ws-1" },
  setMetadata: { roomId: "ws-1", metadata: [{ key: "topic", value: "cats" }] },
  deleteMetadata: { roomId: "ws-1", keys: ["topic"] },
  getSeatList: { roomId: "ws-1" },
  takeSeat: { roomId: "ws-1", index: -1 },
  leaveSeat: { roomId: "ws-1" },
  cancelSeatApplication: { roomId: "ws-1" },
  getSeatApplications: { roomId: "ws-1" },
  acceptSeatApplication: { roomId: "ws-1", userId: "bob" },
  rejectSeatApplication: { roomId: "ws-1", userId: "bob" },
  pickSeat: { roomId: "ws-1", userId: "bob", index: 2 },
  kickSeat: { roomId: "ws-1", userId: "bob" },
  lockSeat: { roomId: "ws-1", index: 2, lockTaken: true },
  moveSeat: { roomId: "ws-1", userId: "bob", index: 3, policy: 2 },
  muteMember: { roomId: "ws-1", userId: "bob", durationSec: 60 },
  kickMember: { roomId: "ws-1", userId: "bob", durationSec: 60, reason: "spam" },
};

const seat = { index: 0, userId: "alice", lockTaken: false, lockVideo: false, lockAudio: false };
/** The data of every op that answers some. */
const replyData: Record<keyof typeof wsReplyDataSchemas, unknown> = {
  login: { userId: "alice", rooms: ["ws-1"] },
  createRoom: { roomId: "ws-1" },
  getRoomInfo: {
    roomInfo: {
      ...roomInfo,
      ActivityStatus: 0,
      ViewCount: 1,
      BackgroundURL: "",
      IsUnlimitedRoomEnabled: false,
      Notice: "",
      SeatTemplate: "VideoDynamicGrid9Seats",
    },
    admins: ["dave"],
  },
  getMemberList: { members: [{ userId: "alice", platform: "Android" }] },
  sendMessage: { msgSeq: 0 },
  sendGift: { seq: 7 },
  getMetadata: { metadata: [{ key: "topic", value: "cats" }] },
  getSeatList: { seats: [seat, { ...seat, index: 1, userId: "" }] },
  takeSeat: { taken: false },
  getSeatApplications: { applications: [{ userId: "bob", index: -1 }] },
};

/** A push of every event, as the gateway tests receive them. */
const pushes: Record<WsPushEvent, Record<string, unknown>> = {
  ownerChanged: { roomId: "ws-1", from: "alice", to: "bob", operator: "alice" },
  adminsChanged: { roomId: "ws-2", op: "add", userIds: ["dave"], operator: "carol" },
  memberStateChanged: {
    roomId: "ws-2",
    state: "Offline",
    cause: "Leave",
    userIds: ["dave"],
    operator: "dave",
  },
  roomInfoChanged: { roomId: "ws-1", changes: { RoomId: "ws-1", RoomName: "renamed" } },
  roomDestroyed: { roomId: "ws-2", operator: "carol" },
  metadataChanged: {
    roomId: "ws-1",
    set: [{ key: "topic", value: "cats" }],
    deleted: [],
    operator: "alice",
  },
  seatsChanged: { roomId: "ws-1", seats: [seat], operator: "alice" },
  message: {
    roomId: "ws-1",
    sender: "alice",
    msgSeq: 1,
    msgBody: message.MsgBody,
    cloudCustomData: "",
    operator: "alice",
  },
  gift: {
    roomId: "ws-1",
    sender: "alice",
    receivers: ["bob"],
    giftId: "rose",
    count: 2,
    coins: 10,
  },
  battleCreated: { roomId: "pk-b", battleId: "battle-1", rooms: ["pk-a", "pk-b"], durationMs: 60_000 },
  battleStarted: {
    roomId: "pk-b",
    battleId: "battle-1",
    rooms: ["pk-a", "pk-b"],
    durationMs: 60_000,
    startTime: 1_767_225_600,
  },
  battleEnded: {
    roomId: "pk-a",
    battleId: "battle-1",
    rooms: ["pk-a", "pk-b"],
    reason: 0,
    scores: [
      { roomId: "pk-a", score: 30 },
      { roomId: "pk-b", score: 20 },
    ],
  },
};

test("every schema is JSON Schema 2020-12 that a standard validator compiles in strict mode, from its JSON text", () => {
  const all: [string, TSchema][] = [
    ...Object.entries(callbackSchemas),
    ...Object.entries(wsRequestSchemas).map(([k, s]): [string, TSchema] => [`request ${k}`, s]),
    ...Object.entries(wsReplyDataSchemas).map(([k, s]): [string, TSchema] => [`reply data ${k}`, s]),
    ...Object.entries(wsPushSchemas).map(([k, s]): [string, TSchema] => [`push ${k}`, s]),
    ["client frame", wsClientFrameSchema],
    ["reply", wsReplySchema],
    ["push", wsPushSchema],
    ["server frame", wsServerFrameSchema],
    ["close code", wsCloseCodeSchema],
    ["catch-up query", roomCallbacksQuerySchema],
    ["catch-up answer", roomCallbacksAnswerSchema],
  ];
  for (const [name, schema] of all) {
    assert.ok(ajv.validateSchema(wire(schema)), `${name}: ${ajv.errorsText(ajv.errors)}`);
    assert.doesNotThrow(() => check(schema, null), name);
  }
  for (const [command, schema] of Object.entries(callbackSchemas)) {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.equal(schema.$id, `https://roomhook.dev/schemas/${command}.json`);
    assert.notEqual(schema.additionalProperties, false, `${command} stays open to Tencent's new fields`);
  }
});

test("each documented callback packet fits its schema; unknown fields pass, a missing or mistyped field does not", () => {
  for (const [command, p] of Object.entries(packets)) {
    const schema = callbackSchemas[command as DocumentedCallbackCommand];
    fits(schema, wire(p), command);
    fits(schema, { ...wire(p), FieldTencentAddsLater: 1 }, `${command} with an unknown field`);
    assert.equal(check(schema, { ...wire(p), CallbackCommand: "Live.Other" }).ok, false, command);
  }
  const owner = packets["Live.CallbackAfterChangeOwner"];
  assert.equal(
    check(callbackSchemas["Live.CallbackAfterChangeOwner"], { ...owner, EventTime: -5 }).ok,
    false,
  );
  assert.equal(
    check(callbackSchemas["Live.CallbackAfterChangeOwner"], { ...owner, CurrentOwner_Account: undefined }).ok,
    false,
  );
  const msg = packets["Group.CallbackAfterSendMsg"];
  assert.equal(
    check(callbackSchemas["Group.CallbackAfterSendMsg"], {
      ...msg,
      MsgBody: [{ MsgType: "TIMTextElem", MsgContent: {} }],
    }).ok,
    false,
  );
  // Tencent's DestroyRoom page has no RoomId in RoomInfo, its CreateRoom sample no EventTime.
  const destroy = packets["Live.CallbackAfterDestroyRoom"] as { RoomInfo: object };
  fits(
    callbackSchemas["Live.CallbackAfterDestroyRoom"],
    wire({ ...destroy, RoomInfo: { ...destroy.RoomInfo, RoomId: undefined } }),
    "DestroyRoom without RoomInfo.RoomId",
  );
  fits(
    callbackSchemas["Live.CallbackAfterCreateRoom"],
    wire({ ...packets["Live.CallbackAfterCreateRoom"], EventTime: undefined }),
    "CreateRoom without EventTime",
  );
});

test("every request frame fits its op's schema and the client-frame union; a wrong one does not", () => {
  let id = 1;
  for (const [op, args] of Object.entries(requests)) {
    const frame = { id: id++, op, ...args };
    fits(wsRequestSchemas[op as WsOp], frame, op);
    fits(wsClientFrameSchema, frame, `${op} as a client frame`);
  }
  fits(wsClientFrameSchema, { op: "heartbeat" }, "a request without id");
  assert.equal(check(wsClientFrameSchema, { id: 1, op: "changeOwner", roomId: "r" }).ok, false);
  assert.equal(check(wsClientFrameSchema, { id: 1, op: "teleport", roomId: "r" }).ok, false);
  assert.equal(
    check(wsRequestSchemas.moveSeat, { ...requests.moveSeat, op: "moveSeat", policy: 3 }).ok,
    false,
  );
});

test("replies: success with each op's data, refusals with a code and a message", () => {
  for (const [op, data] of Object.entries(replyData)) {
    fits(wsReplyDataSchemas[op as keyof typeof wsReplyDataSchemas], data, op);
    fits(wsReplySchema, { id: 3, code: 0, data }, `${op} reply`);
    fits(wsServerFrameSchema, { id: 3, code: 0, data }, `${op} reply as a server frame`);
  }
  for (const reply of [
    { id: 1, code: 0 },
    { id: null, code: -1001, message: "a frame must be a JSON object" },
    { id: 1, code: -1002, message: "not logged in" },
    { id: "a", code: 70009, message: "UserSig does not verify" },
  ])
    fits(wsServerFrameSchema, reply, JSON.stringify(reply));
  assert.equal(check(wsReplySchema, { id: 1, code: -1001 }).ok, false, "a refusal says why");
});

test("every push fits its event's schema and the server-frame union; a wrong one does not", () => {
  let seq = 1;
  for (const [event, body] of Object.entries(pushes)) {
    const frame = { event, ...body, seq: seq++ };
    fits(wsPushSchemas[event as WsPushEvent], frame, event);
    fits(wsServerFrameSchema, frame, `${event} as a server frame`);
  }
  const owner = { event: "ownerChanged", ...pushes.ownerChanged, seq: 1 };
  assert.equal(check(wsPushSchema, { ...owner, seq: undefined }).ok, false, "a push has its seq");
  assert.equal(check(wsPushSchema, { ...owner, to: 7 }).ok, false);
  assert.equal(
    check(wsPushSchema, { event: "memberStateChanged", ...pushes.memberStateChanged, cause: "Kick", seq: 1 })
      .ok,
    false,
  );
});

test("the catch-up answer: each callback with its sequence chain and packet", () => {
  fits(roomCallbacksQuerySchema, { RoomId: "show", AfterSequence: 1 }, "query");
  const entry = {
    Sequence: 4,
    PreviousSequence: 2,
    EventId: "evt_1",
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    State: "dead",
    Packet: packets["Live.CallbackAfterChangeOwner"],
  };
  fits(roomCallbacksAnswerSchema, { CallbackList: [entry], HasMore: false }, "answer");
  fits(roomCallbacksAnswerSchema, { CallbackList: [], HasMore: false }, "an empty answer");
  assert.equal(
    check(roomCallbacksAnswerSchema, { CallbackList: [{ ...entry, State: "lost" }], HasMore: false }).ok,
    false,
  );
  assert.equal(
    check(roomCallbacksAnswerSchema, {
      CallbackList: [{ ...entry, Packet: { CallbackCommand: "x" } }],
      HasMore: true,
    }).ok,
    false,
  );
});

test("close codes: the ones the server sends, and the final ones within them", () => {
  for (const code of [1001, 1008, 1009, 4001, 4002, 4008]) fits(wsCloseCodeSchema, code, String(code));
  assert.equal(check(wsCloseCodeSchema, 1006).ok, false, "1006 is never sent: the network's");
});
