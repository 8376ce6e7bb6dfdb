/**
 * Live callback commands and their packets (Tencent: "Webhook" pages of TUILiveKit, one per command).
 * Field names and types are Tencent's; `EventTime` is milliseconds, `CreateTime` seconds. Schemas are
 * JSON Schema (draft 2020-12) as data, open to unknown fields: Tencent adds fields without notice.
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

export type LiveCallbackCommand = (typeof liveCallbackCommands)[number];

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
export type OptPlatform = (typeof optPlatforms)[number];

export type TakeSeatMode = "None" | "FreeToTake" | "ApplyToTake";

/** Room fields as callbacks carry them (Tencent: CallbackAfterCreateRoom, CallbackAfterDestroyRoom). */
export interface CallbackRoomInfo {
  RoomId: string;
  RoomName: string;
  RoomType: "Live";
  Owner_Account: string;
  MaxMemberCount: number;
  IsMessageDisabled: boolean;
  CustomInfo: string;
  IsSeatEnabled: boolean;
  TakeSeatMode: TakeSeatMode;
  MaxSeatCount: number;
  CreateTime: number;
  IsPublicVisible: boolean;
  CoverURL: string;
  Category: number[];
  ActivityStatus: number;
  BackgroundURL: string;
  IsUnlimitedRoomEnabled: boolean;
  ViewCount: number;
}

export interface AfterCreateRoom {
  CallbackCommand: "Live.CallbackAfterCreateRoom";
  Operator_Account: string;
  RoomInfo: Omit<
    CallbackRoomInfo,
    "ActivityStatus" | "BackgroundURL" | "IsUnlimitedRoomEnabled" | "ViewCount"
  >;
  EventTime: number;
}

export interface AfterDestroyRoom {
  CallbackCommand: "Live.CallbackAfterDestroyRoom";
  Operator_Account: string;
  RoomId: string;
  EventType: "DestroyByUser" | "DestroyBySystem";
  EventTime: number;
  RoomInfo: Omit<CallbackRoomInfo, "CreateTime">;
  Statistic?: {
    TotalViewers: number;
    TotalGiftsSent: number;
    TotalGiftCoins: number;
    TotalUniqueGiftSenders: number;
    TotalLikesReceived: number;
  };
}

export interface AfterUpdateRoomInfo {
  CallbackCommand: "Live.CallbackAfterUpdateRoomInfo";
  Operator_Account: string;
  /** `RoomId` and the fields the update set (roomhook's decision, see docs/compat.md). */
  RoomInfo: { RoomId: string } & Partial<
    Pick<
      CallbackRoomInfo,
      | "RoomName"
      | "MaxMemberCount"
      | "IsMessageDisabled"
      | "CoverURL"
      | "Category"
      | "ActivityStatus"
      | "IsPublicVisible"
      | "TakeSeatMode"
      | "CustomInfo"
      | "BackgroundURL"
    > & { Notice: string }
  >;
  EventTime: number;
}

export interface AfterSetMetadata {
  CallbackCommand: "Live.CallbackAfterSetMetadata";
  Operator_Account: string;
  RoomId: string;
  Metadata: { Key: string; Value: string }[];
  EventTime: number;
}

export interface AfterDelMetadata {
  CallbackCommand: "Live.CallbackAfterDelMetadata";
  Operator_Account: string;
  RoomId: string;
  Keys: string[];
  EventTime: number;
}

export interface AfterCreateRoomReachingThreshold {
  CallbackCommand: "Live.CallbackAfterCreateRoomReachingThreshold";
  Operator_Account: string;
  CurRoomCount: number;
  MaxRoomCount: number;
  EventTime: number;
}

export interface AfterMemberStateChanged {
  CallbackCommand: "Live.CallbackAfterMemberStateChanged";
  RoomId: string;
  EventType: "Online" | "Offline";
  EventCause: "Enter" | "Leave" | "HeartbeatInterrupt" | "HeartbeatRecover";
  MemberList: { Member_Account: string }[];
  EventTime: number;
}

/** The seed: Tencent's "Webhook After Room Owner Change". */
export interface AfterChangeOwner {
  CallbackCommand: "Live.CallbackAfterChangeOwner";
  RoomId: string;
  EventTime: number;
  Operator_Account: string;
  CurrentOwner_Account: string;
  OriginalOwner_Account: string;
}

