import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";
import { oneOf } from "./one-of.ts";

/**
 * Live callback commands and their packets (Tencent: "Webhook" pages of TUILiveKit, one per command).
 * Field names and types are Tencent's; `EventTime` is milliseconds, `CreateTime` seconds. Each packet
 * is declared once, as a TypeBox schema: its JSON Schema (draft 2020-12, `callbackSchemas`) and its
 * TypeScript type (`Static<>` of it) cannot drift apart. Schemas are open to unknown fields
 * (no `additionalProperties: false`): Tencent adds fields without notice.
 */

/**
 * Every callback command of Tencent's list (trtc.io/document/64413), in its order. Not all have a
 * packet schema: `Live.CallbackBeforeCallBackNotBlock` is a switch, and Follow.* are Chat's.
 */
export const liveCallbackCommands = [
  "Live.CallbackAfterCreateRoom",
  "Live.CallbackAfterDestroyRoom",
  "Live.CallbackAfterUpdateRoomInfo",
  "Live.CallbackAfterSetMetadata",
  "Live.CallbackAfterDelMetadata",
  "Live.CallbackAfterCreateRoomReachingThreshold",
  "Live.CallbackAfterMemberStateChanged",
  "Live.CallbackAfterChangeOwner",
  "Live.CallbackAfterModifyAdmin",
  "Mic.CallbackAfterSeatInfoChanged",
  "Live.CallbackAfterCreateBattle",
  "Live.CallbackAfterStartBattle",
  "Live.CallbackAfterEndBattle",
  "Live.CallbackBeforeSendGift",
  "Live.CallbackBeforeCallBackNotBlock",
  "Group.CallbackBeforeSendMsg",
  "Group.CallbackAfterSendMsg",
  "Follow.CallbackAfterFollowAdd",
  "Follow.CallbackAfterFollowDelete",
] as const;

/** A callback command Tencent documents for Live (trtc.io/document/64413), roomhook's included. */
export type LiveCallbackCommand = (typeof liveCallbackCommands)[number];

/** Whether a string is one of `liveCallbackCommands`. */
export function isLiveCallbackCommand(s: string): s is LiveCallbackCommand {
  return (liveCallbackCommands as readonly string[]).includes(s);
}

/**
 * The query parameters Tencent puts on every callback it sends (Live webhook overview: SdkAppid,
 * CallbackCommand, contenttype, ClientIP, OptPlatform, and Sign with RequestTime when a token is
 * set). Each appears once; names are compared without regard to case (Tencent's pages write both
 * SdkAppid and SdkAppId). A callback Url may not carry them itself (docs/compat.md).
 */
export const callbackQueryParams = [
  "SdkAppid",
  "CallbackCommand",
  "contenttype",
  "ClientIP",
  "OptPlatform",
  "Sign",
  "RequestTime",
] as const;

/** The first of Tencent's callback parameters (callbackQueryParams) that a query has, if any. */
export function tencentParamIn(query: URLSearchParams): string | undefined {
  const names = new Set(callbackQueryParams.map((n) => n.toLowerCase()));
  for (const [k] of query) if (names.has(k.toLowerCase())) return k;
  return undefined;
}

/** Where an operation came from: Tencent's `OptPlatform` query values. */
export const optPlatforms = [
  "RESTAPI",
  "Web",
  "Android",
  "iOS",
  "Windows",
  "Mac",
  "iPad",
  "Unknown",
] as const;
/** One of `optPlatforms`: where an operation came from (Tencent's `OptPlatform` query parameter). */
export type OptPlatform = (typeof optPlatforms)[number];

const EVENT_TIME_DOC = "milliseconds since the Unix epoch";

/** `EventTime`: when it happened, in milliseconds (Tencent: every Live callback page). */
const eventTime = () => Type.Integer({ minimum: 0, description: EVENT_TIME_DOC });

/**
 * A packet's schema: its `CallbackCommand` and fields, with the `$id` and `$schema` a JSON Schema
 * tool wants, open to unknown fields.
 */
function packet<C extends LiveCallbackCommand, P extends TProperties>(
  command: C,
  properties: P,
  description: string,
) {
  return Type.Object(
    { CallbackCommand: Type.Literal(command), ...properties },
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: `https://roomhook.dev/schemas/${command}.json`,
      title: command,
      description,
      additionalProperties: true,
    },
  );
}

