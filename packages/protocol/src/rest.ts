import type {
  AfterSeatInfoChanged,
  LiveCallbackCommand,
  MsgElem,
  OptPlatform,
  RoomEventPacket,
  TakeSeatMode,
} from "./callbacks.ts";
import type { deliveryStates, RoomCallbacksAnswer, RoomCallbacksQuery } from "./catch-up.ts";

/**
 * The request and response bodies of the REST commands roomhook serves, as Tencent's pages name their
 * fields (`RoomId`, `Owner_Account`, `RoomInfo`, ...). A request is the JSON body POSTed to
 * `/v4/<service>/<command>`; a response is the command's payload: what Live commands answer in the
 * envelope's `Response` object, and what Chat commands (and a few gift commands) answer beside
 * `ActionStatus`. The envelope itself is `RestEnvelope` (envelope.ts).
 *
 * Units as Tencent's pages give them: `CreateTime`, `StartTime`, `EndTime`, `BannedUntil`,
 * `MutedUntil` and `MsgTime` are Unix seconds; battle `Duration` is milliseconds; ban and mute
 * durations are seconds; times of roomhook's own extension services are milliseconds. Fields Tencent
 * documents are required in responses; fields only roomhook (or only some Tencent pages) answer are
 * optional. {@link RestApi} maps each `service/command` path to its request and response.
 */

/** A command without parameters: Tencent still wants a JSON object (`{}`) as the body. */
export type EmptyRequest = Record<string, never>;

/** A request naming one room (`RoomId`, at most 48 bytes). */
export interface RoomIdRequest {
  /** The room's id. */
  RoomId: string;
}

/** One entry of a room's metadata (Tencent 64374-64376: key at most 50 bytes, value at most 2 KB). */
export interface MetadataEntry {
  /** The key. */
  Key: string;
  /** The value. */
  Value: string;
}

/**
 * `create_room`'s seat templates (Tencent 63401; the names of Tencent's TUILiveKit_Manager). Video
 * templates fix the seat count; audio ones (`AudioSalon`, `Karaoke`) take `MaxSeatCount`.
 */
export type SeatTemplate =
  | "VideoDynamicGrid9Seats"
  | "VideoDynamicFloat7Seats"
  | "VideoFixedGrid9Seats"
  | "VideoFixedFloat7Seats"
  | "VideoLandscape4Seat"
  | "AudioSalon"
  | "Karaoke";

/** The room fields both `create_room` and `update_room_info` may set (Tencent 63401, 63403). */
export interface MutableRoomFields {
  /** Display name, at most 100 bytes (create_room's default: the room id). */
  RoomName?: string;
  /** Most members at once (roomhook's default 1000). */
  MaxMemberCount?: number;
  /** Whether members other than the owner and admins are muted. */
  IsMessageDisabled?: boolean;
  /** Cover image Url, at most 200 bytes. */
  CoverURL?: string;
  /** Category tags, at most 3. */
  Category?: number[];
  /** A status of the App's own, a 32-bit unsigned integer. */
  ActivityStatus?: number;
  /** Whether `get_room_list` lists the room (default true). */
  IsPublicVisible?: boolean;
  /** How members take seats. */
  TakeSeatMode?: TakeSeatMode;
  /** The room's notice, at most 100 bytes. */
  Notice?: string;
  /** The App's own data, at most 2048 bytes. */
  CustomInfo?: string;
  /** Background image Url, at most 200 bytes. */
  BackgroundURL?: string;
}

/** `create_room`'s `RoomInfo` (Tencent 63401). */
export interface NewRoomInfo extends MutableRoomFields {
  /** The room's id, at most 48 bytes. */
  RoomId: string;
  /** Always `"Live"`. */
  RoomType: "Live";
  /** The owner (default: the calling admin). */
  Owner_Account?: string;
  /** Whether the room has seats (default false; true when a SeatTemplate is given). */
  IsSeatEnabled?: boolean;
  /** Seats in the room (audio rooms; roomhook's default 10). */
  MaxSeatCount?: number;
  /** The seat layout; gives the room seats. */
  SeatTemplate?: SeatTemplate;
  /** A seat layout id (newer pages, e.g. 600 for a grid). */
  SeatLayoutTemplateId?: number;
  /** Tencent's high-concurrency mode (default false). */
  IsUnlimitedRoomEnabled?: boolean;
}

/** `live_engine_http_srv/create_room` (Tencent 63401). */
export interface CreateRoomRequest {
  /** The new room. */
  RoomInfo: NewRoomInfo;
}

/** `create_room`'s answer: the room's id (Tencent's current page, 63401). */
export interface CreateRoomResponse {
  /** The id of the room created. */
  RoomId: string;
}

/** `live_engine_http_srv/destroy_room` (Tencent 63406). */
export type DestroyRoomRequest = RoomIdRequest;

/** What a room counted over its life, answered by `destroy_room` (Tencent 63406). */
export interface DestroyRoomStatistic {
  /** Entries into the room (every entry counts). */
  TotalViewers: number;
  /** Gifts sent in the room. */
  TotalGiftsSent: number;
  /** Coins of the gifts sent. */
  TotalGiftCoins: number;
  /** Distinct gift senders. */
  TotalUniqueGiftSenders: number;
  /** Likes received. */
  TotalLikesReceived: number;
}

/** `destroy_room`'s answer; older Tencent deployments answer no payload. */
export interface DestroyRoomResponse {
  /** The room's statistics at dissolution. */
  Statistic?: DestroyRoomStatistic;
}

/** `live_engine_http_srv/update_room_info` (Tencent 63403): at least one field besides `RoomId`. */
export interface UpdateRoomInfoRequest {
  /** The room and the fields to change. */
  RoomInfo: MutableRoomFields & RoomIdRequest;
}

/** `live_engine_http_srv/get_room_info` (Tencent 63404). */
export type GetRoomInfoRequest = RoomIdRequest;

/** A room as `get_room_info` answers it (Tencent 63404). */
export interface RoomInfo {
  /** The room's id. */
  RoomId: string;
  /** Display name. */
  RoomName: string;
  /** Always `"Live"`. */
  RoomType: "Live";
  /** The owner. */
  Owner_Account: string;
  /** Unix seconds. */
  CreateTime: number;
  /** Whether the room has seats. */
  IsSeatEnabled: boolean;
  /** How members take seats (a string on Tencent's newer pages, an integer on older samples). */
  TakeSeatMode: TakeSeatMode;
  /** Seats in the room. */
  MaxSeatCount: number;
  /** Most members at once. */
  MaxMemberCount: number;
  /** Whether ordinary members are muted. */
  IsMessageDisabled: boolean;
  /** Cover image Url. */
  CoverURL: string;
  /** Category tags. */
  Category: number[];
  /** The App's own status. */
  ActivityStatus: number;
  /** Entries into the room so far. */
  ViewCount: number;
  /** Whether `get_room_list` lists the room. */
  IsPublicVisible: boolean;
  /** Tencent's high-concurrency mode. */
  IsUnlimitedRoomEnabled?: boolean;
  /** The App's own data. */
  CustomInfo?: string;
  /** Background image Url. */
  BackgroundURL?: string;
  /** The room's notice. */
  Notice?: string;
  /** The seat template the room was created with. */
  SeatTemplate?: SeatTemplate;
  /** The seat layout id the room was created with. */
  SeatLayoutTemplateId?: number;
}

