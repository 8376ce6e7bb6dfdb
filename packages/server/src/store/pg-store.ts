import pg from "pg";
import { LiveError } from "../live-error.ts";
import type { Logger } from "../logger.ts";
import type { RoomRecord } from "../rooms/room.ts";
import { runWriteCommand, type WriteCommand, type WriteResult } from "../rooms/write-commands.ts";
import { newEventId } from "./event-id.ts";
import { pgMigrations } from "./pg-migrations.ts";
import {
  attemptError,
  DELIVERY_COLUMNS,
  toAttempt,
  toBan,
  toCallbackConfig,
  toNodeMember,
  toSigningSecret,
  toToken,
  type AttemptRow,
  type BanRow,
  type ConfigRow,
  type NodeMemberRow,
  type SecretRow,
  type TokenRow,
  roomInfoJson,
  settingsAppOf,
  toDelivery,
  toEvent,
  toMember,
  toReady,
  toRoom,
  type DeliveryRow,
  type EventRow,
  type MemberRow,
  type ReadyRow,
  type RoomRow,
} from "./rows.ts";
import type {
  AttemptNext,
  AttemptRecord,
  BanEntry,
  CallbackConfig,
  CallbackToken,
  DeliveryFilter,
  DeliveryToSend,
  MemberRecord,
  NodeMember,
  ReadyDelivery,
  RoomEventInput,
  RoomListCursor,
  SharedLanes,
  SigningSecret,
  Store,
  StoreTx,
  StoredRoomEvent,
} from "./store.ts";

/**
 * Statements by name: each is prepared once per connection (pg's named statements). `$n` are bound
 * parameters; nothing is ever spliced into a statement but the fixed fragments of listDeliveries.
 */