/** How members take a seat (Tencent: create_room `TakeSeatMode`); `None` in a room without seats. */
export const takeSeatModes = ["None", "FreeToTake", "ApplyToTake"] as const;
const TakeSeatMode = oneOf(takeSeatModes);
/** One of `takeSeatModes`. */
export type TakeSeatMode = Static<typeof TakeSeatMode>;

const CallbackRoomInfo = Type.Object({
  RoomId: Type.String(),
  RoomName: Type.String(),
  RoomType: Type.Literal("Live"),
  Owner_Account: Type.String(),
  MaxMemberCount: Type.Integer(),
  IsMessageDisabled: Type.Boolean(),
  CustomInfo: Type.String(),
  IsSeatEnabled: Type.Boolean(),
  TakeSeatMode,
  MaxSeatCount: Type.Integer(),
  CreateTime: Type.Integer({ description: "Unix seconds" }),
  IsPublicVisible: Type.Boolean(),
  CoverURL: Type.String(),
  Category: Type.Array(Type.Integer()),
  ActivityStatus: Type.Integer(),
  BackgroundURL: Type.String(),
  IsUnlimitedRoomEnabled: Type.Boolean(),
  ViewCount: Type.Integer(),
});
/**
 * Room fields as callbacks carry them (Tencent 64422 CallbackAfterCreateRoom, 64423
 * CallbackAfterDestroyRoom): `CreateTime` Unix seconds, `Category` up to 3 integer tags. Each packet
 * carries the subset its page lists.
 */
export type CallbackRoomInfo = Static<typeof CallbackRoomInfo>;
/** The schema of `CallbackRoomInfo`, for the WebSocket answer that carries a room's fields. */
export const callbackRoomInfoSchema = CallbackRoomInfo;

const AfterCreateRoom = packet(
  "Live.CallbackAfterCreateRoom",
  {
    Operator_Account: Type.String(),
    RoomInfo: Type.Omit(CallbackRoomInfo, [
      "ActivityStatus",
      "BackgroundURL",
      "IsUnlimitedRoomEnabled",
      "ViewCount",
    ]),
    // Tencent's page lists it but its sample has none: a Tencent packet without it is accepted.
    EventTime: Type.Optional(eventTime()),
  },
  "Tencent 64422: a room was created, by a client or by REST create_room.",
);
/**
 * Tencent 64422 `Live.CallbackAfterCreateRoom`: a room was created (client or REST), `Operator_Account`
 * its creator (REST: the admin). `EventTime` (ms) is always sent by roomhook; Tencent's sample has none.
 */
export type AfterCreateRoom = Static<typeof AfterCreateRoom>;

const AfterDestroyRoom = packet(
  "Live.CallbackAfterDestroyRoom",
  {
    Operator_Account: Type.String(),
    RoomId: Type.String(),
    EventType: oneOf(["DestroyByUser", "DestroyBySystem"]),
    EventTime: eventTime(),
    // Tencent's field table and sample have no RoomId here (a captured payload had it; roomhook sends it).
    RoomInfo: Type.Object({
      RoomId: Type.Optional(Type.String()),
      ...Type.Omit(CallbackRoomInfo, ["CreateTime", "RoomId"]).properties,
    }),
    Statistic: Type.Optional(
      Type.Object({
        TotalViewers: Type.Integer(),
        TotalGiftsSent: Type.Integer(),
        TotalGiftCoins: Type.Integer(),
        TotalUniqueGiftSenders: Type.Integer(),
        TotalLikesReceived: Type.Integer(),
      }),
    ),
  },
  "Tencent 64423: a room was dissolved, by a user or REST (DestroyByUser) or by the system.",
);
/**
 * Tencent 64423 `Live.CallbackAfterDestroyRoom`: `EventType` DestroyByUser (client or REST) or
 * DestroyBySystem (`Operator_Account` "@TIM#SYSTEM": empty or owner gone too long). `Statistic` counts
 * every entry (`TotalViewers`), gifts and likes; `RoomInfo.RoomId` is roomhook's addition.
 */
export type AfterDestroyRoom = Static<typeof AfterDestroyRoom>;