/** `get_room_info`'s answer. */
export interface GetRoomInfoResponse {
  /** The room. */
  RoomInfo: RoomInfo;
}

/** `live_engine_http_srv/get_room_list` (Tencent 63421, 10 calls/s): public rooms by `ViewCount`. */
export interface GetRoomListRequest {
  /** `""` for the first page, then the `Next` of the previous answer. */
  Next: string;
  /** Rooms per page, 1-20 (default 20). */
  Count?: number;
}

/** A room as `get_room_list` lists it (Tencent 63421). */
export interface RoomListEntry {
  /** The room's id. */
  RoomId: string;
  /** Display name. */
  RoomName: string;
  /** The owner. */
  Owner_Account: string;
  /** Cover image Url. */
  CoverURL: string;
  /** Category tags. */
  Category: number[];
  /** Unix seconds. */
  CreateTime: number;
  /** The App's own status. */
  ActivityStatus: number;
  /** Entries into the room so far. */
  ViewCount: number;
}

/** `get_room_list`'s answer. */
export interface GetRoomListResponse {
  /** The cursor of the next page; `""` when this was the last. */
  Next: string;
  /** The page's rooms, most viewed first. */
  RoomList: RoomListEntry[];
}

/** `live_engine_http_srv/change_room_owner` (Tencent 72534). */
export interface ChangeRoomOwnerRequest {
  /** The room. */
  RoomId: string;
  /** The new owner. */
  NewOwner_Account: string;
}

/** `live_engine_http_srv/modify_admin`: at most 5 admins per room (100020 beyond). */
export interface ModifyAdminRequest {
  /** The room. */
  RoomId: string;
  /** The users to make or unmake admins (at most 20 per call). */
  Admin_Account: string[];
  /** `"add"` or `"delete"` (the callback spells it `opType`). */
  OpType: "add" | "delete";
}

/** `live_engine_http_srv/get_admin_list`. */
export type GetAdminListRequest = RoomIdRequest;

/** `get_admin_list`'s answer. */
export interface GetAdminListResponse {
  /** The room's admins. */
  Admin_Account: string[];
}

/** `live_engine_http_srv/ban_member` (Tencent 63407): banned members are removed and kept out. */
export interface BanMemberRequest {
  /** The room. */
  RoomId: string;
  /** The members to ban, at most 20. */
  MemberList_Account: string[];
  /** Seconds the ban lasts. */
  Duration: number;
  /** Why, at most 1000 bytes (RoomEngine's sibling page, 60711). */
  Reason?: string;
}

/** `live_engine_http_srv/unban_member`. */
export interface UnbanMemberRequest {
  /** The room. */
  RoomId: string;
  /** The members to unban, at most 20. */
  MemberList_Account: string[];
}

/** `live_engine_http_srv/get_banned_member_list`. */
export interface GetBannedMemberListRequest {
  /** The room. */
  RoomId: string;
  /** Entries to skip (default 0): the `NextOffset` of the previous answer. */
  Offset?: number;
  /** Entries per page, 1-100 (default 100). */
  Limit?: number;
}

/** `get_banned_member_list`'s answer. */
export interface GetBannedMemberListResponse {
  /** The banned members of the page. */
  BannedAccountList: {
    /** The member. */
    Member_Account: string;
    /** Unix seconds. */
    BannedUntil: number;
  }[];
  /** The `Offset` of the next page; 0 when this was the last. */
  NextOffset: number;
}

/** `live_engine_http_srv/get_member_list` (Tencent 66908): at most 1000 members per answer. */
export interface GetMemberListRequest {
  /** The room. */
  RoomId: string;
  /** `""` for the first page, then the `Next` of the previous answer. */
  Next: string;
}

/** `get_member_list`'s answer. */
export interface GetMemberListResponse {
  /** The cursor of the next page; `""` when this was the last. */
  Next: string;
  /** Members in the room. */
  MemberCount: number;
  /** The page's members. */
  MemberList: {
    /** The member. */
    Member_Account: string;
  }[];
}

/** `live_engine_http_srv/mute_member` (Tencent 66969). */
export interface MuteMemberRequest {
  /** The room. */
  RoomId: string;
  /** The members to mute or unmute, at most 20. */
  MemberList_Account: string[];
  /** Seconds the mute lasts; 0 lifts it. */
  MuteTime: number;
}

/** `live_engine_http_srv/get_muted_member_list` (Tencent 69894). */
export interface GetMutedMemberListRequest {
  /** The room. */
  RoomId: string;
  /** Entries to skip (default 0; Tencent's console sends it, its page does not list it). */
  Offset?: number;
  /** Entries per page (default 1000). */
  Limit?: number;
}

/** `get_muted_member_list`'s answer. */
export interface GetMutedMemberListResponse {
  /** The muted members. */
  MutedAccountList: {
    /** The member. */
    Member_Account: string;
    /** Unix seconds. */
    MutedUntil: number;
  }[];
}

/** `live_engine_http_srv/set_room_metadata` (Tencent 64374): adds or replaces keys. */
export interface SetRoomMetadataRequest {
  /** The room. */
  RoomId: string;
  /** The entries (a room holds at most 10 keys, 16 KB of values). */
  Metadata: MetadataEntry[];
}

/** `live_engine_http_srv/get_room_metadata` (Tencent 64376). */
export interface GetRoomMetadataRequest {
  /** The room. */
  RoomId: string;
  /** The keys to read; empty: every key. */
  Keys: string[];
}

/** `get_room_metadata`'s answer. */
export interface GetRoomMetadataResponse {
  /** The entries found. */
  Metadata: MetadataEntry[];
}

/** `live_engine_http_srv/del_room_metadata` (Tencent 64375). */
export interface DelRoomMetadataRequest {
  /** The room. */
  RoomId: string;
  /** The keys to delete, at least one. */
  Keys: string[];
}

/** `live_engine_http_srv/add_robot` (Tencent 69079, 100 calls/s) and `del_robot`. */
export interface RobotListRequest {
  /** The room. */
  RoomId: string;
  /** The robots' user ids. */
  RobotList_Account: string[];
}

/** `live_engine_http_srv/get_robot` (Tencent 69081). */
export type GetRobotRequest = RoomIdRequest;

/** `get_robot`'s answer. */
export interface GetRobotResponse {
  /** The room's robots. */
  RobotList_Account: string[];
}

/** `live_engine_http_srv/send_text_msg` (Tencent 74353). */
export interface SendTextMsgRequest {
  /** The room. */
  RoomId: string;
  /** Who the message is from. */
  Sender_Account: string;
  /** The text. */
  TextContent: string;
  /** A JSON string of the App's own, delivered as the message's CloudCustomData. */
  ExtensionInfo?: string;
}

/** `live_engine_http_srv/send_custom_msg` (Tencent 74354). */
export interface SendCustomMsgRequest {
  /** The room. */
  RoomId: string;
  /** Who the message is from. */
  Sender_Account: string;
  /** The message's kind, as the App names it. */
  BusinessId?: string;
  /** The message's data. */
  Data: string;
}

