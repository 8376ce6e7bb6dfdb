import type { RoomRecord } from "../rooms/room.ts";
import { newEventId } from "./event-id.ts";
import {
  toAccount,
  toApplication,
  toSeat,
  type AccountRow,
  type ApplicationRow,
  type SeatRow,
  attemptError,
  roomInfoJson,
  toAttempt,
  toBan,
  toCallbackConfig,
  toDelivery,
  toDeliveryToSend,
  toEvent,
  toMember,
  toNodeMember,
  toReady,
  toRoom,
  toSigningSecret,
  toToken,
  type AttemptRow,
  type BanRow,
  type ConfigRow,
  type DeliveryRow,
  type DeliveryToSendRow,
  type EventRow,
  type MemberRow,
  type NodeMemberRow,
  type ReadyRow,
  type RoomRow,
  type SecretRow,
  type TokenRow,
} from "./rows.ts";
import { GROUPS, SQL, TO_SEND_BATCH, type Statement, type StatementGroup } from "./statements.ts";
import type {
  AttemptNext,
  AttemptRecord,
  BanEntry,
  CallbackToken,
  DeliveryFilter,
  DeliveryToSend,
  FeedAttempt,
  FeedEvent,
  AccountRecord,
  BeforeCallbackRecord,
  GiftStats,
  MemberRecord,
  MetadataEntry,
  MuteEntry,
  ReadyDelivery,
  SeatApplication,
  SeatRecord,
  RoomEventInput,
  RoomListCursor,
  StoreReader,
  StoreTx,
  StoredRoomEvent,
  RetentionWindow,
} from "./store.ts";

export type SqlValue = string | number | null;

/**
 * Runs catalog statements on one engine. SQLite's answers synchronously underneath (its promises are
 * already settled when returned, so a rule never yields to I/O inside a transaction); PostgreSQL's
 * sends each statement without waiting for the one before (pipelining) when its connection allows.
 */
export interface SqlExecutor {
  /** The statement's rows. */
  all<R>(s: Statement, values: SqlValue[]): Promise<R[]>;
  /** The number of rows the statement changed. */
  run(s: Statement, values: SqlValue[]): Promise<number>;
  /** A group's statements in order (PostgreSQL: one function call); the rows of its result. */
  group<R>(g: StatementGroup, values: SqlValue[]): Promise<R[]>;
}

/**
 * What only one engine does around the shared statements: PostgreSQL shares delivery lanes between
 * processes (delivery_lanes, leases; the groups' `sharedLanes` steps); SQLite's single process keeps
 * them in memory and does nothing.
 */
export interface LaneHooks {
  /** The process that holds the leases this transaction gives back ("" where nothing is leased). */
  readonly node: string;
  /** A lane is given back without an attempt. */
  release(x: SqlExecutor, appId: number, roomId: string): Promise<unknown>;
  /** Deliveries were put back in their lanes: each lane's head may have changed (its lease stays). */
  refill(x: SqlExecutor, lanes: { appId: number; roomId: string }[]): Promise<unknown>;
}

export const NO_SHARED_LANES: LaneHooks = {
  node: "",
  release: () => Promise.resolve(),
  refill: () => Promise.resolve(),
};

const first = <R>(rows: R[]): R | undefined => rows[0];

/** A retention window (statements.ts): how many rows, the last id, and whether the pass ends with it. */
async function retentionWindow(x: SqlExecutor, s: Statement, p: RetentionWindow, frontierMs: number) {
  type Row = { n: number; last_id: number | null; newest: number | null };
  const row = first(await x.all<Row>(s, [p.afterId, p.limit]));
  const n = row?.n ?? 0;
  const lastId = row?.last_id ?? p.afterId;
  // A short window reached the table's end; a window with a row too young reached the cutoff.
  const done = n < p.limit || (row?.newest ?? Infinity) >= frontierMs;
  return { n, lastId, done };
}

/** Every read of the store contract, over the shared statements. */
export class SqlReader implements StoreReader {
  protected readonly x: SqlExecutor;
  /** Inside a write: reads of a room lock its row to the commit (PostgreSQL's FOR UPDATE). */
  private readonly locking: boolean;