const AfterUpdateRoomInfo = packet(
  "Live.CallbackAfterUpdateRoomInfo",
  {
    Operator_Account: Type.String(),
    RoomInfo: Type.Object({
      RoomId: Type.String(),
      ...Type.Partial(
        Type.Pick(CallbackRoomInfo, [
          "RoomName",
          "MaxMemberCount",
          "IsMessageDisabled",
          "CoverURL",
          "Category",
          "ActivityStatus",
          "IsPublicVisible",
          "TakeSeatMode",
          "CustomInfo",
          "BackgroundURL",
        ]),
      ).properties,
      Notice: Type.Optional(Type.String()),
    }),
    EventTime: eventTime(),
  },
  "Tencent 67938: room fields were changed (client or REST update_room_info).",
);
/**
 * Tencent 67938 `Live.CallbackAfterUpdateRoomInfo`: `RoomInfo` holds `RoomId` and the fields the
 * update set (roomhook's decision where Tencent is silent, see docs/compat.md).
 */
export type AfterUpdateRoomInfo = Static<typeof AfterUpdateRoomInfo>;

const AfterSetMetadata = packet(
  "Live.CallbackAfterSetMetadata",
  {
    Operator_Account: Type.String(),
    RoomId: Type.String(),
    Metadata: Type.Array(Type.Object({ Key: Type.String(), Value: Type.String() })),
    EventTime: eventTime(),
  },
  "Tencent 68222: room metadata keys were set.",
);
/** Tencent 68222 `Live.CallbackAfterSetMetadata`: the keys set, with their new values. */
export type AfterSetMetadata = Static<typeof AfterSetMetadata>;

const AfterDelMetadata = packet(
  "Live.CallbackAfterDelMetadata",
  {
    Operator_Account: Type.String(),
    RoomId: Type.String(),
    Keys: Type.Array(Type.String()),
    EventTime: eventTime(),
  },
  "Tencent 68223: room metadata keys were deleted.",
);
/** Tencent 68223 `Live.CallbackAfterDelMetadata`: the keys deleted. */
export type AfterDelMetadata = Static<typeof AfterDelMetadata>;

const AfterCreateRoomReachingThreshold = packet(
  "Live.CallbackAfterCreateRoomReachingThreshold",
  {
    Operator_Account: Type.String(),
    CurRoomCount: Type.Integer(),
    MaxRoomCount: Type.Integer(),
    EventTime: eventTime(),
  },
  "Tencent 70485: a room creation brought the app's room count to 70% of its quota.",
);
/**
 * Tencent 70485 `Live.CallbackAfterCreateRoomReachingThreshold`: after a creation that brought the
 * app's rooms (`CurRoomCount`) to 70% of its quota (`MaxRoomCount`).
 */
export type AfterCreateRoomReachingThreshold = Static<typeof AfterCreateRoomReachingThreshold>;

const AfterMemberStateChanged = packet(
  "Live.CallbackAfterMemberStateChanged",
  {
    RoomId: Type.String(),
    EventType: oneOf(["Online", "Offline"]),
    EventCause: oneOf(["Enter", "Leave", "HeartbeatInterrupt", "HeartbeatRecover"]),
    MemberList: Type.Array(Type.Object({ Member_Account: Type.String() })),
    EventTime: eventTime(),
  },
  "Tencent 64424: members entered or left, or their heartbeat stopped or came back.",
);
/**
 * Tencent 64424 `Live.CallbackAfterMemberStateChanged`: a batch of members (`MemberList`) went
 * Online or Offline, by entering, leaving (or being removed), or their heartbeat stopping/recovering.
 */
export type AfterMemberStateChanged = Static<typeof AfterMemberStateChanged>;

const AfterChangeOwner = packet(
  "Live.CallbackAfterChangeOwner",
  {
    RoomId: Type.String(),
    EventTime: eventTime(),
    Operator_Account: Type.String(),
    CurrentOwner_Account: Type.String(),
    OriginalOwner_Account: Type.String(),
  },
  "Tencent 72553: the room's owner changed (client or REST change_room_owner).",
);
/**
 * The seed: Tencent 72553 "Webhook After Room Owner Change" (`Live.CallbackAfterChangeOwner`), from
 * `OriginalOwner_Account` to `CurrentOwner_Account`; `Operator_Account` the REST admin or the old owner.
 */