/** `live_engine_http_srv/get_room_stats` (Tencent 80421, 100 calls/s). */
export type GetRoomStatsRequest = RoomIdRequest;

/** `get_room_stats`'s answer (Tencent 80421). */
export interface GetRoomStatsResponse extends DestroyRoomStatistic {
  /** Messages sent in the room. */
  TotalMsgCount: number;
}

/** `live_engine_http_srv/send_gift` (Tencent 72556). */
export interface SendGiftRequest {
  /** The room. */
  RoomId: string;
  /** A gift of the app's catalog. */
  GiftId: string;
  /** How many (default 1). */
  Count?: number;
  /** The sender. */
  From_Account: string;
  /** The receivers. */
  ReceiverList_Account: string[];
}

/** `live_engine_http_srv/get_gift_count` (Tencent 72557). */
export interface GetGiftCountRequest {
  /** The room. */
  RoomId: string;
  /** The gift receiver (Tencent's newer page; the older one says sender). */
  From_Account: string;
}

/** `get_gift_count`'s answer (Tencent 72557). */
export interface GetGiftCountResponse {
  /** A number that grows with each gift (unexplained by Tencent; roomhook answers the count). */
  Sequence: number;
  /** Gifts received. */
  TotalCount: number;
  /** Coins of the gifts received. */
  TotalCoins: number;
  /** Distinct senders. */
  GiftSenderCount: number;
}

/** A gift's languages: Tencent's gift pages support these three. */
export type GiftLanguage = "en" | "zh-Hans" | "zh-Hant";

/** A gift of the catalog (Tencent `add_gift` 72845, `get_gift` 72846). */
export interface GiftInfo {
  /** The gift's id, at most 20 bytes. */
  GiftId: string;
  /** Thumbnail Url, at most 200 bytes. */
  IconUrl: string;
  /** Effect resource Url (mp4, svg), at most 200 bytes. */
  ResourceUrl: string;
  /** Price of one, in the app's virtual currency. */
  Coins: number;
  /** Gift level. */
  Level: number;
  /** A JSON string of the App's own, at most 100 bytes. */
  ExtensionInfo: string;
  /** Default name, at most 20 bytes. */
  DefaultName: string;
  /** Default description, at most 20 bytes. */
  DefaultDesc: string;
}

/** `live_engine_http_srv/add_gift` (Tencent 72845, 1 call/s). */
export type AddGiftRequest = Pick<GiftInfo, "GiftId" | "Coins" | "DefaultName"> &
  Partial<Omit<GiftInfo, "GiftId" | "Coins" | "DefaultName">>;

/** `live_engine_http_srv/edit_gift`: the gift and at least one field to change. */
export type EditGiftRequest = Pick<GiftInfo, "GiftId"> & Partial<Omit<GiftInfo, "GiftId">>;

/** A request naming one gift (`del_gift`, `get_gift`). */
export interface GiftIdRequest {
  /** The gift. */
  GiftId: string;
}

/** `get_gift`'s answer (Tencent 72846), beside ActionStatus. */
export interface GetGiftResponse {
  /** The gift. */
  GiftInfo: GiftInfo;
}

/** `live_engine_http_srv/get_gift_info_list`: the catalog, in one language. */
export interface GetGiftInfoListRequest {
  /** The language of names and descriptions (`"zh"` is read as zh-Hans); default names without it. */
  Language?: GiftLanguage | "zh";
}

/** `get_gift_info_list`'s answer. */
export interface GetGiftInfoListResponse {
  /** The gifts. */
  GiftList: {
    /** The gift's id. */
    GiftId: string;
    /** Name in the language asked (else the default). */
    Name: string;
    /** Description in the language asked (else the default). */
    Desc: string;
    /** Thumbnail Url. */
    IconUrl: string;
    /** Effect resource Url. */
    ResourceUrl: string;
    /** Price of one. */
    Coins: number;
    /** Gift level. */
    Level: number;
    /** The App's own JSON string. */
    ExtensionInfo: string;
    /** The languages the gift has names in. */
    LanguageList: string[];
    /** Unix seconds. */
    CreateTime: number;
  }[];
  /** The gift categories. */
  CategoryList: {
    /** The category's id. */
    CategoryId: string;
    /** Name in the language asked (else the default). */
    CategoryName: string;
    /** Description in the language asked (else the default). */
    CategoryDesc: string;
    /** The App's own JSON string. */
    CategoryExtension: string;
    /** The category's gifts. */
    GiftIdList: string[];
    /** The languages the category has names in. */
    LanguageList: string[];
  }[];
}

/** A gift category (Tencent `add_gift_category` 72848, `get_gift_category` 72849; at most 3). */
export interface GiftCategoryInfo {
  /** The category's id, at most 20 bytes. */
  CategoryId: string;
  /** A JSON string of the App's own, at most 100 bytes. */
  ExtensionInfo: string;
  /** Default name, at most 20 bytes. */
  DefaultName: string;
  /** Default description, at most 60 bytes. */
  DefaultDesc: string;
}

/** `live_engine_http_srv/add_gift_category` (Tencent 72848, 1 call/s). */
export type AddGiftCategoryRequest = Pick<GiftCategoryInfo, "CategoryId" | "DefaultName"> &
  Partial<Pick<GiftCategoryInfo, "ExtensionInfo" | "DefaultDesc">>;

/** `live_engine_http_srv/edit_gift_category`: the category and at least one field to change. */
export type EditGiftCategoryRequest = Pick<GiftCategoryInfo, "CategoryId"> &
  Partial<Omit<GiftCategoryInfo, "CategoryId">>;

/** A request naming one gift category. */
export interface CategoryIdRequest {
  /** The category. */
  CategoryId: string;
}

/** `get_gift_category`'s answer (Tencent 72849), beside ActionStatus. */
export interface GetGiftCategoryResponse {
  /** The category. */
  GiftCategoryInfo: GiftCategoryInfo;
}

/** `add_gift_category_relations` (Tencent 72851) and `del_gift_category_relations` (72852). */
export interface GiftCategoryRelationsRequest {
  /** The category. */
  CategoryId: string;
  /** The gifts to add to it or take out of it. */
  GiftIdList: string[];
}

/** `add_gift_category_relations`'s answer (Tencent 72851), beside ActionStatus. */
export interface AddGiftCategoryRelationsResponse {
  /** The gifts not added (no such gift). */
  InvalidGiftIdList: string[];
}

/** `get_gift_category_relations`'s answer (Tencent 72853), beside ActionStatus. */
export interface GetGiftCategoryRelationsResponse {
  /** The category's gifts. */
  Relation: {
    /** The category. */
    CategoryId: string;
    /** Its gifts. */
    GiftIdList: string[];
  };
}

/** `live_engine_http_srv/set_gift_language`: a gift's name and description in one language. */
export interface SetGiftLanguageRequest {
  /** The gift. */
  GiftId: string;
  /** The language. */
  Language: GiftLanguage;
  /** Name, at most 20 bytes. */
  Name?: string;
  /** Description, at most 20 bytes. */
  Desc?: string;
}

/** `get_gift_language` (Tencent 72855) and `del_gift_language`. */
export interface GiftLanguageRequest {
  /** The gift. */
  GiftId: string;
  /** The language. */
  Language: GiftLanguage;
}

