import type {
  DeliveryIdRequest,
  EmptyRequest,
  GetAttemptFeedRequest,
  GetAttemptFeedResponse,
  GetBeforeCallbackListRequest,
  GetBeforeCallbackListResponse,
  GetCallFeedRequest,
  GetCallFeedResponse,
  GetDeliveryListRequest,
  GetDeliveryListResponse,
  GetDeliveryResponse,
  GetEventFeedRequest,
  GetEventFeedResponse,
  GetRoomCallbacksRequest,
  GetRoomCallbacksResponse,
  GetRoomEventsRequest,
  GetRoomEventsResponse,
  GetSigningSecretsResponse,
  RedeliverDeadRequest,
  RedeliverDeadResponse,
  RotateSigningSecretResponse,
  SearchRoomsRequest,
  SearchRoomsResponse,
} from "@roomhook/protocol";
import type { Caller } from "./rest-client.ts";

/**
 * roomhook's own REST services, beside Tencent's and with the same authentication: the callback
 * delivery log and redelivery (`roomhook_delivery`), rooms and their history (`roomhook_room`), and
 * the server's recent REST calls (`roomhook_log`). Tencent's endpoints do not have them (60009).
 * Times are ms since the epoch. Errors as for every `RestClient` method.
 */
export class RoomhookExtensions {
  readonly #call: Caller;

  /**
   * Made by `RestClient`; reach it as `client.roomhook`.
   *
   * @param call The client's typed call functions.
   */
  constructor(call: Caller) {
    this.#call = call;
  }

  /**
   * `roomhook_delivery/get_delivery_list`: callback deliveries, newest first, with their attempts.
   *
   * @param body Filters (`State`, `RoomId`, `CallbackCommand`, `StartTime`, `EndTime`), `Limit`, `Next`.
   * @returns The page and the next cursor (`""` after the last page).
   */
  getDeliveryList(body: GetDeliveryListRequest = {}): Promise<GetDeliveryListResponse> {
    return this.#call.payload("roomhook_delivery/get_delivery_list", body);
  }

  /**
   * `roomhook_delivery/get_delivery`: one delivery with its attempts.
   *
   * @param body `DeliveryId`.
   * @returns The delivery.
   * @throws {TencentApiError} 100002 no such delivery.
   */
  getDelivery(body: DeliveryIdRequest): Promise<GetDeliveryResponse> {
    return this.#call.payload("roomhook_delivery/get_delivery", body);
  }

  /**
   * `roomhook_delivery/redeliver`: sends a delivered or dead callback again.
   *
   * @param body `DeliveryId`.
   * @throws {TencentApiError} 100002 no such delivery, or it is waiting to be sent already.
   */
  async redeliver(body: DeliveryIdRequest): Promise<void> {
    await this.#call.run("roomhook_delivery/redeliver", body);
  }

  /**
   * `roomhook_delivery/redeliver_dead`: sends again every dead callback created in [StartTime, EndTime).
   *
   * @param body `StartTime` and `EndTime`, ms since the epoch.
   * @returns How many and which deliveries are pending again.
   */
  redeliverDead(body: RedeliverDeadRequest): Promise<RedeliverDeadResponse> {
    return this.#call.payload("roomhook_delivery/redeliver_dead", body);
  }

  /**
   * `roomhook_delivery/get_attempt_feed`: delivery attempts started at `StartTime` or later, newest
   * first (an attempt appears when it ends).
   *
   * @param body `StartTime` and `Limit`.
   * @returns The attempts with their deliveries.
   */
  getAttemptFeed(body: GetAttemptFeedRequest = {}): Promise<GetAttemptFeedResponse> {
    return this.#call.payload("roomhook_delivery/get_attempt_feed", body);
  }

  /**
   * `roomhook_delivery/get_room_callbacks`: a room's called-back events in order, with their packets:
   * the catch-up query of a receiver that missed some.
   *
   * @param body The room, `AfterSequence` and `Limit`.
   * @returns The events and whether more follow.
   */
  getRoomCallbacks(body: GetRoomCallbacksRequest): Promise<GetRoomCallbacksResponse> {
    return this.#call.payload("roomhook_delivery/get_room_callbacks", body);
  }

  /**
   * `roomhook_delivery/get_before_callback_list`: the before-callbacks asked (gifts, messages), newest
   * first, with the answer and the decision.
   *
   * @param body Filters (`RoomId`, `CallbackCommand`), `Limit`, `Next`.
   * @returns The page and the next cursor.
   */
  getBeforeCallbackList(body: GetBeforeCallbackListRequest = {}): Promise<GetBeforeCallbackListResponse> {
    return this.#call.payload("roomhook_delivery/get_before_callback_list", body);
  }

  /**
   * `roomhook_delivery/rotate_signing_secret`: a new Standard Webhooks signing secret; the previous
   * ones keep signing for the server's overlap.
   *
   * @param body `{}`.
   * @returns The new secret and when the previous ones stop.
   */
  rotateSigningSecret(body: EmptyRequest = {}): Promise<RotateSigningSecretResponse> {
    return this.#call.payload("roomhook_delivery/rotate_signing_secret", body);
  }

  /**
   * `roomhook_delivery/get_signing_secrets`: the secrets callbacks are signed with.
   *
   * @param body `{}`.
   * @returns The secrets.
   */
  getSigningSecrets(body: EmptyRequest = {}): Promise<GetSigningSecretsResponse> {
    return this.#call.payload("roomhook_delivery/get_signing_secrets", body);
  }

  /**
   * `roomhook_delivery/delete_signing_secrets`: callbacks are no longer signed the Standard Webhooks way.
   *
   * @param body `{}`.
   */
  async deleteSigningSecrets(body: EmptyRequest = {}): Promise<void> {
    await this.#call.run("roomhook_delivery/delete_signing_secrets", body);
  }

  /**
   * `roomhook_room/search_rooms`: rooms whose id contains `Text`, public or not, by id.
   *
   * @param body `Text`, `Limit`, `Next`.
   * @returns The page and the next cursor.
   */
  searchRooms(body: SearchRoomsRequest = {}): Promise<SearchRoomsResponse> {
    return this.#call.payload("roomhook_room/search_rooms", body);
  }

  /**
   * `roomhook_room/get_room_events`: a room's events in order, called back or not, after it was
   * destroyed too (`CallbackCommand: "Live.CallbackAfterChangeOwner"`: its owner history).
   *
   * @param body The room, `AfterSequence`, `Limit`, `CallbackCommand`.
   * @returns The events and whether more follow.
   */
  getRoomEvents(body: GetRoomEventsRequest): Promise<GetRoomEventsResponse> {
    return this.#call.payload("roomhook_room/get_room_events", body);
  }

  /**
   * `roomhook_room/get_event_feed`: the app's events in every room, in the order written.
   *
   * @param body `AfterId` (an answer's `LastId`; without it, the newest) and `Limit`.
   * @returns The events, where to go on from, and whether more follow.
   */
  getEventFeed(body: GetEventFeedRequest = {}): Promise<GetEventFeedResponse> {
    return this.#call.payload("roomhook_room/get_event_feed", body);
  }

  /**
   * `roomhook_log/get_call_feed`: the app's recent REST calls as the answering process saw them.
   *
   * @param body `AfterId` (an answer's `LastId`; without it, the newest) and `Limit`.
   * @returns The calls, where to go on from, and whether more follow.
   */
  getCallFeed(body: GetCallFeedRequest = {}): Promise<GetCallFeedResponse> {
    return this.#call.payload("roomhook_log/get_call_feed", body);
  }
}