  constructor(x: SqlExecutor, locking = false) {
    this.x = x;
    this.locking = locking;
  }

  async getRoom(appId: number, roomId: string) {
    const row = first(
      await this.x.all<RoomRow>(this.locking ? SQL.getRoomForUpdate : SQL.getRoom, [appId, roomId]),
    );
    return row === undefined ? undefined : toRoom(row);
  }

  async getOwnerAndBan(appId: number, roomId: string, userId: string, nowSec: number) {
    type Row = { owner: string; banned: number };
    const row = first(await this.x.all<Row>(SQL.getOwnerAndBan, [userId, nowSec, appId, roomId]));
    return row === undefined ? undefined : { owner: row.owner, banned: row.banned === 1 };
  }

  async listAdmins(appId: number, roomId: string) {
    return (await this.x.all<{ user_id: string }>(SQL.listAdmins, [appId, roomId])).map((r) => r.user_id);
  }

  async listBans(appId: number, roomId: string, nowSec: number, offset: number, limit: number) {
    return (await this.x.all<BanRow>(SQL.listBans, [appId, roomId, nowSec, limit, offset])).map(toBan);
  }

  async isBanned(appId: number, roomId: string, userId: string, nowSec: number) {
    return (await this.x.all(SQL.isBanned, [appId, roomId, userId, nowSec])).length > 0;
  }

  async listPublicRooms(appId: number, after: RoomListCursor | undefined, limit: number) {
    const rows =
      after === undefined
        ? await this.x.all<RoomRow>(SQL.listPublicFirst, [appId, limit])
        : await this.x.all<RoomRow>(SQL.listPublicAfter, [
            appId,
            after.viewCount,
            after.viewCount,
            after.roomId,
            limit,
          ]);
    return rows.map(toRoom);
  }

  async listEvents(appId: number, roomId: string, afterSeq: number, limit: number) {
    return (await this.x.all<EventRow>(SQL.listEvents, [appId, roomId, afterSeq, limit])).map(toEvent);
  }

  async listEventsOf(appId: number, roomId: string, command: string, afterSeq: number, limit: number) {
    const rows = await this.x.all<EventRow>(SQL.listRoomEventsOf, [appId, roomId, command, afterSeq, limit]);
    return rows.map(toEvent);
  }

  async listAppEvents(appId: number, afterRow: number | undefined, limit: number): Promise<FeedEvent[]> {
    type Row = EventRow & { id: number };
    const rows =
      afterRow === undefined
        ? (await this.x.all<Row>(SQL.listAppEventsLatest, [appId, limit])).reverse()
        : await this.x.all<Row>(SQL.listAppEventsAfter, [appId, afterRow, limit]);
    return rows.map((r) => ({ ...toEvent(r), row: r.id }));
  }

  async searchRooms(appId: number, text: string, afterRoomId: string, limit: number) {
    return (await this.x.all<RoomRow>(SQL.searchRooms, [appId, text, afterRoomId, limit])).map(toRoom);
  }

  /** A room's events before a sequence number written after a row id (PostgreSQL's event ordering). */
  async listEventsSinceRow(appId: number, roomId: string, beforeSeq: number, afterRow: number) {
    return (await this.x.all<EventRow>(SQL.listEventsSinceRow, [appId, roomId, beforeSeq, afterRow])).map(
      toEvent,
    );
  }

  /** The id of the last event row written (0 when none). */
  async lastEventRow(): Promise<number> {
    return first(await this.x.all<{ id: number }>(SQL.lastEventRow, []))?.id ?? 0;
  }

  async getMember(appId: number, roomId: string, userId: string) {
    const r = first(await this.x.all<MemberRow>(SQL.getMember, [appId, roomId, userId]));
    return r === undefined ? undefined : toMember(r);
  }

  async listMembers(appId: number, roomId: string, page = { after: "", limit: 1000 }) {
    return (await this.x.all<MemberRow>(SQL.listMembers, [appId, roomId, page.after, page.limit])).map(
      toMember,
    );
  }