/** `get_gift_language`'s answer (Tencent 72855), beside ActionStatus. */
export interface GetGiftLanguageResponse {
  /** The gift's texts in the language. */
  GiftInfo: {
    /** Name. */
    Name: string;
    /** Description. */
    Desc: string;
  };
}

/** `live_engine_http_srv/set_gift_category_language`. */
export interface SetGiftCategoryLanguageRequest {
  /** The category. */
  CategoryId: string;
  /** The language. */
  Language: GiftLanguage;
  /** Name, at most 20 bytes. */
  CategoryName?: string;
  /** Description, at most 60 bytes. */
  CategoryDesc?: string;
}

/** `get_gift_category_language` (Tencent 72858) and `del_gift_category_language`. */
export interface GiftCategoryLanguageRequest {
  /** The category. */
  CategoryId: string;
  /** The language. */
  Language: GiftLanguage;
}

/** `get_gift_category_language`'s answer (Tencent 72858), beside ActionStatus. */
export interface GetGiftCategoryLanguageResponse {
  /** The category's texts in the language. */
  CategoryInfo: {
    /** Name. */
    CategoryName: string;
    /** Description. */
    CategoryDesc: string;
  };
}

/** `live_engine_http_pk/create_battle` (Tencent 68254). */
export interface CreateBattleRequest {
  /** The caller's room. */
  FromRoomId: string;
  /** The callees' rooms. */
  ToRoomIdList: string[];
  /** Milliseconds the battle lasts. */
  Duration: number;
  /** The App's own data. */
  ExtensionInfo?: string;
}

/** `create_battle`'s answer (Tencent 68254). */
export interface CreateBattleResponse {
  /** The battle's id. */
  BattleId: string;
  /** Each callee: 0 joined, 3 in another battle, 5 system error (roomhook: no such room). */
  Result: {
    /** The callee's room. */
    RoomId: string;
    /** 0, 3 or 5. */
    ResultCode: number;
    /** Why, when not 0. */
    ResultMessage: string;
  }[];
}

/** `live_engine_http_pk/set_battle_score` (Tencent 68255). */
export interface SetBattleScoreRequest {
  /** The battle. */
  BattleId: string;
  /** 1 adds to the scores, 2 replaces them (the page's table says String, its sample a number). */
  OpType: 1 | 2 | "1" | "2";
  /** The scores, by room. */
  ScoreList: {
    /** A room of the battle. */
    RoomId: string;
    /** The score (a 32-bit signed integer). */
    Score: number;
  }[];
}

/** `set_battle_score`'s answer: 0 for a room scored, 100414 for a room not in the battle. */
export interface SetBattleScoreResponse {
  /** Each room asked. */
  Result: {
    /** The room. */
    RoomId: string;
    /** 0 or the error code. */
    ResultCode: number;
  }[];
}

/** `live_engine_http_pk/get_battle_info` (Tencent 68256): by BattleId, or the battle a room is in. */
export interface GetBattleInfoRequest {
  /** The battle. */
  BattleId?: string;
  /** A room in the battle, when the BattleId is not known. */
  RoomId?: string;
}

/** A room of a battle, with its score. */
export interface BattleRoomScore {
  /** The room. */
  RoomId: string;
  /** Its owner when the battle started. */
  Owner_Account: string;
  /** Its score. */
  Score: number;
}

/** `get_battle_info`'s answer (Tencent 68256). */
export interface GetBattleInfoResponse {
  /** The battle. */
  BattleId: string;
  /** Milliseconds. */
  Duration: number;
  /** Unix seconds. */
  StartTime: number;
  /** Unix seconds (when it ends, for a battle still on). */
  EndTime: number;
  /** roomhook: 2 started, 3 ended (Tencent publishes no table). */
  Status: number;
  /** The caller's room. */
  FromRoomInfo: BattleRoomScore;
  /** The callees' rooms that joined. */
  ToRoomList: BattleRoomScore[];
}

/** A seat as `get_seat_list` and `Mic.CallbackAfterSeatInfoChanged` show it (Index from 0). */
export type SeatInfo = AfterSeatInfoChanged["SeatList"][number];

/** `room_engine_http_mic/get_seat_list` (Tencent 64427). */
export type GetSeatListRequest = RoomIdRequest;

/** `get_seat_list`'s answer. */
export interface GetSeatListResponse {
  /** Every seat of the room. */
  SeatList: SeatInfo[];
}

/** `room_engine_http_mic/pick_user_on_seat` (Tencent 64428). */
export interface PickUserOnSeatRequest {
  /** The room. */
  RoomId: string;
  /** The member to seat. */
  Member_Account: string;
  /** The seat, from 0. */
  Index: number;
}

/** `room_engine_http_mic/kick_user_off_seat` (Tencent 64429). */
export interface KickUserOffSeatRequest {
  /** The room. */
  RoomId: string;
  /** The member to take off. */
  Member_Account: string;
  /** Extra data (the page marks it mandatory; Tencent's console leaves it out). */
  Data?: string;
}

/** `room_engine_http_mic/lock_seat` (Tencent 64430): the answer calls these IsTakenDisabled etc. */
export interface LockSeatRequest {
  /** The room. */
  RoomId: string;
  /** The seat, from 0. */
  Index: number;
  /** Nobody may take the seat. */
  ForbidTaken?: boolean;
  /** The seat's video is off. */
  ForbidVideo?: boolean;
  /** The seat's audio is off. */
  ForbidAudio?: boolean;
}

/** `room_engine_http_mic/move_user_to_seat` (Tencent 72685). */
export interface MoveUserToSeatRequest {
  /** The room. */
  RoomId: string;
  /** The member to move. */
  Member_Account: string;
  /** The target seat, from 0. */
  SeatIndex: number;
  /** When the seat is taken: 0 cancel, 1 force (the occupant leaves it), 2 swap. */
  Policy: 0 | 1 | 2;
}

/** `live_config/set_callback` (Tencent 64420) and `update_callback` (64419, a full replacement). */
export interface SetCallbackRequest {
  /** The App backend's callback Url (http:// or https://). */
  Url: string;
  /** The callback commands switched on. */
  CallbackCommandList: LiveCallbackCommand[];
}

/** `get_callback`'s answer (Tencent 64418). */
export interface GetCallbackResponse {
  /** The callback Url. */
  Url: string;
  /** The commands switched on. */
  CallbackCommandList: string[];
  /** roomhook: why the configuration stopped sending (the receiver answered 410 Gone). */
  DisabledReason?: string;
  /** roomhook: how after-callbacks are retried (`at-least-once` or a Tencent-like policy). */
  DeliveryPolicy?: string;
}

/** `live_config/set_callback_token` (Tencent 69528): both on the first call, any later. */
export interface SetCallbackTokenRequest {
  /** The token callbacks are signed with (`Sign`), 1-128 characters. */
  Token?: string;
  /** Whether callbacks carry `Sign` and `RequestTime`. */
  IsTokenEnable?: boolean;
}

/** `get_callback_token`'s answer (Tencent 69529). */
export interface GetCallbackTokenResponse {
  /** The token. */
  Token: string;
  /** Whether callbacks are signed. */
  IsTokenEnable: boolean;
}