export type AfterChangeOwner = Static<typeof AfterChangeOwner>;

const AfterModifyAdmin = packet(
  "Live.CallbackAfterModifyAdmin",
  {
    RoomId: Type.String(),
    Admin_Account: Type.Array(Type.String()),
    // Lower-camel in the callback, unlike the REST request's OpType (Tencent's spelling).
    opType: oneOf(["add", "delete"]),
    Operator_Account: Type.String(),
    EventTime: eventTime(),
  },
  "Tencent 72554: room admins were added or removed.",
);
/**
 * Tencent 72554 `Live.CallbackAfterModifyAdmin`: `Admin_Account` were made admins (`opType` "add") or
 * no longer are ("delete"). `opType` is lower-camel here, unlike the REST request's `OpType`.
 */
export type AfterModifyAdmin = Static<typeof AfterModifyAdmin>;

const AfterSeatInfoChanged = packet(
  "Mic.CallbackAfterSeatInfoChanged",
  {
    RoomId: Type.String(),
    SeatList: Type.Array(
      Type.Object({
        Index: Type.Integer({ minimum: 0 }),
        Member_Account: Type.Optional(Type.String({ description: "absent on a free seat" })),
        IsTakenDisabled: Type.Boolean(),
        IsVideoDisabled: Type.Boolean(),
        IsAudioDisabled: Type.Boolean(),
      }),
    ),
    EventTime: eventTime(),
  },
  "Tencent 64425: a seat was taken, left or locked; the room's whole seat list.",
);
/**
 * Tencent 64425 `Mic.CallbackAfterSeatInfoChanged`: every seat of the room by `Index` (from 0),
 * `Member_Account` absent on a free seat, and its locks.
 */
export type AfterSeatInfoChanged = Static<typeof AfterSeatInfoChanged>;

const BeforeSendGift = packet(
  "Live.CallbackBeforeSendGift",
  {
    Operator_Account: Type.String(),
    RoomId: Type.String(),
    GiftWater: Type.Object({
      From_Account: Type.String(),
      To_Account: Type.Array(Type.String()),
      Time: Type.Integer({ description: "Unix seconds" }),
      GiftId: Type.String(),
      Count: Type.Integer(),
      Coins: Type.Integer(),
    }),
  },
  "Tencent 72210: a gift before it is sent; the App backend's answer decides it.",
);
/**
 * Tencent 72210 `Live.CallbackBeforeSendGift`: a gift before it is sent (`GiftWater.Time` Unix
 * seconds); ErrorCode 0 allows it, codes in [102100, 102200] refuse it with that code; no answer in
 * 2 s refuses it unless `Live.CallbackBeforeCallBackNotBlock` is on.
 */
export type BeforeSendGift = Static<typeof BeforeSendGift>;

const MsgElem = Type.Union([
  Type.Object({ MsgType: Type.Literal("TIMTextElem"), MsgContent: Type.Object({ Text: Type.String() }) }),
  Type.Object({
    MsgType: Type.Literal("TIMCustomElem"),
    MsgContent: Type.Object({
      Data: Type.String(),
      Desc: Type.Optional(Type.String()),
      Ext: Type.Optional(Type.String()),
      Sound: Type.Optional(Type.String()),
    }),
  }),
  Type.Object({
    MsgType: Type.Literal("TIMFaceElem"),
    MsgContent: Type.Object({ Index: Type.Integer(), Data: Type.Optional(Type.String()) }),
  }),
]);
/**
 * A message element (Tencent Chat's TIMMessage): text (`TIMTextElem` {Text}), custom data
 * (`TIMCustomElem` {Data, Desc?, Ext?, Sound?}), or a face (`TIMFaceElem` {Index, Data?}).
 */
export type MsgElem = Static<typeof MsgElem>;
/** The schema of `MsgElem`, for the WebSocket frames that carry messages. */
export const msgElemSchema = MsgElem;

/**
 * A message element as a callback from Tencent may carry it: one of `MsgElem`, or any other of Tencent
 * Chat's elements (`TIMImageElem`, `TIMSoundElem`, `TIMLocationElem`, `TIMFileElem`,
 * `TIMVideoFileElem`, and those Tencent adds later) with its `MsgContent` object, which is passed on
 * unchecked. A receiver must never refuse a message for an element roomhook does not send itself.
 */
