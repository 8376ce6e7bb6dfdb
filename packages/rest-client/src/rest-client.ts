import type {
  AccountCheckRequest,
  AccountCheckResponse,
  AccountDeleteRequest,
  AccountDeleteResponse,
  AccountImportRequest,
  AddGiftCategoryRelationsResponse,
  AddGiftCategoryRequest,
  AddGiftRequest,
  BanMemberRequest,
  CategoryIdRequest,
  ChangeRoomOwnerRequest,
  CreateBattleRequest,
  CreateBattleResponse,
  CreateRoomRequest,
  CreateRoomResponse,
  DelRoomMetadataRequest,
  DestroyRoomRequest,
  DestroyRoomResponse,
  EditGiftCategoryRequest,
  EditGiftRequest,
  EmptyRequest,
  GetAdminListRequest,
  GetAdminListResponse,
  GetBannedMemberListRequest,
  GetBannedMemberListResponse,
  GetBattleInfoRequest,
  GetBattleInfoResponse,
  GetCallbackResponse,
  GetCallbackTokenResponse,
  GetGiftCategoryLanguageResponse,
  GetGiftCategoryRelationsResponse,
  GetGiftCategoryResponse,
  GetGiftCountRequest,
  GetGiftCountResponse,
  GetGiftInfoListRequest,
  GetGiftInfoListResponse,
  GetGiftLanguageResponse,
  GetGiftResponse,
  GetMemberListRequest,
  GetMemberListResponse,
  GetMutedMemberListRequest,
  GetMutedMemberListResponse,
  GetRobotRequest,
  GetRobotResponse,
  GetRoomInfoRequest,
  GetRoomInfoResponse,
  GetRoomListRequest,
  GetRoomListResponse,
  GetRoomMetadataRequest,
  GetRoomMetadataResponse,
  GetRoomStatsRequest,
  GetRoomStatsResponse,
  GetSeatListRequest,
  GetSeatListResponse,
  GiftCategoryLanguageRequest,
  GiftCategoryRelationsRequest,
  GiftIdRequest,
  GiftLanguageRequest,
  KickUserOffSeatRequest,
  LockSeatRequest,
  ModifyAdminRequest,
  MoveUserToSeatRequest,
  MultiaccountImportRequest,
  MultiaccountImportResponse,
  MuteMemberRequest,
  PickUserOnSeatRequest,
  PortraitGetRequest,
  PortraitGetResponse,
  PortraitSetRequest,
  PortraitSetResponse,
  RestPath,
  RestRequest,
  RestResponse,
  RobotListRequest,
  SendCustomMsgRequest,
  SendGiftRequest,
  SendGroupMsgRequest,
  SendGroupMsgResponse,
  SendTextMsgRequest,
  SetBattleScoreRequest,
  SetBattleScoreResponse,
  SetCallbackRequest,
  SetCallbackTokenRequest,
  SetGiftCategoryLanguageRequest,
  SetGiftLanguageRequest,
  SetRoomMetadataRequest,
  UnbanMemberRequest,
  UpdateRoomInfoRequest,
} from "@roomhook/protocol";
import { RoomhookExtensions } from "./roomhook-extensions.ts";
import { createTransport, type Post, type RestClientOptions } from "./transport.ts";

/** The commands that answer no payload (`void` in `RestApi`): their methods resolve with nothing. */
export type VoidRestPath = {
  [P in RestPath]: RestResponse<P> extends object ? never : P;
}[RestPath];

/** The commands that answer a payload. */
export type PayloadRestPath = Exclude<RestPath, VoidRestPath>;

/** The typed call functions the method classes share. */
export interface Caller {
  /** POSTs a command that answers a payload; resolves with it. */
  payload<P extends PayloadRestPath>(path: P, body: RestRequest<P>): Promise<RestResponse<P>>;
  /** POSTs a command that answers no payload. */
  run<P extends VoidRestPath>(path: P, body: RestRequest<P>): Promise<void>;
}

/**
 * Splits `service/command`.
 *
 * @param path The path.
 * @returns The service and the command.
 */
function split(path: string): [string, string] {
  const i = path.indexOf("/");
  return [path.slice(0, i), path.slice(i + 1)];
}