export interface AfterModifyAdmin {
  CallbackCommand: "Live.CallbackAfterModifyAdmin";
  RoomId: string;
  Admin_Account: string[];
  /** Lower-camel in the callback, unlike the REST request's `OpType` (Tencent's spelling). */
  opType: "add" | "delete";
  Operator_Account: string;
  EventTime: number;
}

export interface AfterSeatInfoChanged {
  CallbackCommand: "Mic.CallbackAfterSeatInfoChanged";
  RoomId: string;
  SeatList: {
    Index: number;
    Member_Account?: string;
    IsTakenDisabled: boolean;
    IsVideoDisabled: boolean;
    IsAudioDisabled: boolean;
  }[];
  EventTime: number;
}

export interface BeforeSendGift {
  CallbackCommand: "Live.CallbackBeforeSendGift";
  Operator_Account: string;
  RoomId: string;
  GiftWater: {
    From_Account: string;
    To_Account: string[];
    Time: number;
    GiftId: string;
    Count: number;
    Coins: number;
  };
}

/** A message element (Tencent Chat's TIMMessage): text, custom data, or a face. */
export type MsgElem =
  | { MsgType: "TIMTextElem"; MsgContent: { Text: string } }
  | { MsgType: "TIMCustomElem"; MsgContent: { Data: string; Desc?: string; Ext?: string; Sound?: string } }
  | { MsgType: "TIMFaceElem"; MsgContent: { Index: number; Data?: string } };

/** Tencent 74347: a room message before it is delivered; the App backend's answer decides it. */
export interface BeforeSendMsg {
  CallbackCommand: "Group.CallbackBeforeSendMsg";
  /** The room id. */
  GroupId: string;
  Type: "Live";
  From_Account: string;
  Operator_Account: string;
  Random: number;
  MsgId: string;
  MsgBody: MsgElem[];
  CloudCustomData: string;
  /** Milliseconds (Tencent's sample writes it as a string; roomhook sends a number). */
  EventTime: number;
}

/** Tencent 74348: a room message after it was delivered (also what members are pushed). */
export interface AfterSendMsg extends Omit<BeforeSendMsg, "CallbackCommand"> {
  CallbackCommand: "Group.CallbackAfterSendMsg";
  /** The message's number in the room, from 1. */
  MsgSeq: number;
  /** Unix seconds. */
  MsgTime: number;
}

/** A battle room as the battle callbacks carry it. */
export interface BattleRoom {
  RoomId: string;
  Owner_Account: string;
  Score?: number;
}

/** Tencent 68259. */
export interface AfterCreateBattle {
  CallbackCommand: "Live.CallbackAfterCreateBattle";
  Operator_Account: string;
  BattleId: string;
  FromRoomId: string;
  ToRoomIdList: string[];
  /** ms the callees have to answer when NeedResponse. */
  Timeout: number;
  /** ms the battle lasts once started. */
  Duration: number;
  NeedResponse: boolean;
  ExtensionInfo: string;
  EventTime: number;
}

/** Tencent 68260. */
export interface AfterStartBattle {
  CallbackCommand: "Live.CallbackAfterStartBattle";
  BattleId: string;
  Duration: number;
  /** Unix seconds. */
  CreateTime: number;
  StartTime: number;
  FromRoomInfo: BattleRoom;
  ToRoomList: BattleRoom[];
  EventTime: number;
}

/** Tencent 68261: OpType 0 time up, 1 every owner left, 2 nobody joined. */
export interface AfterEndBattle {
  CallbackCommand: "Live.CallbackAfterEndBattle";
  BattleId: string;
  Duration: number;
  CreateTime: number;
  StartTime: number;
  EndTime: number;
  OpType: 0 | 1 | 2;
  FromRoomInfo: BattleRoom & { Score: number };
  ToRoomList: (BattleRoom & { Score: number })[];
  EventTime: number;
}

/** Every packet whose shape Tencent documents fully. */
export type LiveCallbackPacket =
  | AfterCreateRoom
  | AfterDestroyRoom
  | AfterUpdateRoomInfo
  | AfterSetMetadata
  | AfterDelMetadata
  | AfterCreateRoomReachingThreshold
  | AfterMemberStateChanged
  | AfterChangeOwner
  | AfterModifyAdmin
  | AfterSeatInfoChanged
  | BeforeSendGift
  | BeforeSendMsg
  | AfterSendMsg
  | AfterCreateBattle
  | AfterStartBattle
  | AfterEndBattle;