const ReceivedMsgElem = Type.Union([
  ...MsgElem.anyOf,
  Type.Object({
    // Any other kind: a known kind must fit its own shape above.
    MsgType: Type.Intersect([
      Type.String(),
      Type.Not(Type.Union(MsgElem.anyOf.map((e) => e.properties.MsgType))),
    ]),
    MsgContent: Type.Object({}),
  }),
]);
/** A message element of a callback packet: see `ReceivedMsgElem`'s schema above. */
export type ReceivedMsgElem = Static<typeof ReceivedMsgElem>;

/**
 * Whether an element is a text (`TIMTextElem` with a string `Text`). Use it rather than comparing
 * `MsgType`, which cannot tell TypeScript that an element of a kind roomhook does not know is not a text.
 */
export function isTextElem(e: ReceivedMsgElem): e is Extract<MsgElem, { MsgType: "TIMTextElem" }> {
  return e.MsgType === "TIMTextElem" && typeof (e.MsgContent as { Text?: unknown }).Text === "string";
}

const messageProperties = {
  GroupId: Type.String({ description: "the room id" }),
  Type: Type.Literal("Live"),
  From_Account: Type.String(),
  Operator_Account: Type.String(),
  Random: Type.Integer(),
  MsgId: Type.String(),
  MsgBody: Type.Array(ReceivedMsgElem),
  CloudCustomData: Type.String(),
  // Tencent's sample writes it as a string of digits: the receiver makes that a number before it
  // checks a packet; roomhook sends a number.
  EventTime: eventTime(),
};

const BeforeSendMsg = packet(
  "Group.CallbackBeforeSendMsg",
  messageProperties,
  "Tencent 74347: a room message before it is delivered; the App backend's answer decides it.",
);
/**
 * Tencent 74347 `Group.CallbackBeforeSendMsg`: a room message (`GroupId` the room id) before it is
 * delivered; the App backend's answer allows, rewrites, drops or refuses it. `EventTime` ms (Tencent's
 * sample writes a string of digits; the receiver hands a number).
 */
export type BeforeSendMsg = Static<typeof BeforeSendMsg>;

const AfterSendMsg = packet(
  "Group.CallbackAfterSendMsg",
  {
    ...messageProperties,
    MsgSeq: Type.Integer({ minimum: 1, description: "the message's number in the room, from 1" }),
    MsgTime: Type.Integer({ description: "Unix seconds" }),
  },
  "Tencent 74348: a room message after it was delivered.",
);
/**
 * Tencent 74348 `Group.CallbackAfterSendMsg`: a room message after it was delivered (also what
 * members are pushed): `MsgSeq` its number in the room from 1, `MsgTime` Unix seconds.
 */
export type AfterSendMsg = Static<typeof AfterSendMsg>;

const BattleRoom = Type.Object({
  RoomId: Type.String(),
  Owner_Account: Type.String(),
  Score: Type.Optional(Type.Integer()),
});
/** A battle room as the battle callbacks carry it (Tencent 68260, 68261); `Score` once it ended. */
export type BattleRoom = Static<typeof BattleRoom>;
const ScoredBattleRoom = Type.Object({ ...BattleRoom.properties, Score: Type.Integer() });

const AfterCreateBattle = packet(
  "Live.CallbackAfterCreateBattle",
  {
    Operator_Account: Type.String(),
    BattleId: Type.String(),
    FromRoomId: Type.String(),
    ToRoomIdList: Type.Array(Type.String()),
    Timeout: Type.Integer({ description: "ms the callees have to answer when NeedResponse" }),
    Duration: Type.Integer({ description: "ms the battle lasts once started" }),
    NeedResponse: Type.Boolean(),
    ExtensionInfo: Type.String(),
    EventTime: eventTime(),
  },
  "Tencent 68259: a battle was created.",
);
/**
 * Tencent 68259 `Live.CallbackAfterCreateBattle`: `FromRoomId` invited `ToRoomIdList`; `Timeout` ms
 * to answer when `NeedResponse`, `Duration` ms the battle lasts once started.
 */
export type AfterCreateBattle = Static<typeof AfterCreateBattle>;