/**
 * @param post The transport.
 * @returns The typed call functions over it.
 */
function callerOver(post: Post): Caller {
  return {
    async payload(path, body) {
      const [service, command] = split(path);
      return await post(service, command, body);
    },
    async run(path, body) {
      const [service, command] = split(path);
      await post(service, command, body);
    },
  };
}

/**
 * A typed client of Tencent Cloud Live's (TUILiveKit) server REST API, for an App backend: one
 * method per command, named after it (`create_room` is `createRoom`), taking and answering Tencent's
 * own field names. It works against Tencent (`baseUrl` one of `tencentEndpoints`) and against
 * roomhook; roomhook's own services are under {@link RestClient.roomhook}.
 *
 * Each call is a POST to `<baseUrl>/v4/<service>/<command>` as the App administrator `identifier`,
 * with a UserSig made from the app's key (kept and renewed before it expires) and Tencent's query
 * (`sdkappid`, `identifier`, `usersig`, `random`, `contenttype=json`). A method resolves with the
 * command's payload: the envelope's `Response` for Live commands, the fields beside `ActionStatus`
 * for Chat's; nothing for commands that answer none.
 *
 * Every method rejects with `TencentApiError` when the server refuses the call (its `code` is
 * Tencent's `ErrorCode`: 100004 no such room, 100002 a bad field, 70009 a UserSig made with another
 * key, 60010 not an App administrator, 60007 over the rate limit, ...), and with
 * `RestTransportError` when no answer in Tencent's envelope came back (timeout, connection
 * refused, HTTP status other than 200, not JSON). Methods of Live commands list the codes particular
 * to them.
 *
 * @example
 * ```ts
 * const live = new RestClient({ sdkAppId: 1400000000, secretKey: process.env.TENCENT_KEY! });
 * await live.createRoom({ RoomInfo: { RoomId: "r1", RoomType: "Live", Owner_Account: "alice" } });
 * await live.changeRoomOwner({ RoomId: "r1", NewOwner_Account: "bob" });
 * const { RoomInfo } = await live.getRoomInfo({ RoomId: "r1" });
 * ```
 */
export class RestClient {
  /** roomhook's own services (delivery log, room history, call log): roomhook servers only. */
  readonly roomhook: RoomhookExtensions;
  readonly #post: Post;
  readonly #call: Caller;