  async countMembers(appId: number, roomId: string) {
    return first(await this.x.all<{ n: number }>(SQL.countMembers, [appId, roomId]))?.n ?? 0;
  }

  async getRoomCounters(appId: number, roomId: string) {
    type Row = { view_count: number; msg_count: number; empty_since_ms: number | null };
    const row = first(await this.x.all<Row>(SQL.getRoomCounters, [appId, roomId]));
    if (row === undefined) return undefined;
    return {
      viewCount: row.view_count,
      msgCount: row.msg_count,
      emptySinceMs: row.empty_since_ms ?? undefined,
    };
  }

  async countRooms(appId: number) {
    return first(await this.x.all<{ n: number }>(SQL.countRooms, [appId]))?.n ?? 0;
  }

  async listEmptyRooms(appId: number, sinceMs: number, limit: number) {
    type Row = { room_id: string };
    return (await this.x.all<Row>(SQL.listEmptyRooms, [appId, sinceMs, limit])).map((r) => r.room_id);
  }

  async listOwnerAbsentRooms(appId: number, sinceMs: number, limit: number) {
    type Row = { room_id: string };
    return (await this.x.all<Row>(SQL.listOwnerAbsentRooms, [appId, sinceMs, limit])).map((r) => r.room_id);
  }

  async getMute(appId: number, roomId: string, userId: string, nowSec: number) {
    type Row = { muted_until: number };
    return first(await this.x.all<Row>(SQL.getMute, [appId, roomId, userId, nowSec]))?.muted_until;
  }

  async listMutes(appId: number, roomId: string, nowSec: number, offset: number, limit: number) {
    type Row = { user_id: string; muted_until: number };
    const rows = await this.x.all<Row>(SQL.listMutes, [appId, roomId, nowSec, limit, offset]);
    return rows.map((r): MuteEntry => ({ userId: r.user_id, mutedUntil: r.muted_until }));
  }

  async listMetadata(appId: number, roomId: string) {
    type Row = { meta_key: string; value: string };
    const rows = await this.x.all<Row>(SQL.listMetadata, [appId, roomId]);
    return rows.map((r): MetadataEntry => ({ Key: r.meta_key, Value: r.value }));
  }

  async listSeats(appId: number, roomId: string) {
    return (await this.x.all<SeatRow>(SQL.listSeats, [appId, roomId])).map(toSeat);
  }

  async listSeatApplications(appId: number, roomId: string) {
    return (await this.x.all<ApplicationRow>(SQL.listApplications, [appId, roomId])).map(toApplication);
  }

  async listBeforeCallbacks(
    appId: number,
    f: { roomId?: string; command?: string; beforeId?: number; limit: number },
  ): Promise<BeforeCallbackRecord[]> {
    type Row = {
      id: number;
      app_id: number;
      room_id: string;
      command: string;
      event_id: string;
      packet: string;
      started_ms: number;
      duration_ms: number;
      status: number | null;
      error: string | null;
      reply: string | null;
      decision: BeforeCallbackRecord["decision"];
      code: number;
    };
    const twice = (v: string | number | undefined) => [v ?? null, v ?? null];
    const rows = await this.x.all<Row>(SQL.listBeforeCallbacks, [
      appId,
      ...twice(f.roomId),
      ...twice(f.command),
      ...twice(f.beforeId),
      f.limit,
    ]);
    return rows.map((r) => {
      const rec: BeforeCallbackRecord = {
        id: r.id,
        appId: r.app_id,
        roomId: r.room_id,
        command: r.command,
        eventId: r.event_id,
        packet: r.packet,
        startedMs: r.started_ms,
        durationMs: r.duration_ms,
        decision: r.decision,
        code: r.code,
      };
      if (r.status !== null) rec.status = r.status;
      if (r.error !== null) rec.error = r.error;
      if (r.reply !== null) rec.reply = r.reply;
      return rec;
    });
  }