const SQL = {
  getRoom: `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = $1 AND room_id = $2`,
  // In a write, the room's row is locked to the commit: a room's rules run one at a time, across processes.
  getRoomLocked: `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = $1 AND room_id = $2 FOR UPDATE`,
  getOwner: `SELECT owner FROM rooms WHERE app_id = $1 AND room_id = $2`,
  getOwnerLocked: `SELECT owner FROM rooms WHERE app_id = $1 AND room_id = $2 FOR UPDATE`,
  insertRoom: `INSERT INTO rooms (app_id, room_id, owner, view_count, is_public, info) VALUES ($1, $2, $3, $4, $5, $6)`,
  updateRoom: `UPDATE rooms SET owner = $1, view_count = $2, is_public = $3, info = $4 WHERE app_id = $5 AND room_id = $6`,
  setOwner: `UPDATE rooms SET owner = $1 WHERE app_id = $2 AND room_id = $3`,
  deleteRoom: `WITH a AS (DELETE FROM room_admins WHERE app_id = $1 AND room_id = $2),
    b AS (DELETE FROM room_bans WHERE app_id = $1 AND room_id = $2),
    m AS (DELETE FROM room_members WHERE app_id = $1 AND room_id = $2)
    DELETE FROM rooms WHERE app_id = $1 AND room_id = $2`,
  listAdmins: `SELECT user_id FROM room_admins WHERE app_id = $1 AND room_id = $2 ORDER BY user_id`,
  addAdmins: `INSERT INTO room_admins (app_id, room_id, user_id) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
  removeAdmins: `DELETE FROM room_admins WHERE app_id = $1 AND room_id = $2 AND user_id = ANY($3::text[])`,
  listBans: `SELECT user_id, banned_until, reason FROM room_bans
    WHERE app_id = $1 AND room_id = $2 AND banned_until > $3 ORDER BY user_id LIMIT $4 OFFSET $5`,
  isBanned: `SELECT 1 FROM room_bans WHERE app_id = $1 AND room_id = $2 AND user_id = $3 AND banned_until > $4`,
  putBan: `INSERT INTO room_bans (app_id, room_id, user_id, banned_until, reason) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET banned_until = excluded.banned_until, reason = excluded.reason`,
  removeBans: `DELETE FROM room_bans WHERE app_id = $1 AND room_id = $2 AND user_id = ANY($3::text[])`,
  listPublicFirst: `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = $1 AND is_public = 1
    ORDER BY view_count DESC, room_id LIMIT $2`,
  listPublicAfter: `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = $1 AND is_public = 1
    AND (view_count < $2 OR (view_count = $2 AND room_id > $3)) ORDER BY view_count DESC, room_id LIMIT $4`,
  laneClaim: `SELECT o_app, o_room, o_id, o_seq, o_due FROM roomhook_claim_lanes($1, $2, $3, $4)`,
  appendEvent: `SELECT o_seq, o_delivery FROM roomhook_append_event($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  refreshLane: `SELECT roomhook_refresh_lane($1, $2, $3, $4)`,
  recordAttempt: `SELECT roomhook_record_attempt($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  listEvents: `SELECT app_id, room_id, seq, event_id, time_ms, operator, platform, client_ip, packet FROM room_events
    WHERE app_id = $1 AND room_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
  listEventsSinceRow: `SELECT app_id, room_id, seq, event_id, time_ms, operator, platform, client_ip, packet FROM room_events
    WHERE app_id = $1 AND room_id = $2 AND seq < $3 AND id > $4 ORDER BY seq`,
  lastEventRow: `SELECT COALESCE(max(id), 0) AS id FROM room_events`,
  getMember: `SELECT user_id, state, platform, client_ip, since_ms, node_id FROM room_members
    WHERE app_id = $1 AND room_id = $2 AND user_id = $3`,
  putMember: `INSERT INTO room_members (app_id, room_id, user_id, state, platform, client_ip, since_ms, node_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET state = excluded.state, platform = excluded.platform,
    client_ip = excluded.client_ip, since_ms = excluded.since_ms, node_id = excluded.node_id`,
  removeMember: `DELETE FROM room_members WHERE app_id = $1 AND room_id = $2 AND user_id = $3`,
  listMembers: `SELECT user_id, state, platform, client_ip, since_ms, node_id FROM room_members
    WHERE app_id = $1 AND room_id = $2 AND state = 'online' ORDER BY user_id`,
  touchNode: `INSERT INTO gateway_nodes (node_id, last_seen_ms) VALUES ($1, $2)
    ON CONFLICT (node_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms`,
  listDeadNodes: `SELECT node_id FROM gateway_nodes WHERE last_seen_ms < $1 ORDER BY node_id`,
  listNodeMembers: `SELECT app_id, room_id, user_id FROM room_members WHERE node_id = $1 AND state = 'online'
    ORDER BY app_id, room_id, user_id`,
  deleteNode: `DELETE FROM gateway_nodes WHERE node_id = $1`,
  getConfig: `SELECT url, commands, disabled_reason, disabled_ms FROM callback_configs WHERE app_id = $1`,
  putConfig: `INSERT INTO callback_configs (app_id, url, commands, updated_ms) VALUES ($1, $2, $3, $4)
    ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, commands = excluded.commands,
    updated_ms = excluded.updated_ms, disabled_reason = NULL, disabled_ms = NULL`,
  deleteConfig: `DELETE FROM callback_configs WHERE app_id = $1`,
  disableConfig: `UPDATE callback_configs SET disabled_reason = $1, disabled_ms = $2 WHERE app_id = $3`,
  getToken: `SELECT token, enabled FROM callback_tokens WHERE app_id = $1`,
  putToken: `INSERT INTO callback_tokens (app_id, token, enabled) VALUES ($1, $2, $3)
    ON CONFLICT (app_id) DO UPDATE SET token = excluded.token, enabled = excluded.enabled`,
  listSecrets: `SELECT secret, created_ms, expires_ms FROM signing_secrets
    WHERE app_id = $1 AND (expires_ms IS NULL OR expires_ms > $2) ORDER BY id DESC`,
  expireSecrets: `UPDATE signing_secrets SET expires_ms = $1 WHERE app_id = $2 AND (expires_ms IS NULL OR expires_ms > $3)`,
  addSecret: `INSERT INTO signing_secrets (app_id, secret, created_ms) VALUES ($1, $2, $3)`,
  deleteSecrets: `DELETE FROM signing_secrets WHERE app_id = $1`,
  getDelivery: `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN room_events e ON e.id = d.event_row
    WHERE d.app_id = $1 AND d.id = $2`,
  getDeliveryToSend: `SELECT ${DELIVERY_COLUMNS}, e.packet, e.client_ip, e.platform FROM deliveries d
    JOIN room_events e ON e.id = d.event_row WHERE d.id = $1`,
  listAttempts: `SELECT n, started_ms, duration_ms, status, error, reply FROM delivery_attempts WHERE delivery_id = $1 ORDER BY n`,
  listPending: `SELECT id, app_id, room_id, seq, next_attempt_ms FROM deliveries WHERE state = 'pending' ORDER BY id`,
  redeliver: `UPDATE deliveries SET state = 'pending', next_attempt_ms = $1, done_ms = NULL
    WHERE app_id = $2 AND id = $3 AND state <> 'pending' RETURNING id, app_id, room_id, seq, next_attempt_ms`,
  redeliverDead: `UPDATE deliveries SET state = 'pending', next_attempt_ms = $1, done_ms = NULL
    WHERE app_id = $2 AND state = 'dead' AND created_ms >= $3 AND created_ms < $4
    RETURNING id, app_id, room_id, seq, next_attempt_ms`,
  killPending: `UPDATE deliveries SET state = 'dead', done_ms = $1, last_error = $2 WHERE app_id = $3 AND state = 'pending'`,
  listRoomCallbacks: `SELECT ${DELIVERY_COLUMNS}, e.packet FROM deliveries d JOIN room_events e ON e.id = d.event_row
    WHERE d.app_id = $1 AND d.room_id = $2 AND d.seq > $3 ORDER BY d.seq LIMIT $4`,
} as const;

type Name = keyof typeof SQL;
type Value = string | number | boolean | null | string[];

interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/**
 * StoreTx over PostgreSQL: on a pooled connection inside BEGIN..COMMIT for writes, on the pool itself
 * (each statement on its own) for reads.
 */
export class PgStoreTx implements StoreTx {
  /** Deliveries made due by this transaction; announced after the commit. */
  ready: ReadyDelivery[] = [];
  /** Room events appended by this transaction; announced after the commit. */
  appended: StoredRoomEvent[] = [];

  private readonly db: Queryable;
  private readonly writable: boolean;
  private readonly nodeId: string;

  constructor(db: Queryable, writable: boolean, nodeId: string) {
    this.db = db;
    this.writable = writable;
    this.nodeId = nodeId;
  }

  private async q<R extends pg.QueryResultRow>(name: Name, values: Value[]): Promise<R[]> {
    return (await this.db.query<R>({ name, text: SQL[name], values })).rows;
  }

  private async exec(name: Name, values: Value[]): Promise<number> {
    if (!this.writable) throw new Error("write attempted outside a write transaction");
    return (await this.db.query({ name, text: SQL[name], values })).rowCount ?? 0;
  }

  async getRoom(appId: number, roomId: string) {
    const [row] = await this.q<RoomRow>(this.writable ? "getRoomLocked" : "getRoom", [appId, roomId]);
    return row === undefined ? undefined : toRoom(row);
  }

  async getOwner(appId: number, roomId: string) {
    const [row] = await this.q<{ owner: string }>(this.writable ? "getOwnerLocked" : "getOwner", [
      appId,
      roomId,
    ]);
    return row?.owner;
  }

  async insertRoom(appId: number, room: RoomRecord) {
    await this.exec("insertRoom", [
      appId,
      room.RoomId,
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
    ]);
  }

  async updateRoom(appId: number, room: RoomRecord) {
    await this.exec("updateRoom", [
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
      appId,
      room.RoomId,
    ]);
  }

  async setOwner(appId: number, roomId: string, owner: string) {
    await this.exec("setOwner", [owner, appId, roomId]);
  }

  async deleteRoom(appId: number, roomId: string) {
    await this.exec("deleteRoom", [appId, roomId]);
  }

  async listAdmins(appId: number, roomId: string) {
    return (await this.q<{ user_id: string }>("listAdmins", [appId, roomId])).map((r) => r.user_id);
  }

  async addAdmins(appId: number, roomId: string, userIds: string[]) {
    if (userIds.length > 0) await this.exec("addAdmins", [appId, roomId, userIds]);
  }

  async removeAdmins(appId: number, roomId: string, userIds: string[]) {
    if (userIds.length > 0) await this.exec("removeAdmins", [appId, roomId, userIds]);
  }

  async listBans(appId: number, roomId: string, nowSec: number, offset: number, limit: number) {
    return (await this.q<BanRow>("listBans", [appId, roomId, nowSec, limit, offset])).map(toBan);
  }

  async isBanned(appId: number, roomId: string, userId: string, nowSec: number) {
    return (await this.q("isBanned", [appId, roomId, userId, nowSec])).length > 0;
  }

  async putBans(appId: number, roomId: string, bans: BanEntry[]) {
    for (const b of bans) await this.exec("putBan", [appId, roomId, b.userId, b.bannedUntil, b.reason]);
  }

  async removeBans(appId: number, roomId: string, userIds: string[]) {
    if (userIds.length > 0) await this.exec("removeBans", [appId, roomId, userIds]);
  }

  async listPublicRooms(appId: number, after: RoomListCursor | undefined, limit: number) {
    const rows =
      after === undefined
        ? await this.q<RoomRow>("listPublicFirst", [appId, limit])
        : await this.q<RoomRow>("listPublicAfter", [appId, after.viewCount, after.roomId, limit]);
    return rows.map(toRoom);
  }

  async appendEvent(event: RoomEventInput): Promise<StoredRoomEvent> {
    if (!this.writable) throw new Error("write attempted outside a write transaction");
    const eventId = newEventId(event.timeMs);
    const [r] = await this.q<{ o_seq: number; o_delivery: number | null }>("appendEvent", [
      event.appId,
      event.roomId,
      eventId,
      event.packet.CallbackCommand,
      event.timeMs,
      event.operator,
      event.platform,
      event.clientIp,
      JSON.stringify(event.packet),
    ]);
    if (r === undefined) throw new Error("roomhook_append_event returned nothing");
    const seq = r.o_seq;
    if (r.o_delivery !== null)
      this.ready.push({
        id: r.o_delivery,
        appId: event.appId,
        roomId: event.roomId,
        seq,
        nextAttemptMs: event.timeMs,
      });
    const stored: StoredRoomEvent = { ...event, seq, eventId };
    this.appended.push(stored);
    return stored;
  }

  async listEvents(appId: number, roomId: string, afterSeq: number, limit: number) {
    return (await this.q<EventRow>("listEvents", [appId, roomId, afterSeq, limit])).map(toEvent);
  }

  /** A room's events before a sequence number written after a row id (see openPgStore's ordering). */
  async listEventsSinceRow(appId: number, roomId: string, beforeSeq: number, afterRow: number) {
    return (await this.q<EventRow>("listEventsSinceRow", [appId, roomId, beforeSeq, afterRow])).map(toEvent);
  }

  async lastEventRow(): Promise<number> {
    const [r] = await this.q<{ id: number }>("lastEventRow", []);
    return r?.id ?? 0;
  }

  async getMember(appId: number, roomId: string, userId: string) {
    const [r] = await this.q<MemberRow>("getMember", [appId, roomId, userId]);
    return r === undefined ? undefined : toMember(r);
  }

  async putMember(appId: number, roomId: string, m: MemberRecord) {
    await this.exec("putMember", [
      appId,
      roomId,
      m.userId,
      m.state,
      m.platform,
      m.clientIp,
      m.sinceMs,
      m.node,
    ]);
  }

  async removeMember(appId: number, roomId: string, userId: string) {
    await this.exec("removeMember", [appId, roomId, userId]);
  }

  async listMembers(appId: number, roomId: string) {
    return (await this.q<MemberRow>("listMembers", [appId, roomId])).map(toMember);
  }

  async touchNode(nodeId: string, nowMs: number) {
    await this.exec("touchNode", [nodeId, nowMs]);
  }

  async listDeadNodes(beforeMs: number) {
    return (await this.q<{ node_id: string }>("listDeadNodes", [beforeMs])).map((r) => r.node_id);
  }

  async listNodeMembers(nodeId: string): Promise<NodeMember[]> {
    return (await this.q<NodeMemberRow>("listNodeMembers", [nodeId])).map(toNodeMember);
  }

  async deleteNode(nodeId: string) {
    await this.exec("deleteNode", [nodeId]);
  }

  async getCallbackConfig(appId: number): Promise<CallbackConfig | undefined> {
    const [row] = await this.q<ConfigRow>("getConfig", [appId]);
    return row === undefined ? undefined : toCallbackConfig(row);
  }

  async putCallbackConfig(appId: number, config: { url: string; commands: string[] }, nowMs: number) {
    await this.exec("putConfig", [appId, config.url, JSON.stringify(config.commands), nowMs]);
  }

  async deleteCallbackConfig(appId: number) {
    return (await this.exec("deleteConfig", [appId])) > 0;
  }

  async disableCallbackConfig(appId: number, reason: string, nowMs: number) {
    await this.exec("disableConfig", [reason, nowMs, appId]);
  }

  async getCallbackToken(appId: number): Promise<CallbackToken | undefined> {
    const [row] = await this.q<TokenRow>("getToken", [appId]);
    return row === undefined ? undefined : toToken(row);
  }

  async putCallbackToken(appId: number, token: CallbackToken) {
    await this.exec("putToken", [appId, token.token, token.enabled ? 1 : 0]);
  }

  async listSigningSecrets(appId: number, nowMs: number): Promise<SigningSecret[]> {
    return (await this.q<SecretRow>("listSecrets", [appId, nowMs])).map(toSigningSecret);
  }

  async rotateSigningSecret(appId: number, secret: string, nowMs: number, oldExpireMs: number) {
    await this.exec("expireSecrets", [oldExpireMs, appId, nowMs]);
    await this.exec("addSecret", [appId, secret, nowMs]);
  }

  async deleteSigningSecrets(appId: number) {
    await this.exec("deleteSecrets", [appId]);
  }

  async getDelivery(appId: number, id: number) {
    const [row] = await this.q<DeliveryRow>("getDelivery", [appId, id]);
    return row === undefined ? undefined : toDelivery(row);
  }

  async getDeliveryToSend(id: number): Promise<DeliveryToSend | undefined> {
    const [row] = await this.q<DeliveryRow & { packet: string; client_ip: string; platform: string }>(
      "getDeliveryToSend",
      [id],
    );
    if (row === undefined) return undefined;
    return { ...toDelivery(row), body: row.packet, clientIp: row.client_ip, platform: row.platform };
  }

  async listDeliveries(appId: number, f: DeliveryFilter) {
    const where = ["d.app_id = $1"];
    const args: (string | number)[] = [appId];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      args.push(value);
      where.push(`${clause} $${args.length}`);
    };
    add("d.state =", f.state);
    add("d.room_id =", f.roomId);
    add("d.command =", f.command);
    add("d.created_ms >=", f.fromMs);
    add("d.created_ms <", f.toMs);
    add("d.id <", f.beforeId);
    args.push(f.limit);
    // Built from fixed fragments only; every value is a bound parameter.
    const text = `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN room_events e ON e.id = d.event_row
      WHERE ${where.join(" AND ")} ORDER BY d.id DESC LIMIT $${args.length}`;
    return (await this.db.query<DeliveryRow>({ text, values: args })).rows.map(toDelivery);
  }

  async listAttempts(deliveryId: number): Promise<AttemptRecord[]> {
    return (await this.q<AttemptRow>("listAttempts", [deliveryId])).map(toAttempt);
  }

  async listPendingDeliveries() {
    return (await this.q<ReadyRow>("listPending", [])).map(toReady);
  }

  async recordAttempt(id: number, a: AttemptRecord, next: AttemptNext) {
    const error = attemptError(a);
    await this.exec("recordAttempt", [
      id,
      a.n,
      a.startedMs,
      a.durationMs,
      a.status ?? null,
      a.error ?? null,
      a.reply ?? null,
      next.state,
      next.state === "pending" ? next.nextAttemptMs : null,
      next.state === "dead" ? next.reason : next.state === "pending" ? error : null,
      this.nodeId,
    ]);
  }

  async releaseLane(appId: number, roomId: string) {
    await this.exec("refreshLane", [appId, roomId, this.nodeId, true]);
  }

  /** A delivery put back in its lane: the lane's head may be another one now (its lease stays). */
  private async refreshLane(appId: number, roomId: string) {
    await this.exec("refreshLane", [appId, roomId, this.nodeId, false]);
  }

  async redeliver(appId: number, id: number, nowMs: number) {
    const [row] = await this.q<ReadyRow>("redeliver", [nowMs, appId, id]);
    if (row === undefined) return undefined;
    const ready = toReady(row);
    await this.refreshLane(ready.appId, ready.roomId);
    this.ready.push(ready);
    return ready;
  }

  async redeliverDead(appId: number, fromMs: number, toMs: number, nowMs: number) {
    const rows = (await this.q<ReadyRow>("redeliverDead", [nowMs, appId, fromMs, toMs])).map(toReady);
    const lanes = new Map(rows.map((r) => [`${r.appId}\u0000${r.roomId}`, r]));
    // In a fixed order: two transactions locking the same lanes never wait for each other in a circle.
    const sorted = [...lanes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, r] of sorted) await this.refreshLane(r.appId, r.roomId);
    this.ready.push(...rows);
    return rows;
  }

  async killPendingDeliveries(appId: number, reason: string, nowMs: number) {
    // Lanes keep their due time; a claim that finds no head gives the lane back empty.
    return this.exec("killPending", [nowMs, reason, appId]);
  }

  async listRoomCallbacks(appId: number, roomId: string, afterSeq: number, limit: number) {
    const rows = await this.q<DeliveryRow & { packet: string }>("listRoomCallbacks", [
      appId,
      roomId,
      afterSeq,
      limit,
    ]);
    return rows.map((r) => ({ ...toDelivery(r), body: r.packet }));
  }
}