/** `group_open_http_svc/send_group_msg` (Tencent Chat 34959): a room message; GroupId is the room. */
export interface SendGroupMsgRequest {
  /** The room's id. */
  GroupId: string;
  /** A random 32-bit unsigned integer (de-duplication). */
  Random: number;
  /** The message's elements. */
  MsgBody: MsgElem[];
  /** The sender (default: the calling admin). */
  From_Account?: string;
  /** The App's own data, delivered with the message. */
  CloudCustomData?: string;
  /** Message priority. */
  MsgPriority?: "High" | "Normal" | "Low";
  /** Callbacks to skip for this message. */
  ForbidCallbackControl?: ("ForbidBeforeSendMsgCallback" | "ForbidAfterSendMsgCallback")[];
}

/** `send_group_msg`'s answer, beside ActionStatus (Chat's envelope). */
export interface SendGroupMsgResponse {
  /** Unix seconds. */
  MsgTime: number;
  /** The message's number in the room (0 when the App backend dropped it silently). */
  MsgSeq: number;
}

/** An account to import: Chat's `UserID` with an optional nickname and avatar. */
export interface AccountInput {
  /** The user id, 1-32 bytes. */
  UserID: string;
  /** Nickname, at most 500 bytes. */
  Nick?: string;
  /** Avatar Url, at most 500 bytes. */
  FaceUrl?: string;
}

/** `im_open_login_svc/account_import` (Tencent Chat 34953). */
export type AccountImportRequest = AccountInput;

/** `im_open_login_svc/multiaccount_import` (Tencent Chat 34954): at most 100 accounts. */
export type MultiaccountImportRequest =
  | {
      /** The accounts. */
      AccountList: AccountInput[];
    }
  | {
      /** The older form: user ids only. */
      Accounts: string[];
    };

/** `multiaccount_import`'s answer, beside ActionStatus. */
export interface MultiaccountImportResponse {
  /** The accounts not imported. */
  FailAccounts: string[];
}

/** `im_open_login_svc/account_check` (Tencent Chat 34956): at most 100 accounts. */
export interface AccountCheckRequest {
  /** The accounts to look up. */
  CheckItem: {
    /** The user id. */
    UserID: string;
  }[];
}

/** `account_check`'s answer, beside ActionStatus. */
export interface AccountCheckResponse {
  /** One per account asked. */
  ResultItem: {
    /** The user id. */
    UserID: string;
    /** 0 when looked up. */
    ResultCode: number;
    /** Why, when not 0. */
    ResultInfo: string;
    /** Whether the account exists. */
    AccountStatus: "Imported" | "NotImported";
  }[];
}

/** `im_open_login_svc/account_delete` (Tencent Chat 34955): at most 100 accounts. */
export interface AccountDeleteRequest {
  /** The accounts to delete. */
  DeleteItem: {
    /** The user id. */
    UserID: string;
  }[];
}

/** `account_delete`'s answer, beside ActionStatus: 70107 for an account that does not exist. */
export interface AccountDeleteResponse {
  /** One per account asked. */
  ResultItem: {
    /** 0 or the error code. */
    ResultCode: number;
    /** Why, when not 0. */
    ResultInfo: string;
    /** The user id. */
    UserID: string;
  }[];
}

/** A profile field: a standard tag (`Tag_Profile_IM_Nick`, ...) or `Tag_Profile_Custom_<name>`. */
export interface ProfileItem {
  /** The tag. */
  Tag: string;
  /** A string, or an unsigned 32-bit integer for numeric tags. */
  Value: string | number;
}

/** `profile/portrait_get` (Tencent Chat 34917): at most 100 accounts. */
export interface PortraitGetRequest {
  /** The accounts. */
  To_Account: string[];
  /** The tags to read (default: nickname and avatar). */
  TagList?: string[];
}

/** `portrait_get`'s answer, beside ActionStatus. */
export interface PortraitGetResponse {
  /** One per account asked; ResultCode 40003 for an account that does not exist. */
  UserProfileItem: {
    /** The account. */
    To_Account: string;
    /** Its fields that are set. */
    ProfileItem: ProfileItem[];
    /** 0 or the error code. */
    ResultCode: number;
    /** Why, when not 0. */
    ResultInfo: string;
  }[];
  /** Chat's detail text (empty). */
  ErrorDisplay?: string;
}

/** `profile/portrait_set` (Tencent Chat 34916). */
export interface PortraitSetRequest {
  /** The account whose profile changes. */
  From_Account: string;
  /** The fields to set. */
  ProfileItem: ProfileItem[];
}

/** `portrait_set`'s answer, beside ActionStatus. */
export interface PortraitSetResponse {
  /** Chat's detail text (empty). */
  ErrorDisplay?: string;
}

/** roomhook: where a callback delivery stands (`deliveryStates`, catch-up.ts). */
export type DeliveryState = (typeof deliveryStates)[number];

/** roomhook: one attempt to deliver a callback. */
export interface DeliveryAttempt {
  /** The attempt's number, from 1. */
  Attempt: number;
  /** When it started, ms since the epoch. */
  Time: number;
  /** How long it took, ms. */
  DurationMs: number;
  /** The receiver's HTTP status, when it answered. */
  HttpStatus?: number;
  /** What went wrong (timeout, refused, not JSON, ...). */
  Error?: string;
  /** The start of the receiver's answer. */
  Reply?: string;
}

/** roomhook: a callback delivery with its attempts. */
export interface Delivery {
  /** The delivery's id. */
  DeliveryId: number;
  /** The event's id (the same for every delivery of one event). */
  EventId: string;
  /** The room. */
  RoomId: string;
  /** The event's number in the room. */
  Sequence: number;
  /** The number of the room's previous called-back event (0 for none). */
  PreviousSequence: number;
  /** The callback command. */
  CallbackCommand: string;
  /** Where it stands. */
  State: DeliveryState;
  /** Attempts so far. */
  Attempts: number;
  /** ms since the epoch. */
  CreateTime: number;
  /** When the next attempt is due (pending deliveries), ms since the epoch. */
  NextAttemptTime?: number;
  /** When it was delivered or given up, ms since the epoch. */
  DoneTime?: number;
  /** The last attempt's error. */
  LastError?: string;
  /** Its attempts, oldest first. */
  AttemptList: DeliveryAttempt[];
}

/** `roomhook_delivery/get_delivery_list`: the delivery log, newest first. */
export interface GetDeliveryListRequest {
  /** Deliveries per page, 1-100 (default 20). */
  Limit?: number;
  /** `""` for the first page, then the `Next` of the previous answer. */
  Next?: string;
  /** Only deliveries in this state. */
  State?: DeliveryState;
  /** Only this room's. */
  RoomId?: string;
  /** Only this command's. */
  CallbackCommand?: string;
  /** Only those created at or after, ms since the epoch. */
  StartTime?: number;
  /** Only those created before, ms since the epoch. */
  EndTime?: number;
}

/** `get_delivery_list`'s answer. */
export interface GetDeliveryListResponse {
  /** The page's deliveries. */
  DeliveryList: Delivery[];
  /** The cursor of the next page; `""` when this was the last. */
  Next: string;
}