  async getOutboxStats() {
    type Row = { pending: number; dead: number; oldest: number | null };
    const row = first(await this.x.all<Row>(SQL.outboxStats, []));
    const out: { pending: number; dead: number; oldestPendingMs?: number } = {
      pending: row?.pending ?? 0,
      dead: row?.dead ?? 0,
    };
    if (row?.oldest !== null && row?.oldest !== undefined) out.oldestPendingMs = row.oldest;
    return out;
  }

  async getBattle(appId: number, battleId: string) {
    return first(await this.x.all<{ battle: string }>(SQL.getBattle, [appId, battleId]))?.battle;
  }

  async listDueBattles(nowMs: number, limit: number) {
    type Row = { app_id: number; battle_id: string };
    const rows = await this.x.all<Row>(SQL.listDueBattles, [nowMs, limit]);
    return rows.map((r) => ({ appId: r.app_id, battleId: r.battle_id }));
  }

  async getRoomBattle(appId: number, roomId: string) {
    return first(await this.x.all<{ battle_id: string }>(SQL.getRoomBattle, [appId, roomId]))?.battle_id;
  }

  async getGiftCatalog(appId: number) {
    return first(await this.x.all<{ catalog: string }>(SQL.getGiftCatalog, [appId]))?.catalog;
  }

  async getGiftStats(appId: number, roomId: string, toAccount?: string): Promise<GiftStats> {
    type Row = { gifts: number; coins: number; senders: number };
    const to = toAccount ?? null;
    const row = first(await this.x.all<Row>(SQL.giftStats, [appId, roomId, to, to]));
    return { gifts: row?.gifts ?? 0, coins: row?.coins ?? 0, senders: row?.senders ?? 0 };
  }

  async getAccount(appId: number, userId: string) {
    const row = first(await this.x.all<AccountRow>(SQL.getAccount, [appId, userId]));
    return row === undefined ? undefined : toAccount(row);
  }

  async listDeadNodes(beforeMs: number) {
    const rows = await this.x.all<{ node_id: string; stopped_ms: number | null }>(SQL.listDeadNodes, [
      beforeMs,
    ]);
    return rows.map((r) =>
      r.stopped_ms === null ? { nodeId: r.node_id } : { nodeId: r.node_id, stoppedMs: r.stopped_ms },
    );
  }

  async listNodeMembers(nodeId: string) {
    return (await this.x.all<NodeMemberRow>(SQL.listNodeMembers, [nodeId])).map(toNodeMember);
  }

  async getCallbackConfig(appId: number) {
    const row = first(await this.x.all<ConfigRow>(SQL.getConfig, [appId]));
    return row === undefined ? undefined : toCallbackConfig(row);
  }

  async getCallbackToken(appId: number) {
    const row = first(await this.x.all<TokenRow>(SQL.getToken, [appId]));
    return row === undefined ? undefined : toToken(row);
  }

  async listSigningSecrets(appId: number, nowMs: number) {
    return (await this.x.all<SecretRow>(SQL.listSecrets, [appId, nowMs])).map(toSigningSecret);
  }

  async getDelivery(appId: number, id: number) {
    const row = first(await this.x.all<DeliveryRow>(SQL.getDelivery, [appId, id]));
    return row === undefined ? undefined : toDelivery(row);
  }

  async getDeliveryToSend(id: number): Promise<DeliveryToSend | undefined> {
    const row = first(await this.x.all<DeliveryToSendRow>(SQL.getDeliveryToSend, [id]));
    return row === undefined ? undefined : toDeliveryToSend(row);
  }

  async getDeliveriesToSend(ids: readonly number[]): Promise<DeliveryToSend[]> {
    const out: DeliveryToSend[] = [];
    for (let i = 0; i < ids.length; i += TO_SEND_BATCH) {
      const values: SqlValue[] = ids.slice(i, i + TO_SEND_BATCH);
      while (values.length < TO_SEND_BATCH) values.push(null);
      for (const r of await this.x.all<DeliveryToSendRow>(SQL.getDeliveriesToSend, values))
        out.push(toDeliveryToSend(r));
    }
    return out;
  }