  /**
   * @param options The app, its key, the admin and where the server is (see {@link RestClientOptions}).
   * @throws {TypeError} When an option is missing or out of range.
   */
  constructor(options: RestClientOptions) {
    this.#post = createTransport(options);
    this.#call = callerOver(this.#post);
    this.roomhook = new RoomhookExtensions(this.#call);
  }

  /**
   * Calls any command this client types, by its `service/command` path (for code that chooses the
   * command at run time; the named methods are the same calls).
   *
   * @param path The command, e.g. `"live_engine_http_srv/get_room_info"`.
   * @param body Its request body.
   * @returns Its payload (an empty object for commands that answer none).
   */
  async call<P extends RestPath>(path: P, body: RestRequest<P>): Promise<RestResponse<P>> {
    const [service, command] = split(path);
    return await this.#post(service, command, body);
  }

  /**
   * Calls a command this client does not type (another Tencent Chat command, say), with the same
   * UserSig, envelope handling and errors as every method.
   *
   * @param path `service/command`, e.g. `"group_open_http_svc/get_group_info"`.
   * @param body The request body, a JSON object.
   * @returns The payload: `Response` when the envelope has one, else the fields beside `ActionStatus`.
   * @throws {TypeError} When `path` is not `service/command` (letters, digits and underscores).
   */
  async callRaw(path: string, body: object): Promise<Record<string, unknown>> {
    if (!/^[A-Za-z0-9_]+\/[A-Za-z0-9_]+$/.test(path))
      throw new TypeError(`callRaw: path must be service/command, got ${JSON.stringify(path)}`);
    const [service, command] = split(path);
    return this.#post(service, command, body);
  }

  // live_engine_http_srv: rooms

  /**
   * `create_room` (Tencent 63401, 200/s): creates a room; `Live.CallbackAfterCreateRoom` follows.
   *
   * @param body `RoomInfo` with `RoomId` (at most 48 bytes) and `RoomType: "Live"`; the rest optional.
   * @returns The room's id.
   * @throws {TencentApiError} 100003 the id is taken, 100010 taken and owned by the requested owner,
   *   100009 over 3 tags, 100013 over the app's room limit, 100026 a blocked word.
   */
  createRoom(body: CreateRoomRequest): Promise<CreateRoomResponse> {
    return this.#call.payload("live_engine_http_srv/create_room", body);
  }

  /**
   * `destroy_room` (Tencent 63406): dissolves a room; `Live.CallbackAfterDestroyRoom` follows.
   *
   * @param body The room.
   * @returns The room's statistics (absent from older Tencent deployments).
   * @throws {TencentApiError} 100004 no such room.
   */
  destroyRoom(body: DestroyRoomRequest): Promise<DestroyRoomResponse> {
    return this.#call.payload("live_engine_http_srv/destroy_room", body);
  }

  /**
   * `update_room_info` (Tencent 63403): changes a room's fields; `Live.CallbackAfterUpdateRoomInfo`.
   *
   * @param body `RoomInfo` with `RoomId` and at least one field to change.
   * @throws {TencentApiError} 100004 no such room, 100002 nothing to change.
   */
  async updateRoomInfo(body: UpdateRoomInfoRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/update_room_info", body);
  }

  /**
   * `get_room_info` (Tencent 63404).
   *
   * @param body The room.
   * @returns The room's fields.
   * @throws {TencentApiError} 100004 no such room.
   */
  getRoomInfo(body: GetRoomInfoRequest): Promise<GetRoomInfoResponse> {
    return this.#call.payload("live_engine_http_srv/get_room_info", body);
  }

  /**
   * `get_room_list` (Tencent 63421, 10/s): public rooms, most viewed first, a page at a time.
   *
   * @param body `Next: ""` for the first page (then the answer's `Next`), `Count` 1-20.
   * @returns The page and the next cursor (`""` after the last page).
   */
  getRoomList(body: GetRoomListRequest): Promise<GetRoomListResponse> {
    return this.#call.payload("live_engine_http_srv/get_room_list", body);
  }

  /**
   * `change_room_owner` (Tencent 72534): gives a room to another user; `Live.CallbackAfterChangeOwner`.
   *
   * @param body The room and `NewOwner_Account`.
   * @throws {TencentApiError} 100004 no such room, 100002 a bad account or the owner already.
   */
  async changeRoomOwner(body: ChangeRoomOwnerRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/change_room_owner", body);
  }

  /**
   * `get_room_stats` (Tencent 80421, 100/s): what a room has counted so far.
   *
   * @param body The room.
   * @returns Viewers, gifts, coins, senders, likes and messages.
   * @throws {TencentApiError} 100004 no such room.
   */
  getRoomStats(body: GetRoomStatsRequest): Promise<GetRoomStatsResponse> {
    return this.#call.payload("live_engine_http_srv/get_room_stats", body);
  }

  // live_engine_http_srv: admins, bans, members, mutes

  /**
   * `modify_admin`: makes users admins of a room or takes it back; `Live.CallbackAfterModifyAdmin`.
   *
   * @param body The room, `Admin_Account` (at most 20) and `OpType` `"add"` or `"delete"`.
   * @throws {TencentApiError} 100004 no such room, 100020 over 5 admins.
   */
  async modifyAdmin(body: ModifyAdminRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/modify_admin", body);
  }

  /**
   * `get_admin_list`.
   *
   * @param body The room.
   * @returns The room's admins.
   * @throws {TencentApiError} 100004 no such room.
   */
  getAdminList(body: GetAdminListRequest): Promise<GetAdminListResponse> {
    return this.#call.payload("live_engine_http_srv/get_admin_list", body);
  }

  /**
   * `ban_member` (Tencent 63407): removes members and keeps them out for `Duration` seconds.
   *
   * @param body The room, `MemberList_Account` (at most 20), `Duration` in seconds, `Reason`.
   * @throws {TencentApiError} 100004 no such room.
   */
  async banMember(body: BanMemberRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/ban_member", body);
  }

  /**
   * `unban_member`: lifts bans.
   *
   * @param body The room and `MemberList_Account` (at most 20).
   * @throws {TencentApiError} 100004 no such room.
   */
  async unbanMember(body: UnbanMemberRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/unban_member", body);
  }

  /**
   * `get_banned_member_list`: a room's bans, `Limit` at a time.
   *
   * @param body The room, `Offset` (default 0) and `Limit` (1-100).
   * @returns The bans (`BannedUntil` in Unix seconds) and the next `Offset` (0 after the last page).
   * @throws {TencentApiError} 100004 no such room.
   */
  getBannedMemberList(body: GetBannedMemberListRequest): Promise<GetBannedMemberListResponse> {
    return this.#call.payload("live_engine_http_srv/get_banned_member_list", body);
  }

  /**
   * `get_member_list` (Tencent 66908): who is in a room, at most 1000 at a time.
   *
   * @param body The room and `Next` (`""` for the first page).
   * @returns The page, the member count and the next cursor (`""` after the last page).
   * @throws {TencentApiError} 100004 no such room.
   */
  getMemberList(body: GetMemberListRequest): Promise<GetMemberListResponse> {
    return this.#call.payload("live_engine_http_srv/get_member_list", body);
  }

  /**
   * `mute_member` (Tencent 66969): mutes members for `MuteTime` seconds (0 unmutes).
   *
   * @param body The room, `MemberList_Account` (at most 20) and `MuteTime` in seconds.
   * @throws {TencentApiError} 100004 no such room.
   */
  async muteMember(body: MuteMemberRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/mute_member", body);
  }

  /**
   * `get_muted_member_list` (Tencent 69894).
   *
   * @param body The room (`Offset` and `Limit` optional).
   * @returns The muted members (`MutedUntil` in Unix seconds).
   * @throws {TencentApiError} 100004 no such room.
   */
  getMutedMemberList(body: GetMutedMemberListRequest): Promise<GetMutedMemberListResponse> {
    return this.#call.payload("live_engine_http_srv/get_muted_member_list", body);
  }

  // live_engine_http_srv: metadata, robots, messages

  /**
   * `set_room_metadata` (Tencent 64374): adds or replaces keys; `Live.CallbackAfterSetMetadata`.
   *
   * @param body The room and its `Metadata` entries.
   * @throws {TencentApiError} 100004 no such room, 100500 over 10 keys, 100501 a value over 2 KB,
   *   100502 over 16 KB in all, 100504 a key over 50 bytes.
   */
  async setRoomMetadata(body: SetRoomMetadataRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/set_room_metadata", body);
  }

  /**
   * `get_room_metadata` (Tencent 64376).
   *
   * @param body The room and `Keys` (empty: every key).
   * @returns The entries found.
   * @throws {TencentApiError} 100004 no such room.
   */
  getRoomMetadata(body: GetRoomMetadataRequest): Promise<GetRoomMetadataResponse> {
    return this.#call.payload("live_engine_http_srv/get_room_metadata", body);
  }

  /**
   * `del_room_metadata` (Tencent 64375): deletes keys; `Live.CallbackAfterDelMetadata`.
   *
   * @param body The room and `Keys` (at least one).
   * @throws {TencentApiError} 100004 no such room, 100503 no key given.
   */
  async delRoomMetadata(body: DelRoomMetadataRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_room_metadata", body);
  }

  /**
   * `add_robot` (Tencent 69079, 100/s): robots join a room (a room with robots is never dissolved
   * for being empty).
   *
   * @param body The room and `RobotList_Account`.
   * @throws {TencentApiError} 100004 no such room, 100013 over the room's limit.
   */
  async addRobot(body: RobotListRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/add_robot", body);
  }

  /**
   * `del_robot`: robots leave a room.
   *
   * @param body The room and `RobotList_Account`.
   * @throws {TencentApiError} 100004 no such room.
   */
  async delRobot(body: RobotListRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_robot", body);
  }

  /**
   * `get_robot` (Tencent 69081).
   *
   * @param body The room.
   * @returns The room's robots.
   * @throws {TencentApiError} 100004 no such room.
   */
  getRobot(body: GetRobotRequest): Promise<GetRobotResponse> {
    return this.#call.payload("live_engine_http_srv/get_robot", body);
  }

  /**
   * `send_text_msg` (Tencent 74353): a text message in a room, from `Sender_Account`.
   *
   * @param body The room, the sender, `TextContent` and an optional JSON `ExtensionInfo`.
   * @throws {TencentApiError} 100004 no such room, 100017 the sender is muted.
   */
  async sendTextMsg(body: SendTextMsgRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/send_text_msg", body);
  }

  /**
   * `send_custom_msg` (Tencent 74354): a custom message in a room.
   *
   * @param body The room, the sender, `Data` and an optional `BusinessId`.
   * @throws {TencentApiError} 100004 no such room, 100017 the sender is muted.
   */
  async sendCustomMsg(body: SendCustomMsgRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/send_custom_msg", body);
  }

  // live_engine_http_srv: gifts

  /**
   * `send_gift` (Tencent 72556): a gift of the catalog from one user to others in a room.
   *
   * @param body The room, `GiftId`, `Count` (default 1), `From_Account`, `ReceiverList_Account`.
   * @throws {TencentApiError} 100004 no such room, 102002 no such gift, 102004 refused by the App
   *   backend (`Live.CallbackBeforeSendGift`).
   */
  async sendGift(body: SendGiftRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/send_gift", body);
  }

  /**
   * `get_gift_count` (Tencent 72557): the gifts a user received in a room.
   *
   * @param body The room and `From_Account` (the receiver, per Tencent's newer page).
   * @returns Counts, coins and senders.
   * @throws {TencentApiError} 100004 no such room.
   */
  getGiftCount(body: GetGiftCountRequest): Promise<GetGiftCountResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_count", body);
  }