/** `roomhook_delivery/get_delivery` and `redeliver`. */
export interface DeliveryIdRequest {
  /** The delivery. */
  DeliveryId: number;
}

/** `get_delivery`'s answer. */
export interface GetDeliveryResponse {
  /** The delivery. */
  Delivery: Delivery;
}

/** `roomhook_delivery/redeliver_dead`: dead deliveries created in [StartTime, EndTime) again. */
export interface RedeliverDeadRequest {
  /** ms since the epoch. */
  StartTime: number;
  /** ms since the epoch, after StartTime. */
  EndTime: number;
}

/** `redeliver_dead`'s answer. */
export interface RedeliverDeadResponse {
  /** Deliveries made pending again. */
  Count: number;
  /** Their ids. */
  DeliveryIdList: number[];
}

/** `roomhook_delivery/get_attempt_feed`: attempts started at StartTime or later, newest first. */
export interface GetAttemptFeedRequest {
  /** ms since the epoch (default 0). */
  StartTime?: number;
  /** Attempts, 1-100 (default 20). */
  Limit?: number;
}

/** `get_attempt_feed`'s answer. */
export interface GetAttemptFeedResponse {
  /** The attempts, each with its delivery. */
  AttemptList: (DeliveryAttempt & {
    /** The delivery. */
    DeliveryId: number;
    /** The event. */
    EventId: string;
    /** The room. */
    RoomId: string;
    /** The event's number in the room. */
    Sequence: number;
    /** The callback command. */
    CallbackCommand: string;
    /** The delivery's state now. */
    State: DeliveryState;
  })[];
}

/**
 * `roomhook_delivery/get_room_callbacks`: a room's callbacks after `AfterSequence` (the catch-up query;
 * declared with its JSON Schema in catch-up.ts).
 */
export type GetRoomCallbacksRequest = RoomCallbacksQuery;

/** `get_room_callbacks`'s answer: the callbacks in sequence order, and `HasMore` (catch-up.ts). */
export type GetRoomCallbacksResponse = RoomCallbacksAnswer;

/** `roomhook_delivery/get_before_callback_list`: the before-callbacks asked, newest first. */
export interface GetBeforeCallbackListRequest {
  /** Entries per page, 1-100 (default 20). */
  Limit?: number;
  /** `""` for the first page, then the `Next` of the previous answer. */
  Next?: string;
  /** Only this room's. */
  RoomId?: string;
  /** Only this command's. */
  CallbackCommand?: string;
}

/** `get_before_callback_list`'s answer. */
export interface GetBeforeCallbackListResponse {
  /** The page's entries. */
  BeforeCallbackList: {
    /** The entry's id. */
    Id: number;
    /** The event's id. */
    EventId: string;
    /** The room. */
    RoomId: string;
    /** `Live.CallbackBeforeSendGift` or `Group.CallbackBeforeSendMsg`. */
    CallbackCommand: string;
    /** When it was asked, ms since the epoch. */
    Time: number;
    /** How long it took, ms. */
    DurationMs: number;
    /** What was decided. */
    Decision: string;
    /** The code the sender got (0: allowed). */
    Code: number;
    /** The packet sent. */
    Packet: unknown;
    /** The receiver's HTTP status, when it answered. */
    HttpStatus?: number;
    /** What went wrong. */
    Error?: string;
    /** The start of the receiver's answer. */
    Reply?: string;
  }[];
  /** The cursor of the next page; `""` when this was the last. */
  Next: string;
}

/** `roomhook_delivery/rotate_signing_secret`'s answer: the new Standard Webhooks secret. */
export interface RotateSigningSecretResponse {
  /** The new secret (`whsec_...`). */
  Secret: string;
  /** When the previous secrets stop signing, ms since the epoch. */
  PreviousSecretsExpireTime: number;
}

/** `roomhook_delivery/get_signing_secrets`'s answer. */
export interface GetSigningSecretsResponse {
  /** The secrets callbacks are signed with. */
  SecretList: {
    /** The secret. */
    Secret: string;
    /** ms since the epoch. */
    CreateTime: number;
    /** When it stops signing (a rotated-out secret), ms since the epoch. */
    ExpireTime?: number;
  }[];
}

/** roomhook: a room event as `get_room_events` and `get_event_feed` show it. */
export interface RoomEventView {
  /** The event's number in the room. */
  Sequence: number;
  /** The event's id. */
  EventId: string;
  /** The command of its packet. */
  CallbackCommand: string;
  /** When it happened, ms since the epoch. */
  Time: number;
  /** Who did it. */
  Operator_Account: string;
  /** Where from. */
  OptPlatform: OptPlatform;
  /** The caller's IP. */
  ClientIP: string;
  /** The packet, as Tencent documents it. */
  Packet: RoomEventPacket;
}

/** `roomhook_room/search_rooms`: rooms whose id contains Text (public or not), by id. */
export interface SearchRoomsRequest {
  /** A part of the id (case-sensitive); every room when absent or empty. */
  Text?: string;
  /** Rooms per page, 1-100 (default 20). */
  Limit?: number;
  /** `""` for the first page, then the `Next` of the previous answer. */
  Next?: string;
}

/** `search_rooms`'s answer. */
export interface SearchRoomsResponse {
  /** The page's rooms. */
  RoomList: (RoomListEntry & {
    /** Always `"Live"`. */
    RoomType: "Live";
    /** Whether get_room_list lists it. */
    IsPublicVisible: boolean;
  })[];
  /** The cursor of the next page; `""` when this was the last. */
  Next: string;
}

/** `roomhook_room/get_room_events`: a room's events, called back or not, after it was destroyed too. */
export interface GetRoomEventsRequest {
  /** The room. */
  RoomId: string;
  /** Only events after this number (default 0). */
  AfterSequence?: number;
  /** Events, 1-100 (default 100). */
  Limit?: number;
  /** Only this command's (`Live.CallbackAfterChangeOwner`: the owner history). */
  CallbackCommand?: string;
}

/** `get_room_events`'s answer. */
export interface GetRoomEventsResponse {
  /** The events, in sequence order. */
  EventList: RoomEventView[];
  /** Whether more follow. */
  HasMore: boolean;
}

/** `roomhook_room/get_event_feed`: the app's events in every room, in the order written. */
export interface GetEventFeedRequest {
  /** Only events after this id (a `LastId`); without it, the newest `Limit`. */
  AfterId?: number;
  /** Events, 1-100 (default 100). */
  Limit?: number;
}

/** `get_event_feed`'s answer. */
export interface GetEventFeedResponse {
  /** The events, oldest first. */
  EventList: (RoomEventView & {
    /** The event's position in the feed. */
    Id: number;
    /** The room. */
    RoomId: string;
  })[];
  /** Where to go on from (the next `AfterId`). */
  LastId: number;
  /** Whether more follow. */
  HasMore: boolean;
}

/** roomhook: one REST call as `roomhook_log/get_call_feed` answers it. */
export interface RestCallRecord {
  /** Position in the answering process's feed. */
  Id: number;
  /** When the answer was sent, ms since the epoch. */
  Time: number;
  /** The service called. */
  Service: string;
  /** The command called. */
  Command: string;
  /** The caller, when its UserSig was accepted. */
  Operator_Account?: string;
  /** The answer's code. */
  ErrorCode: number;
  /** The answer's reason, on a refused call. */
  ErrorInfo?: string;
  /** How long the call took, ms. */
  DurationMs: number;
  /** The answer's RequestId. */
  RequestId: string;
  /** The caller's IP. */
  ClientIP: string;
}