  async listDeliveries(appId: number, f: DeliveryFilter) {
    const twice = (v: string | number | undefined) => [v ?? null, v ?? null];
    const rows = await this.x.all<DeliveryRow>(SQL.listDeliveries, [
      appId,
      ...twice(f.state),
      ...twice(f.roomId),
      ...twice(f.command),
      ...twice(f.fromMs),
      ...twice(f.toMs),
      ...twice(f.beforeId),
      f.limit,
    ]);
    return rows.map(toDelivery);
  }

  async listAttempts(deliveryId: number) {
    return (await this.x.all<AttemptRow>(SQL.listAttempts, [deliveryId])).map(toAttempt);
  }

  async listRecentAttempts(appId: number, sinceMs: number, limit: number): Promise<FeedAttempt[]> {
    type Row = AttemptRow & {
      delivery_id: number;
      room_id: string;
      seq: number;
      command: string;
      state: FeedAttempt["state"];
      event_id: string;
    };
    const rows = await this.x.all<Row>(SQL.listRecentAttempts, [appId, sinceMs, limit]);
    return rows.map((r) => ({
      ...toAttempt(r),
      deliveryId: r.delivery_id,
      roomId: r.room_id,
      seq: r.seq,
      command: r.command,
      state: r.state,
      eventId: r.event_id,
    }));
  }

  async listPendingDeliveries() {
    return (await this.x.all<ReadyRow>(SQL.listPending, [])).map(toReady);
  }

  async listRoomCallbacks(appId: number, roomId: string, afterSeq: number, limit: number) {
    type Row = DeliveryRow & { packet: string };
    const rows = await this.x.all<Row>(SQL.listRoomCallbacks, [appId, roomId, afterSeq, limit]);
    return rows.map((r) => ({ ...toDelivery(r), body: r.packet }));
  }
}

/**
 * Every write of the store contract, over the shared statements, inside a transaction its store
 * opened. It keeps what the store announces after the commit: deliveries made due and room events.
 */
export class SqlStoreTx extends SqlReader implements StoreTx {
  /** Deliveries made due by this transaction's commands so far. */
  ready: ReadyDelivery[] = [];
  /** Room events appended by this transaction's commands so far. */
  appended: StoredRoomEvent[] = [];
  /** Whether any write was sent: a rule that fails after one cannot be undone without the transaction. */
  wrote = false;

  private readonly lanes: LaneHooks;

  constructor(x: SqlExecutor, lanes: LaneHooks) {
    super(x, true);
    this.lanes = lanes;
  }

  private w(s: Statement, values: SqlValue[]): Promise<number> {
    this.wrote = true;
    return this.x.run(s, values);
  }

  private wAll<R>(s: Statement, values: SqlValue[]): Promise<R[]> {
    this.wrote = true;
    return this.x.all<R>(s, values);
  }

  async insertRoom(appId: number, room: RoomRecord) {
    await this.w(SQL.insertRoom, [
      appId,
      room.RoomId,
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
    ]);
  }

  async updateRoom(appId: number, room: RoomRecord) {
    await this.w(SQL.updateRoom, [
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
      appId,
      room.RoomId,
    ]);
  }

  async deleteRoom(appId: number, roomId: string) {
    await Promise.all([
      this.w(SQL.deleteRoom, [appId, roomId]),
      this.w(SQL.deleteRoomAdmins, [appId, roomId]),
      this.w(SQL.deleteRoomBans, [appId, roomId]),
      this.w(SQL.deleteRoomMembers, [appId, roomId]),
      this.w(SQL.deleteRoomMutes, [appId, roomId]),
      this.w(SQL.deleteRoomMetadata, [appId, roomId]),
      this.w(SQL.deleteRoomSeats, [appId, roomId]),
      this.w(SQL.deleteRoomApplications, [appId, roomId]),
      this.w(SQL.deleteRoomGifts, [appId, roomId]),
    ]);
  }

  async addAdmins(appId: number, roomId: string, userIds: string[]) {
    await Promise.all(userIds.map((u) => this.w(SQL.addAdmin, [appId, roomId, u])));
  }

  async removeAdmins(appId: number, roomId: string, userIds: string[]) {
    await Promise.all(userIds.map((u) => this.w(SQL.removeAdmin, [appId, roomId, u])));
  }