  /**
   * `add_gift` (Tencent 72845, 1/s): a gift into the app's catalog.
   *
   * @param body `GiftId`, `Coins`, `DefaultName`, and the optional fields.
   */
  async addGift(body: AddGiftRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/add_gift", body);
  }

  /**
   * `edit_gift`: changes a gift of the catalog.
   *
   * @param body `GiftId` and the fields to change.
   * @throws {TencentApiError} 102002 no such gift.
   */
  async editGift(body: EditGiftRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/edit_gift", body);
  }

  /**
   * `del_gift`: removes a gift from the catalog.
   *
   * @param body `GiftId`.
   * @throws {TencentApiError} 102002 no such gift.
   */
  async delGift(body: GiftIdRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_gift", body);
  }

  /**
   * `get_gift` (Tencent 72846).
   *
   * @param body `GiftId`.
   * @returns The gift.
   * @throws {TencentApiError} 102002 no such gift.
   */
  getGift(body: GiftIdRequest): Promise<GetGiftResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift", body);
  }

  /**
   * `get_gift_info_list`: the whole catalog, names in one language.
   *
   * @param body `Language` (`en`, `zh-Hans`, `zh-Hant`; default names without it).
   * @returns The gifts and the categories.
   */
  getGiftInfoList(body: GetGiftInfoListRequest = {}): Promise<GetGiftInfoListResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_info_list", body);
  }

  /**
   * `add_gift_category` (Tencent 72848, 1/s): a category (at most 3).
   *
   * @param body `CategoryId`, `DefaultName`, and the optional fields.
   */
  async addGiftCategory(body: AddGiftCategoryRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/add_gift_category", body);
  }

  /**
   * `edit_gift_category`: changes a category.
   *
   * @param body `CategoryId` and the fields to change.
   */
  async editGiftCategory(body: EditGiftCategoryRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/edit_gift_category", body);
  }

  /**
   * `del_gift_category`: removes a category.
   *
   * @param body `CategoryId`.
   */
  async delGiftCategory(body: CategoryIdRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_gift_category", body);
  }

  /**
   * `get_gift_category` (Tencent 72849).
   *
   * @param body `CategoryId`.
   * @returns The category.
   */
  getGiftCategory(body: CategoryIdRequest): Promise<GetGiftCategoryResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_category", body);
  }

  /**
   * `add_gift_category_relations` (Tencent 72851, 1/s): puts gifts into a category.
   *
   * @param body `CategoryId` and `GiftIdList`.
   * @returns The gift ids not added (no such gift).
   */
  addGiftCategoryRelations(body: GiftCategoryRelationsRequest): Promise<AddGiftCategoryRelationsResponse> {
    return this.#call.payload("live_engine_http_srv/add_gift_category_relations", body);
  }

  /**
   * `del_gift_category_relations` (Tencent 72852): takes gifts out of a category.
   *
   * @param body `CategoryId` and `GiftIdList`.
   */
  async delGiftCategoryRelations(body: GiftCategoryRelationsRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_gift_category_relations", body);
  }

  /**
   * `get_gift_category_relations` (Tencent 72853).
   *
   * @param body `CategoryId`.
   * @returns The category's gifts.
   */
  getGiftCategoryRelations(body: CategoryIdRequest): Promise<GetGiftCategoryRelationsResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_category_relations", body);
  }

  /**
   * `set_gift_language`: a gift's name and description in one language.
   *
   * @param body `GiftId`, `Language`, `Name`, `Desc`.
   */
  async setGiftLanguage(body: SetGiftLanguageRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/set_gift_language", body);
  }

  /**
   * `get_gift_language` (Tencent 72855).
   *
   * @param body `GiftId` and `Language`.
   * @returns The gift's name and description in the language.
   */
  getGiftLanguage(body: GiftLanguageRequest): Promise<GetGiftLanguageResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_language", body);
  }

  /**
   * `del_gift_language`: removes a gift's texts in one language.
   *
   * @param body `GiftId` and `Language`.
   */
  async delGiftLanguage(body: GiftLanguageRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_gift_language", body);
  }

  /**
   * `set_gift_category_language`: a category's name and description in one language.
   *
   * @param body `CategoryId`, `Language`, `CategoryName`, `CategoryDesc`.
   */
  async setGiftCategoryLanguage(body: SetGiftCategoryLanguageRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/set_gift_category_language", body);
  }

  /**
   * `get_gift_category_language` (Tencent 72858).
   *
   * @param body `CategoryId` and `Language`.
   * @returns The category's name and description in the language.
   */
  getGiftCategoryLanguage(body: GiftCategoryLanguageRequest): Promise<GetGiftCategoryLanguageResponse> {
    return this.#call.payload("live_engine_http_srv/get_gift_category_language", body);
  }

  /**
   * `del_gift_category_language`: removes a category's texts in one language.
   *
   * @param body `CategoryId` and `Language`.
   */
  async delGiftCategoryLanguage(body: GiftCategoryLanguageRequest): Promise<void> {
    await this.#call.run("live_engine_http_srv/del_gift_category_language", body);
  }

  /**
   * `copy_default_gift_config` (Tencent 74360): fills the app's catalog with Tencent's default gifts.
   *
   * @param body `{}`.
   */
  async copyDefaultGiftConfig(body: EmptyRequest = {}): Promise<void> {
    await this.#call.run("live_engine_http_srv/copy_default_gift_config", body);
  }

  // live_engine_http_pk: battles

  /**
   * `create_battle` (Tencent 68254): a battle (PK) between rooms, started at once.
   *
   * @param body `FromRoomId`, `ToRoomIdList`, `Duration` in ms, `ExtensionInfo`.
   * @returns The battle's id and each callee's result (0 joined, 3 in another battle, 5 error).
   * @throws {TencentApiError} 100004 no such caller room, 100412 no callee could join, 100415 the
   *   caller is in another battle.
   */
  createBattle(body: CreateBattleRequest): Promise<CreateBattleResponse> {
    return this.#call.payload("live_engine_http_pk/create_battle", body);
  }

  /**
   * `set_battle_score` (Tencent 68255): adds to (`OpType` 1) or replaces (2) rooms' scores.
   *
   * @param body `BattleId`, `OpType`, `ScoreList`.
   * @returns Each room's result (100414: not in the battle).
   * @throws {TencentApiError} 100411 no such battle, 100419 the battle has ended.
   */
  setBattleScore(body: SetBattleScoreRequest): Promise<SetBattleScoreResponse> {
    return this.#call.payload("live_engine_http_pk/set_battle_score", body);
  }

  /**
   * `get_battle_info` (Tencent 68256): a battle by id, or the one a room is in.
   *
   * @param body `BattleId`, or `RoomId`.
   * @returns The battle, its rooms and scores.
   * @throws {TencentApiError} 100411 no such battle, 100414 the room is in no battle.
   */
  getBattleInfo(body: GetBattleInfoRequest): Promise<GetBattleInfoResponse> {
    return this.#call.payload("live_engine_http_pk/get_battle_info", body);
  }

  // room_engine_http_mic: seats

  /**
   * `get_seat_list` (Tencent 64427): a room's seats, indexed from 0.
   *
   * @param body The room.
   * @returns Every seat: who is on it and its locks.
   * @throws {TencentApiError} 100004 no such room, 100211 the room has no seats.
   */
  getSeatList(body: GetSeatListRequest): Promise<GetSeatListResponse> {
    return this.#call.payload("room_engine_http_mic/get_seat_list", body);
  }

  /**
   * `pick_user_on_seat` (Tencent 64428): puts a member on a seat; `Mic.CallbackAfterSeatInfoChanged`.
   *
   * @param body The room, `Member_Account`, `Index`.
   * @throws {TencentApiError} 100004 no such room, 100200 the seat is locked, 100201 taken, 100203
   *   the member is on a seat already.
   */
  async pickUserOnSeat(body: PickUserOnSeatRequest): Promise<void> {
    await this.#call.run("room_engine_http_mic/pick_user_on_seat", body);
  }

  /**
   * `kick_user_off_seat` (Tencent 64429): takes a member off their seat.
   *
   * @param body The room and `Member_Account`.
   * @throws {TencentApiError} 100004 no such room, 100206 the member is on no seat.
   */
  async kickUserOffSeat(body: KickUserOffSeatRequest): Promise<void> {
    await this.#call.run("room_engine_http_mic/kick_user_off_seat", body);
  }

  /**
   * `lock_seat` (Tencent 64430): locks a seat, or its video or audio.
   *
   * @param body The room, `Index` and the `Forbid*` switches to set.
   * @throws {TencentApiError} 100004 no such room.
   */
  async lockSeat(body: LockSeatRequest): Promise<void> {
    await this.#call.run("room_engine_http_mic/lock_seat", body);
  }

  /**
   * `move_user_to_seat` (Tencent 72685): moves a member to a seat; `Policy` says what happens when it
   * is taken (0 cancel, 1 force, 2 swap).
   *
   * @param body The room, `Member_Account`, `SeatIndex`, `Policy`.
   * @throws {TencentApiError} 100004 no such room, 100201 taken (Policy 0).
   */
  async moveUserToSeat(body: MoveUserToSeatRequest): Promise<void> {
    await this.#call.run("room_engine_http_mic/move_user_to_seat", body);
  }

  // live_config: the callback configuration

  /**
   * `set_callback` (Tencent 64420): the app's callback Url and commands.
   *
   * @param body `Url` and `CallbackCommandList`.
   * @throws {TencentApiError} 100300 a configuration exists (use updateCallback).
   */
  async setCallback(body: SetCallbackRequest): Promise<void> {
    await this.#call.run("live_config/set_callback", body);
  }

  /**
   * `update_callback` (Tencent 64419): replaces the callback configuration.
   *
   * @param body `Url` and `CallbackCommandList`.
   * @throws {TencentApiError} 100301 no configuration (use setCallback).
   */
  async updateCallback(body: SetCallbackRequest): Promise<void> {
    await this.#call.run("live_config/update_callback", body);
  }

  /**
   * `get_callback` (Tencent 64418).
   *
   * @param body `{}`.
   * @returns The Url and the commands switched on.
   * @throws {TencentApiError} 100301 no configuration.
   */
  getCallback(body: EmptyRequest = {}): Promise<GetCallbackResponse> {
    return this.#call.payload("live_config/get_callback", body);
  }

  /**
   * `delete_callback` (Tencent 64421): callbacks stop.
   *
   * @param body `{}`.
   * @throws {TencentApiError} 100301 no configuration (roomhook).
   */
  async deleteCallback(body: EmptyRequest = {}): Promise<void> {
    await this.#call.run("live_config/delete_callback", body);
  }

  /**
   * `set_callback_token` (Tencent 69528): the token callbacks are signed with (`Sign`).
   *
   * @param body `Token` (1-128 characters) and `IsTokenEnable`: both the first time.
   */
  async setCallbackToken(body: SetCallbackTokenRequest): Promise<void> {
    await this.#call.run("live_config/set_callback_token", body);
  }

  /**
   * `get_callback_token` (Tencent 69529).
   *
   * @param body `{}`.
   * @returns The token and whether it is on.
   * @throws {TencentApiError} 100302 no token set.
   */
  getCallbackToken(body: EmptyRequest = {}): Promise<GetCallbackTokenResponse> {
    return this.#call.payload("live_config/get_callback_token", body);
  }

  // Chat: room messages, accounts, profiles

  /**
   * `group_open_http_svc/send_group_msg` (Tencent Chat 34959): a message in a room, the room's id as
   * `GroupId`. Chat's codes: 10004 bad input, 10010 no such room, 10015 not a room id, 10016 refused
   * by the App backend, 10017 muted, 80002 too long.
   *
   * @param body `GroupId`, `Random`, `MsgBody`, and the optional fields.
   * @returns The message's time (Unix seconds) and number in the room.
   */
  sendGroupMsg(body: SendGroupMsgRequest): Promise<SendGroupMsgResponse> {
    return this.#call.payload("group_open_http_svc/send_group_msg", body);
  }

  /**
   * `im_open_login_svc/account_import` (Tencent Chat 34953): creates (or updates) an account.
   *
   * @param body `UserID`, `Nick`, `FaceUrl`.
   * @throws {TencentApiError} 70402 bad input.
   */
  async accountImport(body: AccountImportRequest): Promise<void> {
    await this.#call.run("im_open_login_svc/account_import", body);
  }

  /**
   * `im_open_login_svc/multiaccount_import` (Tencent Chat 34954): up to 100 accounts.
   *
   * @param body `AccountList` (or the older `Accounts`).
   * @returns The accounts not imported.
   */
  multiaccountImport(body: MultiaccountImportRequest): Promise<MultiaccountImportResponse> {
    return this.#call.payload("im_open_login_svc/multiaccount_import", body);
  }

  /**
   * `im_open_login_svc/account_check` (Tencent Chat 34956): whether accounts exist.
   *
   * @param body `CheckItem`, up to 100.
   * @returns One result per account.
   */
  accountCheck(body: AccountCheckRequest): Promise<AccountCheckResponse> {
    return this.#call.payload("im_open_login_svc/account_check", body);
  }

  /**
   * `im_open_login_svc/account_delete` (Tencent Chat 34955).
   *
   * @param body `DeleteItem`, up to 100.
   * @returns One result per account (70107: it did not exist).
   */
  accountDelete(body: AccountDeleteRequest): Promise<AccountDeleteResponse> {
    return this.#call.payload("im_open_login_svc/account_delete", body);
  }

  /**
   * `profile/portrait_get` (Tencent Chat 34917): accounts' profile fields.
   *
   * @param body `To_Account` (up to 100) and `TagList`.
   * @returns One entry per account (ResultCode 40003: no such account).
   */
  portraitGet(body: PortraitGetRequest): Promise<PortraitGetResponse> {
    return this.#call.payload("profile/portrait_get", body);
  }

  /**
   * `profile/portrait_set` (Tencent Chat 34916): sets an account's profile fields.
   *
   * @param body `From_Account` and `ProfileItem`.
   * @returns Chat's (empty) detail text.
   * @throws {TencentApiError} 40003 no such account, 40001 bad input, 40601 a value over 500 bytes.
   */
  portraitSet(body: PortraitSetRequest): Promise<PortraitSetResponse> {
    return this.#call.payload("profile/portrait_set", body);
  }
}