/** `roomhook_log/get_call_feed`: the app's REST calls, oldest first (each process keeps its own). */
export interface GetCallFeedRequest {
  /** Only calls after this id (a `LastId`); without it, the newest `Limit`. */
  AfterId?: number;
  /** Calls, 1-100 (default 100). */
  Limit?: number;
}

/** `get_call_feed`'s answer. */
export interface GetCallFeedResponse {
  /** The calls. */
  CallList: RestCallRecord[];
  /** Where to go on from (the next `AfterId`). */
  LastId: number;
  /** Whether more follow. */
  HasMore: boolean;
}

/** A command's request and response bodies. `void`: the command answers no payload. */
export interface RestCommandTypes<Req, Res> {
  /** The JSON body POSTed. */
  request: Req;
  /** The payload answered. */
  response: Res;
}

/**
 * Every REST command roomhook serves, by `service/command` path, with its request and response.
 * Tencent's services: `live_engine_http_srv`, `live_engine_http_pk`, `room_engine_http_mic`,
 * `live_config`, and Chat's `group_open_http_svc`, `im_open_login_svc`, `profile`; roomhook's own:
 * `roomhook_delivery`, `roomhook_room`, `roomhook_log`.
 */
export interface RestApi {
  /** Tencent 63401. */
  "live_engine_http_srv/create_room": RestCommandTypes<CreateRoomRequest, CreateRoomResponse>;
  /** Tencent 63406. */
  "live_engine_http_srv/destroy_room": RestCommandTypes<DestroyRoomRequest, DestroyRoomResponse>;
  /** Tencent 63403. */
  "live_engine_http_srv/update_room_info": RestCommandTypes<UpdateRoomInfoRequest, void>;
  /** Tencent 63404. */
  "live_engine_http_srv/get_room_info": RestCommandTypes<GetRoomInfoRequest, GetRoomInfoResponse>;
  /** Tencent 63421. */
  "live_engine_http_srv/get_room_list": RestCommandTypes<GetRoomListRequest, GetRoomListResponse>;
  /** Tencent 72534. */
  "live_engine_http_srv/change_room_owner": RestCommandTypes<ChangeRoomOwnerRequest, void>;
  /** Add or remove admins. */
  "live_engine_http_srv/modify_admin": RestCommandTypes<ModifyAdminRequest, void>;
  /** A room's admins. */
  "live_engine_http_srv/get_admin_list": RestCommandTypes<GetAdminListRequest, GetAdminListResponse>;
  /** Tencent 63407. */
  "live_engine_http_srv/ban_member": RestCommandTypes<BanMemberRequest, void>;
  /** Lift bans. */
  "live_engine_http_srv/unban_member": RestCommandTypes<UnbanMemberRequest, void>;
  /** A room's bans. */
  "live_engine_http_srv/get_banned_member_list": RestCommandTypes<
    GetBannedMemberListRequest,
    GetBannedMemberListResponse
  >;
  /** Tencent 66908. */
  "live_engine_http_srv/get_member_list": RestCommandTypes<GetMemberListRequest, GetMemberListResponse>;
  /** Tencent 66969. */
  "live_engine_http_srv/mute_member": RestCommandTypes<MuteMemberRequest, void>;
  /** Tencent 69894. */
  "live_engine_http_srv/get_muted_member_list": RestCommandTypes<
    GetMutedMemberListRequest,
    GetMutedMemberListResponse
  >;
  /** Tencent 64374. */
  "live_engine_http_srv/set_room_metadata": RestCommandTypes<SetRoomMetadataRequest, void>;
  /** Tencent 64376. */
  "live_engine_http_srv/get_room_metadata": RestCommandTypes<GetRoomMetadataRequest, GetRoomMetadataResponse>;
  /** Tencent 64375. */
  "live_engine_http_srv/del_room_metadata": RestCommandTypes<DelRoomMetadataRequest, void>;
  /** Tencent 69079. */
  "live_engine_http_srv/add_robot": RestCommandTypes<RobotListRequest, void>;
  /** Remove robots. */
  "live_engine_http_srv/del_robot": RestCommandTypes<RobotListRequest, void>;
  /** Tencent 69081. */
  "live_engine_http_srv/get_robot": RestCommandTypes<GetRobotRequest, GetRobotResponse>;
  /** Tencent 74353. */
  "live_engine_http_srv/send_text_msg": RestCommandTypes<SendTextMsgRequest, void>;
  /** Tencent 74354. */
  "live_engine_http_srv/send_custom_msg": RestCommandTypes<SendCustomMsgRequest, void>;
  /** Tencent 80421. */
  "live_engine_http_srv/get_room_stats": RestCommandTypes<GetRoomStatsRequest, GetRoomStatsResponse>;
  /** The name Tencent's own admin console calls `get_room_stats` by; the same answer. */
  "live_engine_http_srv/get_room_statistic": RestCommandTypes<GetRoomStatsRequest, GetRoomStatsResponse>;
  /** Tencent 72556. */
  "live_engine_http_srv/send_gift": RestCommandTypes<SendGiftRequest, void>;
  /** Tencent 72557. */
  "live_engine_http_srv/get_gift_count": RestCommandTypes<GetGiftCountRequest, GetGiftCountResponse>;
  /** Tencent 72845. */
  "live_engine_http_srv/add_gift": RestCommandTypes<AddGiftRequest, void>;
  /** Change a gift. */
  "live_engine_http_srv/edit_gift": RestCommandTypes<EditGiftRequest, void>;
  /** Delete a gift. */
  "live_engine_http_srv/del_gift": RestCommandTypes<GiftIdRequest, void>;
  /** Tencent 72846. */
  "live_engine_http_srv/get_gift": RestCommandTypes<GiftIdRequest, GetGiftResponse>;
  /** The catalog in one language. */
  "live_engine_http_srv/get_gift_info_list": RestCommandTypes<
    GetGiftInfoListRequest,
    GetGiftInfoListResponse
  >;
  /** Tencent 72848. */
  "live_engine_http_srv/add_gift_category": RestCommandTypes<AddGiftCategoryRequest, void>;
  /** Change a gift category. */
  "live_engine_http_srv/edit_gift_category": RestCommandTypes<EditGiftCategoryRequest, void>;
  /** Delete a gift category. */
  "live_engine_http_srv/del_gift_category": RestCommandTypes<CategoryIdRequest, void>;
  /** Tencent 72849. */
  "live_engine_http_srv/get_gift_category": RestCommandTypes<CategoryIdRequest, GetGiftCategoryResponse>;
  /** Tencent 72851. */
  "live_engine_http_srv/add_gift_category_relations": RestCommandTypes<
    GiftCategoryRelationsRequest,
    AddGiftCategoryRelationsResponse
  >;
  /** Tencent 72852. */
  "live_engine_http_srv/del_gift_category_relations": RestCommandTypes<GiftCategoryRelationsRequest, void>;
  /** Tencent 72853. */
  "live_engine_http_srv/get_gift_category_relations": RestCommandTypes<
    CategoryIdRequest,
    GetGiftCategoryRelationsResponse
  >;
  /** A gift's texts in a language. */
  "live_engine_http_srv/set_gift_language": RestCommandTypes<SetGiftLanguageRequest, void>;
  /** Tencent 72855. */
  "live_engine_http_srv/get_gift_language": RestCommandTypes<GiftLanguageRequest, GetGiftLanguageResponse>;
  /** Delete a gift's texts in a language. */
  "live_engine_http_srv/del_gift_language": RestCommandTypes<GiftLanguageRequest, void>;
  /** A gift category's texts in a language. */
  "live_engine_http_srv/set_gift_category_language": RestCommandTypes<SetGiftCategoryLanguageRequest, void>;
  /** Tencent 72858. */
  "live_engine_http_srv/get_gift_category_language": RestCommandTypes<
    GiftCategoryLanguageRequest,
    GetGiftCategoryLanguageResponse
  >;
  /** Delete a gift category's texts in a language. */
  "live_engine_http_srv/del_gift_category_language": RestCommandTypes<GiftCategoryLanguageRequest, void>;
  /** Tencent 74360. */
  "live_engine_http_srv/copy_default_gift_config": RestCommandTypes<EmptyRequest, void>;
  /** Tencent 68254. */
  "live_engine_http_pk/create_battle": RestCommandTypes<CreateBattleRequest, CreateBattleResponse>;
  /** Tencent 68255. */
  "live_engine_http_pk/set_battle_score": RestCommandTypes<SetBattleScoreRequest, SetBattleScoreResponse>;
  /** Tencent 68256. */
  "live_engine_http_pk/get_battle_info": RestCommandTypes<GetBattleInfoRequest, GetBattleInfoResponse>;
  /** Tencent 64427. */
  "room_engine_http_mic/get_seat_list": RestCommandTypes<GetSeatListRequest, GetSeatListResponse>;
  /** Tencent 64428. */
  "room_engine_http_mic/pick_user_on_seat": RestCommandTypes<PickUserOnSeatRequest, void>;
  /** Tencent 64429. */
  "room_engine_http_mic/kick_user_off_seat": RestCommandTypes<KickUserOffSeatRequest, void>;
  /** Tencent 64430. */
  "room_engine_http_mic/lock_seat": RestCommandTypes<LockSeatRequest, void>;
  /** Tencent 72685. */
  "room_engine_http_mic/move_user_to_seat": RestCommandTypes<MoveUserToSeatRequest, void>;
  /** Tencent 64420. */
  "live_config/set_callback": RestCommandTypes<SetCallbackRequest, void>;
  /** Tencent 64419. */
  "live_config/update_callback": RestCommandTypes<SetCallbackRequest, void>;
  /** Tencent 64418. */
  "live_config/get_callback": RestCommandTypes<EmptyRequest, GetCallbackResponse>;
  /** Tencent 64421. */
  "live_config/delete_callback": RestCommandTypes<EmptyRequest, void>;
  /** Tencent 69528. */
  "live_config/set_callback_token": RestCommandTypes<SetCallbackTokenRequest, void>;
  /** Tencent 69529. */
  "live_config/get_callback_token": RestCommandTypes<EmptyRequest, GetCallbackTokenResponse>;
  /** Tencent Chat 34959. */
  "group_open_http_svc/send_group_msg": RestCommandTypes<SendGroupMsgRequest, SendGroupMsgResponse>;
  /** Tencent Chat 34953. */
  "im_open_login_svc/account_import": RestCommandTypes<AccountImportRequest, void>;
  /** Tencent Chat 34954. */
  "im_open_login_svc/multiaccount_import": RestCommandTypes<
    MultiaccountImportRequest,
    MultiaccountImportResponse
  >;
  /** Tencent Chat 34956. */
  "im_open_login_svc/account_check": RestCommandTypes<AccountCheckRequest, AccountCheckResponse>;
  /** Tencent Chat 34955. */
  "im_open_login_svc/account_delete": RestCommandTypes<AccountDeleteRequest, AccountDeleteResponse>;
  /** Tencent Chat 34917. */
  "profile/portrait_get": RestCommandTypes<PortraitGetRequest, PortraitGetResponse>;
  /** Tencent Chat 34916. */
  "profile/portrait_set": RestCommandTypes<PortraitSetRequest, PortraitSetResponse>;
  /** roomhook: the delivery log. */
  "roomhook_delivery/get_delivery_list": RestCommandTypes<GetDeliveryListRequest, GetDeliveryListResponse>;
  /** roomhook: one delivery. */
  "roomhook_delivery/get_delivery": RestCommandTypes<DeliveryIdRequest, GetDeliveryResponse>;
  /** roomhook: send a delivered or dead callback again. */
  "roomhook_delivery/redeliver": RestCommandTypes<DeliveryIdRequest, void>;
  /** roomhook: send the dead callbacks of a time range again. */
  "roomhook_delivery/redeliver_dead": RestCommandTypes<RedeliverDeadRequest, RedeliverDeadResponse>;
  /** roomhook: recent delivery attempts. */
  "roomhook_delivery/get_attempt_feed": RestCommandTypes<GetAttemptFeedRequest, GetAttemptFeedResponse>;
  /** roomhook: a room's called-back events (catch-up). */
  "roomhook_delivery/get_room_callbacks": RestCommandTypes<GetRoomCallbacksRequest, GetRoomCallbacksResponse>;
  /** roomhook: the before-callbacks asked. */
  "roomhook_delivery/get_before_callback_list": RestCommandTypes<
    GetBeforeCallbackListRequest,
    GetBeforeCallbackListResponse
  >;
  /** roomhook: a new Standard Webhooks signing secret. */
  "roomhook_delivery/rotate_signing_secret": RestCommandTypes<EmptyRequest, RotateSigningSecretResponse>;
  /** roomhook: the signing secrets. */
  "roomhook_delivery/get_signing_secrets": RestCommandTypes<EmptyRequest, GetSigningSecretsResponse>;
  /** roomhook: stop signing with Standard Webhooks. */
  "roomhook_delivery/delete_signing_secrets": RestCommandTypes<EmptyRequest, void>;
  /** roomhook: rooms by a part of their id. */
  "roomhook_room/search_rooms": RestCommandTypes<SearchRoomsRequest, SearchRoomsResponse>;
  /** roomhook: a room's history. */
  "roomhook_room/get_room_events": RestCommandTypes<GetRoomEventsRequest, GetRoomEventsResponse>;
  /** roomhook: the app's events as they are written. */
  "roomhook_room/get_event_feed": RestCommandTypes<GetEventFeedRequest, GetEventFeedResponse>;
  /** roomhook: the app's recent REST calls. */
  "roomhook_log/get_call_feed": RestCommandTypes<GetCallFeedRequest, GetCallFeedResponse>;
}

/** A `service/command` path roomhook serves. */
export type RestPath = keyof RestApi;

/** The request body of a command. */
export type RestRequest<P extends RestPath> = RestApi[P]["request"];

/** The payload a command answers (`void`: none). */
export type RestResponse<P extends RestPath> = RestApi[P]["response"];