  async putBans(appId: number, roomId: string, bans: BanEntry[]) {
    await Promise.all(
      bans.map((b) => this.w(SQL.putBan, [appId, roomId, b.userId, b.bannedUntil, b.reason])),
    );
  }

  async removeBans(appId: number, roomId: string, userIds: string[]) {
    await Promise.all(userIds.map((u) => this.w(SQL.removeBan, [appId, roomId, u])));
  }

  appendEvent(event: RoomEventInput): Promise<StoredRoomEvent> {
    return this.append(GROUPS.appendEvent, event, []);
  }

  transferRoom(appId: number, newOwner: string, event: RoomEventInput): Promise<StoredRoomEvent> {
    if (event.appId !== appId) throw new Error("transferRoom: the event belongs to another app");
    return this.append(GROUPS.transferRoom, event, [newOwner]);
  }

  /** A group that ends with the outbox append (statements.ts GROUPS), then what it appended. */
  private async append(g: StatementGroup, event: RoomEventInput, more: SqlValue[]): Promise<StoredRoomEvent> {
    const { appId, roomId } = event;
    const command = event.packet.CallbackCommand;
    const eventId = newEventId(event.timeMs);
    this.wrote = true;
    const packet = JSON.stringify(event.packet);
    const [row] = await this.x.group<{ seq: number; delivery: number | null; prev_seq: number | null }>(g, [
      appId,
      roomId,
      eventId,
      command,
      event.timeMs,
      event.operator,
      event.platform,
      event.clientIp,
      packet,
      // The switch matches the quoted name: an event that must not be called back matches nothing.
      event.callback === false ? `"#none#"` : `"${command}"`,
      ...more,
    ]);
    if (row === undefined) throw new Error("the room's next sequence number was not returned");
    const { seq, delivery } = row;
    if (delivery !== null)
      // The ready notice carries what the sender needs, as the delivery is in the outbox: the
      // dispatcher sends it without reading it back (issue 16).
      this.ready.push({
        id: delivery,
        appId,
        roomId,
        seq,
        nextAttemptMs: event.timeMs,
        toSend: {
          id: delivery,
          appId,
          roomId,
          seq,
          prevSeq: row.prev_seq ?? 0,
          eventId,
          command,
          state: "pending",
          attempts: 0,
          nextAttemptMs: event.timeMs,
          createdMs: event.timeMs,
          body: packet,
          clientIp: event.clientIp,
          platform: event.platform,
        },
      });
    const stored: StoredRoomEvent = { ...event, seq, eventId };
    this.appended.push(stored);
    return stored;
  }

  async putMember(appId: number, roomId: string, m: MemberRecord) {
    await this.w(SQL.putMember, [
      appId,
      roomId,
      m.userId,
      m.state,
      m.platform,
      m.clientIp,
      m.sinceMs,
      m.node,
      m.isRobot ? 1 : 0,
    ]);
  }

  async removeMember(appId: number, roomId: string, userId: string) {
    await this.w(SQL.removeMember, [appId, roomId, userId]);
  }

  async roomEntered(appId: number, roomId: string, views: number) {
    await this.w(SQL.roomEntered, [views, appId, roomId]);
  }

  async roomLeft(appId: number, roomId: string, nowMs: number) {
    await this.w(SQL.roomLeft, [nowMs, appId, roomId]);
  }

  async countMessage(appId: number, roomId: string) {
    const [row] = await this.wAll<{ msg_count: number }>(SQL.countMessage, [appId, roomId]);
    if (row === undefined) throw new Error(`countMessage: no room ${roomId}`);
    return row.msg_count;
  }

  async putMutes(appId: number, roomId: string, mutes: MuteEntry[]) {
    await Promise.all(mutes.map((m) => this.w(SQL.putMute, [appId, roomId, m.userId, m.mutedUntil])));
  }

  async removeMutes(appId: number, roomId: string, userIds: string[]) {
    await Promise.all(userIds.map((u) => this.w(SQL.removeMute, [appId, roomId, u])));
  }