/** The packets roomhook's server emits, by command. */
export type RoomEventPacket =
  | AfterCreateRoom
  | AfterDestroyRoom
  | AfterUpdateRoomInfo
  | AfterSetMetadata
  | AfterDelMetadata
  | AfterCreateRoomReachingThreshold
  | AfterChangeOwner
  | AfterModifyAdmin
  | AfterMemberStateChanged
  | AfterSeatInfoChanged
  | AfterSendMsg
  | AfterCreateBattle
  | AfterStartBattle
  | AfterEndBattle;

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const bool = { type: "boolean" } as const;
const eventTime = { type: "integer", minimum: 0, description: "milliseconds since the Unix epoch" } as const;

function packet(command: LiveCallbackCommand, properties: Record<string, unknown>, required: string[]) {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `https://roomhook.dev/schemas/${command}.json`,
    type: "object",
    properties: { CallbackCommand: { const: command }, ...properties },
    required: ["CallbackCommand", ...required],
    additionalProperties: true,
  } as const;
}

const roomInfoProperties = {
  RoomId: str,
  RoomName: str,
  RoomType: str,
  Owner_Account: str,
  MaxMemberCount: int,
  IsMessageDisabled: bool,
  CustomInfo: str,
  IsSeatEnabled: bool,
  TakeSeatMode: { enum: ["None", "FreeToTake", "ApplyToTake"] },
  MaxSeatCount: int,
  CreateTime: int,
  IsPublicVisible: bool,
  CoverURL: str,
  Category: { type: "array", items: int },
  ActivityStatus: int,
  BackgroundURL: str,
  IsUnlimitedRoomEnabled: bool,
  ViewCount: int,
} as const;

const msgElem = {
  type: "object",
  properties: { MsgType: str, MsgContent: { type: "object" } },
  required: ["MsgType", "MsgContent"],
} as const;
const messageProperties = {
  GroupId: str,
  Type: str,
  From_Account: str,
  Operator_Account: str,
  Random: int,
  MsgId: str,
  MsgBody: { type: "array", items: msgElem },
  CloudCustomData: str,
  // Tencent's samples write it as a string of digits; roomhook sends an integer: either is accepted.
  EventTime: { description: "milliseconds since the Unix epoch (an integer, or Tencent's string of digits)" },
} as const;
const messageRequired = ["GroupId", "From_Account", "MsgBody"];
const battleRoom = {
  type: "object",
  properties: { RoomId: str, Owner_Account: str, Score: int },
  required: ["RoomId"],
} as const;