/** pg answers BIGINT as a string; every BIGINT here is a millisecond time or a count within 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(
          oid,
          format,
        )) as pg.CustomTypesConfig["getTypeParser"],
};

/** Errors after which the same command, run again in a new transaction, may well succeed. */
const RETRYABLE = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "23505", // unique_violation: a concurrent create of the same key; the rule now sees it
]);
const MAX_TRIES = 5;
/** Commands that are one statement each, run without an explicit transaction. */
const SINGLE_STATEMENT = new Set<WriteCommand["op"]>(["recordAttempt", "releaseLane", "touchNode"]);

const EVENTS_CHANNEL = "roomhook_events";
const SETTINGS_CHANNEL = "roomhook_settings";
/** NOTIFY payloads must stay under 8000 bytes; larger batches travel as references. */
const MAX_PAYLOAD = 7000;
const MIGRATION_LOCK = 0x726f6f6d; // "room"
/** Rooms whose last passed-on sequence number is remembered (the least recent are forgotten). */
const ORDERED_ROOMS = 100_000;

/** An app's callback settings changed (another process drops what it cached of them). */
type SettingsMessage = { n: string; a: number };
type EventsMessage =
  | { n: string; e: StoredRoomEvent[] }
  | { n: string; ref: { appId: number; roomId: string; fromSeq: number; count: number }[] };