  async putMetadata(appId: number, roomId: string, entries: MetadataEntry[]) {
    await Promise.all(entries.map((e) => this.w(SQL.putMetadata, [appId, roomId, e.Key, e.Value])));
  }

  async removeMetadata(appId: number, roomId: string, keys: string[]) {
    await Promise.all(keys.map((k) => this.w(SQL.removeMetadata, [appId, roomId, k])));
  }

  async putSeat(appId: number, roomId: string, seat: SeatRecord) {
    const bare = seat.userId === "" && !seat.isLocked && !seat.isVideoLocked && !seat.isAudioLocked;
    if (bare) await this.w(SQL.removeSeat, [appId, roomId, seat.index]);
    else
      await this.w(SQL.putSeat, [
        appId,
        roomId,
        seat.index,
        seat.userId,
        seat.isLocked ? 1 : 0,
        seat.isVideoLocked ? 1 : 0,
        seat.isAudioLocked ? 1 : 0,
      ]);
  }

  async putSeatApplication(appId: number, roomId: string, a: SeatApplication) {
    await this.w(SQL.putApplication, [appId, roomId, a.userId, a.index, a.createdMs]);
  }

  async removeSeatApplication(appId: number, roomId: string, userId: string) {
    await this.w(SQL.removeApplication, [appId, roomId, userId]);
  }

  async putAccount(appId: number, a: AccountRecord) {
    await this.w(SQL.putAccount, [appId, a.userId, a.nick, a.faceUrl, JSON.stringify(a.tags), a.createdMs]);
  }

  async recordBeforeCallback(r: BeforeCallbackRecord) {
    await this.w(SQL.insertBeforeCallback, [
      r.appId,
      r.roomId,
      r.command,
      r.eventId,
      r.packet,
      r.startedMs,
      r.durationMs,
      r.status ?? null,
      r.error ?? null,
      r.reply ?? null,
      r.decision,
      r.code,
    ]);
  }

  async putBattle(
    appId: number,
    b: { battleId: string; state: "started" | "ended"; endMs: number; doc: string },
  ) {
    await this.w(SQL.putBattle, [appId, b.battleId, b.state, b.endMs, b.doc]);
  }

  async putRoomBattle(appId: number, roomIds: string[], battleId: string) {
    await Promise.all(roomIds.map((r) => this.w(SQL.putRoomBattle, [appId, r, battleId])));
  }

  async removeRoomBattle(appId: number, roomIds: string[], battleId: string) {
    await Promise.all(roomIds.map((r) => this.w(SQL.removeRoomBattle, [appId, r, battleId])));
  }

  async putGiftCatalog(appId: number, catalog: string) {
    await this.w(SQL.putGiftCatalog, [appId, catalog]);
  }

  async addRoomGift(
    appId: number,
    roomId: string,
    g: { from: string; to: string; count: number; coins: number },
  ) {
    await this.w(SQL.addRoomGift, [appId, roomId, g.from, g.to, g.count, g.coins]);
  }

  async removeAccount(appId: number, userId: string) {
    return (await this.w(SQL.removeAccount, [appId, userId])) > 0;
  }

  async touchNode(nodeId: string, nowMs: number) {
    await this.w(SQL.touchNode, [nodeId, nowMs]);
  }

  async stopNode(nodeId: string, nowMs: number) {
    await this.w(SQL.stopNode, [nowMs, nowMs, nodeId]);
  }

  async deleteNode(nodeId: string) {
    await this.w(SQL.deleteNode, [nodeId]);
  }

  async putCallbackConfig(appId: number, config: { url: string; commands: string[] }, nowMs: number) {
    await this.w(SQL.putConfig, [appId, config.url, JSON.stringify(config.commands), nowMs]);
  }

  async deleteCallbackConfig(appId: number) {
    return (await this.w(SQL.deleteConfig, [appId])) > 0;
  }

  async disableCallbackConfig(appId: number, reason: string, nowMs: number) {
    await this.w(SQL.disableConfig, [reason, nowMs, appId]);
  }