const AfterStartBattle = packet(
  "Live.CallbackAfterStartBattle",
  {
    BattleId: Type.String(),
    Duration: Type.Integer({ description: "ms" }),
    CreateTime: Type.Integer({ description: "Unix seconds" }),
    StartTime: Type.Integer({ description: "Unix seconds" }),
    FromRoomInfo: BattleRoom,
    ToRoomList: Type.Array(BattleRoom),
    EventTime: eventTime(),
  },
  "Tencent 68260: a battle started.",
);
/** Tencent 68260 `Live.CallbackAfterStartBattle`: `Duration` ms, `CreateTime`/`StartTime` Unix seconds. */
export type AfterStartBattle = Static<typeof AfterStartBattle>;

const AfterEndBattle = packet(
  "Live.CallbackAfterEndBattle",
  {
    BattleId: Type.String(),
    Duration: Type.Integer({ description: "ms" }),
    CreateTime: Type.Integer({ description: "Unix seconds" }),
    StartTime: Type.Integer({ description: "Unix seconds" }),
    EndTime: Type.Integer({ description: "Unix seconds" }),
    OpType: oneOf([0, 1, 2], { description: "0 time up, 1 every owner left, 2 nobody joined" }),
    FromRoomInfo: ScoredBattleRoom,
    ToRoomList: Type.Array(ScoredBattleRoom),
    EventTime: eventTime(),
  },
  "Tencent 68261: a battle ended, with each room's score.",
);
/**
 * Tencent 68261 `Live.CallbackAfterEndBattle`: `OpType` 0 time up, 1 every owner left, 2 nobody
 * joined; each room with its `Score`; times as in AfterStartBattle, `EndTime` Unix seconds.
 */
export type AfterEndBattle = Static<typeof AfterEndBattle>;

/**
 * The JSON Schemas (draft 2020-12) of the documented packets, keyed by command: TypeBox schemas, the
 * one declaration each packet type is `Static<>` of. Open to unknown fields.
 */
export const callbackSchemas = {
  "Live.CallbackAfterCreateRoom": AfterCreateRoom,
  "Live.CallbackAfterDestroyRoom": AfterDestroyRoom,
  "Live.CallbackAfterUpdateRoomInfo": AfterUpdateRoomInfo,
  "Live.CallbackAfterSetMetadata": AfterSetMetadata,
  "Live.CallbackAfterDelMetadata": AfterDelMetadata,
  "Live.CallbackAfterCreateRoomReachingThreshold": AfterCreateRoomReachingThreshold,
  "Live.CallbackAfterMemberStateChanged": AfterMemberStateChanged,
  "Live.CallbackAfterChangeOwner": AfterChangeOwner,
  "Live.CallbackAfterModifyAdmin": AfterModifyAdmin,
  "Mic.CallbackAfterSeatInfoChanged": AfterSeatInfoChanged,
  "Live.CallbackBeforeSendGift": BeforeSendGift,
  "Group.CallbackBeforeSendMsg": BeforeSendMsg,
  "Group.CallbackAfterSendMsg": AfterSendMsg,
  "Live.CallbackAfterCreateBattle": AfterCreateBattle,
  "Live.CallbackAfterStartBattle": AfterStartBattle,
  "Live.CallbackAfterEndBattle": AfterEndBattle,
} as const satisfies Partial<Record<LiveCallbackCommand, TObject>>;

/** The commands with a packet schema (`callbackSchemas`' keys). */
export type DocumentedCallbackCommand = keyof typeof callbackSchemas;

/** Each documented packet's type, by command: `CallbackPacketByCommand["Live.CallbackAfterChangeOwner"]`. */
export type CallbackPacketByCommand = {
  [C in DocumentedCallbackCommand]: Static<(typeof callbackSchemas)[C]>;
};

/** Every packet whose shape Tencent documents fully. */
export type LiveCallbackPacket = CallbackPacketByCommand[DocumentedCallbackCommand];

/** The packets roomhook's server emits as room events (every documented one but the before-callbacks). */
export type RoomEventPacket = CallbackPacketByCommand[Exclude<
  DocumentedCallbackCommand,
  "Live.CallbackBeforeSendGift" | "Group.CallbackBeforeSendMsg"
>];