export interface PgStoreOptions {
  url: string;
  poolSize: number;
  nodeId: string;
  logger: Logger;
}

export interface PgStore extends Store {
  readonly sharedLanes: SharedLanes;
}

export async function migratePg(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    // Processes that start together wait here; the first runs the migrations, the rest find them done.
    await c.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await c.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    );
    const applied = new Set(
      (await c.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    for (const m of pgMigrations) {
      if (applied.has(m.version)) continue;
      await c.query("BEGIN");
      try {
        await c.query(m.sql);
        await c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          Date.now(),
        ]);
        await c.query("COMMIT");
      } catch (e) {
        await c.query("ROLLBACK");
        throw e;
      }
    }
  } finally {
    await c.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    c.release();
  }
}

/**
 * PostgreSQL, several processes. A write is a command run in one transaction on a pooled connection
 * (PostgreSQL's own group commit makes concurrent commits share a flush). Room events reach the other
 * processes through NOTIFY, sent inside the transaction, so they arrive once it commits, in commit
 * order. Delivery lanes are shared through leases (SharedLanes).
 */
export async function openPgStore(opts: PgStoreOptions): Promise<PgStore> {
  const { logger, nodeId } = opts;
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize, types });
  pool.on("error", (err) => {
    logger.warn({ err }, "an idle PostgreSQL connection failed");
  });
  await migratePg(pool);

  const readyListeners: ((ready: ReadyDelivery[]) => void)[] = [];
  const settingsListeners: ((appId: number) => void)[] = [];
  const eventListeners: ((events: StoredRoomEvent[]) => void)[] = [];
  const readTx = new PgStoreTx(pool, false, nodeId);
  const direct = new PgStoreTx(pool, true, nodeId);
  let closed = false;

  /**
   * Room events reach listeners in each room's sequence order, with none missing or twice, whichever
   * process committed them: this process's own arrive at its commit, others' by NOTIFY on another
   * connection, so the two can cross. An event after a gap waits while the gap is read from the table
   * (committed already: a room's events commit in sequence order). The first event of a room this
   * process passes on brings the room's earlier events that were written since it began listening.
   */
  const lastSeq = new Map<string, number>();
  let listeningFromRow = 0;
  let chain = Promise.resolve();
  type Batch =
    StoredRoomEvent[] | { ref: { appId: number; roomId: string; fromSeq: number; count: number }[] };
  const order = (batch: Batch): Promise<void> => {
    const task = chain.then(async () => {
      let events: StoredRoomEvent[] = [];
      if (Array.isArray(batch)) events = batch;
      else
        for (const r of batch.ref)
          events.push(...(await readTx.listEvents(r.appId, r.roomId, r.fromSeq - 1, r.count)));
      const out: StoredRoomEvent[] = [];
      for (const e of events) {
        const key = `${e.appId}\u0000${e.roomId}`;
        const last = lastSeq.get(key);
        if (last !== undefined && e.seq <= last) continue;
        if (last !== undefined && e.seq > last + 1)
          out.push(...(await readTx.listEvents(e.appId, e.roomId, last, e.seq - last - 1)));
        if (last === undefined && e.seq > 1)
          out.push(...(await readTx.listEventsSinceRow(e.appId, e.roomId, e.seq, listeningFromRow)));
        out.push(e);
        lastSeq.delete(key); // re-inserted last: the map's oldest entries are its least recent rooms
        lastSeq.set(key, e.seq);
        if (lastSeq.size > ORDERED_ROOMS) lastSeq.delete(lastSeq.keys().next().value ?? "");
      }
      if (out.length > 0) for (const l of eventListeners) l(out);
    });
    chain = task.catch((err: unknown) => {
      logger.error({ err }, "could not read room events to pass on");
    });
    return chain;
  };

  // Other processes' room events, in commit order (a referenced batch is read in its turn).
  let listener: pg.Client | undefined;
  const onNotification = (msg: pg.Notification) => {
    let m: EventsMessage | SettingsMessage;
    try {
      m = JSON.parse(msg.payload ?? "") as EventsMessage | SettingsMessage;
    } catch {
      return;
    }
    if (m.n === nodeId) return; // told to its own listeners at commit
    if ("a" in m) for (const l of settingsListeners) l(m.a);
    else void order("e" in m ? m.e : { ref: m.ref });
  };
  // Lost, the listening connection is made again every second until it is back; meanwhile pushes from
  // other processes stop (a room's next event brings what was missed, see `order`).
  let relistening = false;
  const relisten = () => {
    if (closed || relistening) return;
    relistening = true;
    setTimeout(() => {
      relistening = false;
      listen().catch((err: unknown) => {
        logger.warn({ err }, "cannot listen for other processes' room events yet");
        relisten();
      });
    }, 1000).unref();
  };
  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url, types });
    c.on("notification", onNotification);
    c.on("error", (err) => {
      logger.warn({ err }, "lost the PostgreSQL connection that listens for other processes' events");
    });
    c.on("end", () => {
      if (listener === c) listener = undefined;
      relisten();
    });
    await c.connect();
    await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    await c.query(`LISTEN ${SETTINGS_CHANNEL}`);
    // Rows written from here on are notified to this connection (the first start only: after a lost
    // connection, the older mark also brings what was written while it was away).
    if (listeningFromRow === 0) listeningFromRow = await readTx.lastEventRow();
    if (closed) await c.end();
    else listener = c;
  };
  await listen();

  async function runOnce<C extends WriteCommand>(cmd: C): Promise<{ value: WriteResult<C>; tx: PgStoreTx }> {
    const client = await pool.connect();
    const tx = new PgStoreTx(client, true, nodeId);
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const value = (await runWriteCommand(tx, cmd)) as WriteResult<C>;
      // NOTIFY is sent at COMMIT: both go in one simple query (one round trip), values as literals.
      let finish = "COMMIT";
      const appId = settingsAppOf(cmd);
      if (appId !== undefined) {
        const payload = client.escapeLiteral(
          JSON.stringify({ n: nodeId, a: appId } satisfies SettingsMessage),
        );
        finish = `SELECT pg_notify('${SETTINGS_CHANNEL}', ${payload}); ${finish}`;
      }
      if (tx.appended.length > 0) {
        const payload = client.escapeLiteral(eventsPayload(nodeId, tx.appended));
        finish = `SELECT pg_notify('${EVENTS_CHANNEL}', ${payload}); ${finish}`;
      }
      await client.query(finish);
      return { value, tx };
    } catch (e) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async function write<C extends WriteCommand>(cmd: C): Promise<WriteResult<C>> {
    if (closed) throw new Error("store is closed");
    // One statement (a function call), atomic by itself: no BEGIN and COMMIT round trips.
    if (SINGLE_STATEMENT.has(cmd.op)) return (await runWriteCommand(direct, cmd)) as WriteResult<C>;
    for (let attempt = 1; ; attempt++) {
      try {
        const { value, tx } = await runOnce(cmd);
        if (tx.appended.length > 0) void order(tx.appended);
        if (tx.ready.length > 0) for (const l of readyListeners) l(tx.ready);
        const appId = settingsAppOf(cmd);
        if (appId !== undefined) for (const l of settingsListeners) l(appId);
        return value;
      } catch (e) {
        if (e instanceof LiveError) throw e;
        const code = (e as { code?: unknown }).code;
        if (typeof code === "string" && RETRYABLE.has(code) && attempt < MAX_TRIES) continue;
        throw e;
      }
    }
  }

  return {
    sharedLanes: {
      async claim(nowMs, limit, leaseUntilMs) {
        const rows = (
          await pool.query<{
            o_app: number;
            o_room: string;
            o_id: number | null;
            o_seq: number | null;
            o_due: number | null;
          }>({ name: "laneClaim", text: SQL.laneClaim, values: [nowMs, limit, nodeId, leaseUntilMs] })
        ).rows;
        const heads: ReadyDelivery[] = [];
        const empty: { appId: number; roomId: string }[] = [];
        for (const r of rows) {
          if (r.o_id === null || r.o_seq === null || r.o_due === null || r.o_due > nowMs)
            empty.push({ appId: r.o_app, roomId: r.o_room });
          else
            heads.push({
              id: r.o_id,
              appId: r.o_app,
              roomId: r.o_room,
              seq: r.o_seq,
              nextAttemptMs: r.o_due,
            });
        }
        // A lane whose head is gone (delivered elsewhere, killed) or not due: given back with its true due time.
        await Promise.all(empty.map((l) => write({ op: "releaseLane", appId: l.appId, roomId: l.roomId })));
        return heads;
      },
    },
    onReadyDeliveries(listener) {
      readyListeners.push(listener);
    },
    onRoomEvents(listener) {
      eventListeners.push(listener);
    },
    onSettingsChanged(listener) {
      settingsListeners.push(listener);
    },
    read: (fn) => fn(readTx),
    write,
    async close() {
      closed = true;
      await chain;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

function eventsPayload(nodeId: string, events: StoredRoomEvent[]): string {
  const full = JSON.stringify({ n: nodeId, e: events } satisfies EventsMessage);
  if (Buffer.byteLength(full) <= MAX_PAYLOAD) return full;
  const ref: { appId: number; roomId: string; fromSeq: number; count: number }[] = [];
  for (const e of events) {
    const last = ref.at(-1);
    if (last?.appId === e.appId && last.roomId === e.roomId && last.fromSeq + last.count === e.seq)
      last.count++;
    else ref.push({ appId: e.appId, roomId: e.roomId, fromSeq: e.seq, count: 1 });
  }
  return JSON.stringify({ n: nodeId, ref } satisfies EventsMessage);
}