  async putCallbackToken(appId: number, token: CallbackToken) {
    await this.w(SQL.putToken, [appId, token.token, token.enabled ? 1 : 0]);
  }

  async rotateSigningSecret(appId: number, secret: string, nowMs: number, oldExpireMs: number) {
    await Promise.all([
      this.w(SQL.expireSecrets, [oldExpireMs, appId, nowMs]),
      this.w(SQL.addSecret, [appId, secret, nowMs]),
    ]);
  }

  async deleteSigningSecrets(appId: number) {
    await this.w(SQL.deleteSecrets, [appId]);
  }

  async recordAttempt(id: number, a: AttemptRecord, next: AttemptNext) {
    this.wrote = true;
    await this.x.group(GROUPS.recordAttempt, [
      id,
      a.n,
      a.startedMs,
      a.durationMs,
      a.status ?? null,
      a.error ?? null,
      a.reply ?? null,
      next.state,
      next.state === "pending" ? next.nextAttemptMs : null,
      a.startedMs + a.durationMs,
      next.state === "pending" ? attemptError(a) : next.state === "dead" ? next.reason : null,
      this.lanes.node,
    ]);
  }

  async releaseLane(appId: number, roomId: string) {
    await this.lanes.release(this.x, appId, roomId);
  }

  async redeliver(appId: number, id: number, nowMs: number) {
    const row = first(await this.wAll<ReadyRow>(SQL.redeliver, [nowMs, appId, id]));
    if (row === undefined) return undefined;
    const ready = toReady(row);
    await this.lanes.refill(this.x, [ready]);
    this.ready.push(ready);
    return ready;
  }

  async redeliverDead(appId: number, fromMs: number, toMs: number, nowMs: number) {
    const rows = (await this.wAll<ReadyRow>(SQL.redeliverDead, [nowMs, appId, fromMs, toMs])).map(toReady);
    await this.lanes.refill(this.x, rows);
    this.ready.push(...rows);
    return rows;
  }

  async killPendingDeliveries(appId: number, reason: string, nowMs: number) {
    // Shared lanes keep their due time; a claim that finds no head gives the lane back empty.
    return this.w(SQL.killPending, [nowMs, reason, appId]);
  }

  async pruneDeliveries(p: RetentionWindow & { deliveredBeforeMs?: number; deadBeforeMs?: number }) {
    const { deliveredBeforeMs: delivered, deadBeforeMs: dead } = p;
    // Nothing past the later cutoff can be old enough: done and created times only grow with ids.
    const frontier = Math.max(delivered ?? -Infinity, dead ?? -Infinity);
    const w = await retentionWindow(this.x, SQL.deliveriesWindow, p, frontier);
    if (w.n === 0) return { removed: 0, attempts: 0, lastId: p.afterId, done: true };
    const removed = await this.w(SQL.pruneDeliveries, [p.afterId, w.lastId, delivered ?? null, dead ?? null]);
    // Also what an attempt recorded late (a lease that ran out) left behind a removed delivery.
    const attempts = await this.w(SQL.pruneAttempts, [p.afterId, w.lastId]);
    return { removed, attempts, lastId: w.lastId, done: w.done };
  }

  async pruneEvents(p: RetentionWindow & { beforeMs: number }) {
    const w = await retentionWindow(this.x, SQL.eventsWindow, p, p.beforeMs);
    if (w.n === 0) return { removed: 0, attempts: 0, lastId: p.afterId, done: true };
    const removed = await this.w(SQL.pruneEvents, [p.afterId, w.lastId, p.beforeMs]);
    return { removed, attempts: 0, lastId: w.lastId, done: w.done };
  }

  async pruneBeforeCallbacks(p: RetentionWindow & { beforeMs: number }) {
    const w = await retentionWindow(this.x, SQL.beforeCallbacksWindow, p, p.beforeMs);
    if (w.n === 0) return { removed: 0, attempts: 0, lastId: p.afterId, done: true };
    const removed = await this.w(SQL.pruneBeforeCallbacks, [p.afterId, w.lastId, p.beforeMs]);
    return { removed, attempts: 0, lastId: w.lastId, done: w.done };
  }
}