/** JSON Schemas of the documented packets, keyed by command. */
export const callbackSchemas = {
  "Live.CallbackAfterCreateRoom": packet(
    "Live.CallbackAfterCreateRoom",
    {
      Operator_Account: str,
      RoomInfo: { type: "object", properties: roomInfoProperties, required: ["RoomId", "Owner_Account"] },
      EventTime: eventTime,
    },
    ["Operator_Account", "RoomInfo"],
  ),
  "Live.CallbackAfterDestroyRoom": packet(
    "Live.CallbackAfterDestroyRoom",
    {
      Operator_Account: str,
      RoomId: str,
      EventType: { enum: ["DestroyByUser", "DestroyBySystem"] },
      EventTime: eventTime,
      RoomInfo: { type: "object", properties: roomInfoProperties },
      Statistic: { type: "object" },
    },
    ["RoomId", "EventType"],
  ),
  "Live.CallbackAfterUpdateRoomInfo": packet(
    "Live.CallbackAfterUpdateRoomInfo",
    {
      Operator_Account: str,
      RoomInfo: { type: "object", properties: roomInfoProperties, required: ["RoomId"] },
      EventTime: eventTime,
    },
    ["RoomInfo"],
  ),
  "Live.CallbackAfterSetMetadata": packet(
    "Live.CallbackAfterSetMetadata",
    {
      Operator_Account: str,
      RoomId: str,
      Metadata: {
        type: "array",
        items: { type: "object", properties: { Key: str, Value: str }, required: ["Key", "Value"] },
      },
      EventTime: eventTime,
    },
    ["RoomId", "Metadata"],
  ),
  "Live.CallbackAfterDelMetadata": packet(
    "Live.CallbackAfterDelMetadata",
    { Operator_Account: str, RoomId: str, Keys: { type: "array", items: str }, EventTime: eventTime },
    ["RoomId", "Keys"],
  ),
  "Live.CallbackAfterCreateRoomReachingThreshold": packet(
    "Live.CallbackAfterCreateRoomReachingThreshold",
    { Operator_Account: str, CurRoomCount: int, MaxRoomCount: int, EventTime: eventTime },
    ["CurRoomCount", "MaxRoomCount"],
  ),
  "Live.CallbackAfterMemberStateChanged": packet(
    "Live.CallbackAfterMemberStateChanged",
    {
      RoomId: str,
      EventType: { enum: ["Online", "Offline"] },
      EventCause: { enum: ["Enter", "Leave", "HeartbeatInterrupt", "HeartbeatRecover"] },
      MemberList: {
        type: "array",
        items: { type: "object", properties: { Member_Account: str }, required: ["Member_Account"] },
      },
      EventTime: eventTime,
    },
    ["RoomId", "EventType", "EventCause", "MemberList"],
  ),
  "Live.CallbackAfterChangeOwner": packet(
    "Live.CallbackAfterChangeOwner",
    {
      RoomId: str,
      EventTime: eventTime,
      Operator_Account: str,
      CurrentOwner_Account: str,
      OriginalOwner_Account: str,
    },
    ["RoomId", "EventTime", "Operator_Account", "CurrentOwner_Account", "OriginalOwner_Account"],
  ),
  "Live.CallbackAfterModifyAdmin": packet(
    "Live.CallbackAfterModifyAdmin",
    {
      RoomId: str,
      Admin_Account: { type: "array", items: str },
      opType: { enum: ["add", "delete"] },
      Operator_Account: str,
      EventTime: eventTime,
    },
    ["RoomId", "Admin_Account", "opType"],
  ),
  "Mic.CallbackAfterSeatInfoChanged": packet(
    "Mic.CallbackAfterSeatInfoChanged",
    {
      RoomId: str,
      SeatList: {
        type: "array",
        items: {
          type: "object",
          properties: {
            Index: int,
            Member_Account: str,
            IsTakenDisabled: bool,
            IsVideoDisabled: bool,
            IsAudioDisabled: bool,
          },
          required: ["Index"],
        },
      },
      EventTime: eventTime,
    },
    ["RoomId", "SeatList"],
  ),
  "Live.CallbackBeforeSendGift": packet(
    "Live.CallbackBeforeSendGift",
    {
      Operator_Account: str,
      RoomId: str,
      GiftWater: {
        type: "object",
        properties: {
          From_Account: str,
          To_Account: { type: "array", items: str },
          Time: int,
          GiftId: str,
          Count: int,
          Coins: int,
        },
      },
    },
    ["RoomId", "GiftWater"],
  ),
  "Group.CallbackBeforeSendMsg": packet("Group.CallbackBeforeSendMsg", messageProperties, messageRequired),
  "Group.CallbackAfterSendMsg": packet(
    "Group.CallbackAfterSendMsg",
    { ...messageProperties, MsgSeq: int, MsgTime: int },
    [...messageRequired, "MsgSeq"],
  ),
  "Live.CallbackAfterCreateBattle": packet(
    "Live.CallbackAfterCreateBattle",
    {
      Operator_Account: str,
      BattleId: str,
      FromRoomId: str,
      ToRoomIdList: { type: "array", items: str },
      Timeout: int,
      Duration: int,
      NeedResponse: bool,
      ExtensionInfo: str,
      EventTime: eventTime,
    },
    ["BattleId", "FromRoomId", "ToRoomIdList"],
  ),
  "Live.CallbackAfterStartBattle": packet(
    "Live.CallbackAfterStartBattle",
    {
      BattleId: str,
      Duration: int,
      CreateTime: int,
      StartTime: int,
      FromRoomInfo: battleRoom,
      ToRoomList: { type: "array", items: battleRoom },
      EventTime: eventTime,
    },
    ["BattleId", "FromRoomInfo", "ToRoomList"],
  ),
  "Live.CallbackAfterEndBattle": packet(
    "Live.CallbackAfterEndBattle",
    {
      BattleId: str,
      Duration: int,
      CreateTime: int,
      StartTime: int,
      EndTime: int,
      OpType: { enum: [0, 1, 2] },
      FromRoomInfo: battleRoom,
      ToRoomList: { type: "array", items: battleRoom },
      EventTime: eventTime,
    },
    ["BattleId", "OpType", "FromRoomInfo", "ToRoomList"],
  ),
} as const satisfies Partial<Record<LiveCallbackCommand, unknown>>;
