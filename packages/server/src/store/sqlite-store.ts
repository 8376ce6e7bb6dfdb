import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ClientErrorCode, ErrorCode } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { WriteCommand, WriteResult } from "../rooms/write-commands.ts";
import type { RoomRecord } from "../rooms/room.ts";
import { newEventId } from "./event-id.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";
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
  SigningSecret,
  Store,
  StoreTx,
  StoredRoomEvent,
} from "./store.ts";
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

type Db = Database.Database;

/**
 * StoreTx over one connection, with every statement prepared once. better-sqlite3 is synchronous: the
 * promises are already resolved, so a rule never yields to I/O inside a transaction.
 */
export class SqliteStoreTx implements StoreTx {
  private readonly s;
  /**
   * Deliveries made due by this transaction's commands so far; the writer takes them after the
   * commit (and cuts them back when a command's savepoint is rolled back).
   */
  ready: ReadyDelivery[] = [];
  /** Room events appended by this transaction's commands so far (cut back like `ready`). */
  appended: StoredRoomEvent[] = [];

  private readonly db: Db;

  constructor(db: Db, writable: boolean) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql);
    const reads = {
      getRoom: p(
        `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = ? AND room_id = ?`,
      ),
      getOwner: p(`SELECT owner FROM rooms WHERE app_id = ? AND room_id = ?`).pluck(),
      listAdmins: p(`SELECT user_id FROM room_admins WHERE app_id = ? AND room_id = ? ORDER BY user_id`),
      listBans: p(
        `SELECT user_id, banned_until, reason FROM room_bans
         WHERE app_id = ? AND room_id = ? AND banned_until > ? ORDER BY user_id LIMIT ? OFFSET ?`,
      ),
      isBanned: p(
        `SELECT 1 FROM room_bans WHERE app_id = ? AND room_id = ? AND user_id = ? AND banned_until > ?`,
      ),
      listPublicFirst: p(
        `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = ? AND is_public = 1
         ORDER BY view_count DESC, room_id LIMIT ?`,
      ),
      listPublicAfter: p(
        `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = ? AND is_public = 1
         AND (view_count < ? OR (view_count = ? AND room_id > ?))
         ORDER BY view_count DESC, room_id LIMIT ?`,
      ),
      listEvents: p(
        `SELECT app_id, room_id, seq, event_id, time_ms, operator, platform, client_ip, packet FROM room_events
         WHERE app_id = ? AND room_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      getMember: p(
        `SELECT user_id, state, platform, client_ip, since_ms, node_id FROM room_members WHERE app_id = ? AND room_id = ? AND user_id = ?`,
      ),
      listMembers: p(
        `SELECT user_id, state, platform, client_ip, since_ms, node_id FROM room_members WHERE app_id = ? AND room_id = ? AND state = 'online' ORDER BY user_id`,
      ),
      listDeadNodes: p(`SELECT node_id FROM gateway_nodes WHERE last_seen_ms < ? ORDER BY node_id`).pluck(),
      listNodeMembers: p(
        `SELECT app_id, room_id, user_id FROM room_members WHERE node_id = ? AND state = 'online' ORDER BY app_id, room_id, user_id`,
      ),
      getConfig: p(
        `SELECT url, commands, disabled_reason, disabled_ms FROM callback_configs WHERE app_id = ?`,
      ),
      getToken: p(`SELECT token, enabled FROM callback_tokens WHERE app_id = ?`),
      listSecrets: p(
        `SELECT secret, created_ms, expires_ms FROM signing_secrets
         WHERE app_id = ? AND (expires_ms IS NULL OR expires_ms > ?) ORDER BY id DESC`,
      ),
      getDelivery: p(
        `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN room_events e ON e.id = d.event_row WHERE d.app_id = ? AND d.id = ?`,
      ),
      getDeliveryToSend: p(
        `SELECT ${DELIVERY_COLUMNS}, e.packet, e.client_ip, e.platform FROM deliveries d JOIN room_events e ON e.id = d.event_row WHERE d.id = ?`,
      ),
      listAttempts: p(
        `SELECT n, started_ms, duration_ms, status, error, reply FROM delivery_attempts WHERE delivery_id = ? ORDER BY n`,
      ),
      listPending: p(
        `SELECT id, app_id, room_id, seq, next_attempt_ms FROM deliveries WHERE state = 'pending' ORDER BY id`,
      ),
      listRoomCallbacks: p(
        `SELECT ${DELIVERY_COLUMNS}, e.packet FROM deliveries d JOIN room_events e ON e.id = d.event_row
         WHERE d.app_id = ? AND d.room_id = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`,
      ),
    };
    const writes = writable
      ? {
          insertRoom: p(
            `INSERT INTO rooms (app_id, room_id, owner, view_count, is_public, info) VALUES (?, ?, ?, ?, ?, ?)`,
          ),
          updateRoom: p(
            `UPDATE rooms SET owner = ?, view_count = ?, is_public = ?, info = ? WHERE app_id = ? AND room_id = ?`,
          ),
          setOwner: p(`UPDATE rooms SET owner = ? WHERE app_id = ? AND room_id = ?`),
          deleteRoom: p(`DELETE FROM rooms WHERE app_id = ? AND room_id = ?`),
          deleteAdmins: p(`DELETE FROM room_admins WHERE app_id = ? AND room_id = ?`),
          deleteBans: p(`DELETE FROM room_bans WHERE app_id = ? AND room_id = ?`),
          deleteMembers: p(`DELETE FROM room_members WHERE app_id = ? AND room_id = ?`),
          putMember: p(
            `INSERT INTO room_members (app_id, room_id, user_id, state, platform, client_ip, since_ms, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET state = excluded.state, platform = excluded.platform,
             client_ip = excluded.client_ip, since_ms = excluded.since_ms, node_id = excluded.node_id`,
          ),
          touchNode: p(
            `INSERT INTO gateway_nodes (node_id, last_seen_ms) VALUES (?, ?)
             ON CONFLICT (node_id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms`,
          ),
          deleteNode: p(`DELETE FROM gateway_nodes WHERE node_id = ?`),
          removeMember: p(`DELETE FROM room_members WHERE app_id = ? AND room_id = ? AND user_id = ?`),
          addAdmin: p(`INSERT OR IGNORE INTO room_admins (app_id, room_id, user_id) VALUES (?, ?, ?)`),
          removeAdmin: p(`DELETE FROM room_admins WHERE app_id = ? AND room_id = ? AND user_id = ?`),
          putBan: p(
            `INSERT INTO room_bans (app_id, room_id, user_id, banned_until, reason) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (app_id, room_id, user_id) DO UPDATE SET banned_until = excluded.banned_until, reason = excluded.reason`,
          ),
          removeBan: p(`DELETE FROM room_bans WHERE app_id = ? AND room_id = ? AND user_id = ?`),
          nextSeq: p(
            `INSERT INTO room_sequences (app_id, room_id, last_seq) VALUES (?, ?, 1)
             ON CONFLICT (app_id, room_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
          ),
          insertEvent: p(
            `INSERT INTO room_events (app_id, room_id, seq, event_id, command, time_ms, operator, platform, client_ip, packet)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ),
          // The switch: the command is in the enabled configuration's list (a JSON array of strings,
          // so the quoted name matches whole names only).
          switchedOn: p(
            `SELECT 1 FROM callback_configs WHERE app_id = ? AND disabled_reason IS NULL AND instr(commands, ?) > 0`,
          ),
          lastDeliverySeq: p(
            `SELECT seq FROM deliveries WHERE app_id = ? AND room_id = ? ORDER BY seq DESC LIMIT 1`,
          ).pluck(),
          insertDelivery: p(
            `INSERT INTO deliveries (app_id, room_id, seq, prev_seq, event_row, command, state, next_attempt_ms, created_ms)
             VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
          ),
          putConfig: p(
            `INSERT INTO callback_configs (app_id, url, commands, updated_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, commands = excluded.commands,
             updated_ms = excluded.updated_ms, disabled_reason = NULL, disabled_ms = NULL`,
          ),
          deleteConfig: p(`DELETE FROM callback_configs WHERE app_id = ?`),
          disableConfig: p(
            `UPDATE callback_configs SET disabled_reason = ?, disabled_ms = ? WHERE app_id = ?`,
          ),
          putToken: p(
            `INSERT INTO callback_tokens (app_id, token, enabled) VALUES (?, ?, ?)
             ON CONFLICT (app_id) DO UPDATE SET token = excluded.token, enabled = excluded.enabled`,
          ),
          expireSecrets: p(
            `UPDATE signing_secrets SET expires_ms = ? WHERE app_id = ? AND (expires_ms IS NULL OR expires_ms > ?)`,
          ),
          addSecret: p(`INSERT INTO signing_secrets (app_id, secret, created_ms) VALUES (?, ?, ?)`),
          deleteSecrets: p(`DELETE FROM signing_secrets WHERE app_id = ?`),
          insertAttempt: p(
            `INSERT INTO delivery_attempts (delivery_id, n, started_ms, duration_ms, status, error, reply) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ),
          setPending: p(
            `UPDATE deliveries SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE id = ?`,
          ),
          setDone: p(
            `UPDATE deliveries SET attempts = ?, state = ?, done_ms = ?, last_error = ? WHERE id = ?`,
          ),
          redeliver: p(
            `UPDATE deliveries SET state = 'pending', next_attempt_ms = ?, done_ms = NULL
             WHERE app_id = ? AND id = ? AND state != 'pending' RETURNING id, app_id, room_id, seq, next_attempt_ms`,
          ),
          redeliverDead: p(
            `UPDATE deliveries SET state = 'pending', next_attempt_ms = ?, done_ms = NULL
             WHERE app_id = ? AND state = 'dead' AND created_ms >= ? AND created_ms < ?
             RETURNING id, app_id, room_id, seq, next_attempt_ms`,
          ),
          killPending: p(
            `UPDATE deliveries SET state = 'dead', done_ms = ?, last_error = ? WHERE app_id = ? AND state = 'pending'`,
          ),
        }
      : undefined;
    this.s = { ...reads, w: writes };
  }

  private get w() {
    if (this.s.w === undefined) throw new Error("write attempted on the read connection");
    return this.s.w;
  }

  getRoom(appId: number, roomId: string) {
    const row = this.s.getRoom.get(appId, roomId) as RoomRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toRoom(row));
  }

  getOwner(appId: number, roomId: string) {
    return Promise.resolve(this.s.getOwner.get(appId, roomId) as string | undefined);
  }

  insertRoom(appId: number, room: RoomRecord) {
    this.w.insertRoom.run(
      appId,
      room.RoomId,
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
    );
    return Promise.resolve();
  }

  updateRoom(appId: number, room: RoomRecord) {
    this.w.updateRoom.run(
      room.Owner_Account,
      room.ViewCount,
      room.IsPublicVisible ? 1 : 0,
      roomInfoJson(room),
      appId,
      room.RoomId,
    );
    return Promise.resolve();
  }

  setOwner(appId: number, roomId: string, owner: string) {
    this.w.setOwner.run(owner, appId, roomId);
    return Promise.resolve();
  }

  deleteRoom(appId: number, roomId: string) {
    this.w.deleteRoom.run(appId, roomId);
    this.w.deleteAdmins.run(appId, roomId);
    this.w.deleteBans.run(appId, roomId);
    this.w.deleteMembers.run(appId, roomId);
    return Promise.resolve();
  }

  listAdmins(appId: number, roomId: string) {
    return Promise.resolve(
      (this.s.listAdmins.all(appId, roomId) as { user_id: string }[]).map((r) => r.user_id),
    );
  }

  addAdmins(appId: number, roomId: string, userIds: string[]) {
    for (const u of userIds) this.w.addAdmin.run(appId, roomId, u);
    return Promise.resolve();
  }

  removeAdmins(appId: number, roomId: string, userIds: string[]) {
    for (const u of userIds) this.w.removeAdmin.run(appId, roomId, u);
    return Promise.resolve();
  }

  listBans(appId: number, roomId: string, nowSec: number, offset: number, limit: number) {
    const rows = this.s.listBans.all(appId, roomId, nowSec, limit, offset) as BanRow[];
    return Promise.resolve(rows.map(toBan));
  }

  isBanned(appId: number, roomId: string, userId: string, nowSec: number) {
    return Promise.resolve(this.s.isBanned.get(appId, roomId, userId, nowSec) !== undefined);
  }

  putBans(appId: number, roomId: string, bans: BanEntry[]) {
    for (const b of bans) this.w.putBan.run(appId, roomId, b.userId, b.bannedUntil, b.reason);
    return Promise.resolve();
  }

  removeBans(appId: number, roomId: string, userIds: string[]) {
    for (const u of userIds) this.w.removeBan.run(appId, roomId, u);
    return Promise.resolve();
  }

  listPublicRooms(appId: number, after: RoomListCursor | undefined, limit: number) {
    const rows = (
      after === undefined
        ? this.s.listPublicFirst.all(appId, limit)
        : this.s.listPublicAfter.all(appId, after.viewCount, after.viewCount, after.roomId, limit)
    ) as RoomRow[];
    return Promise.resolve(rows.map(toRoom));
  }

  appendEvent(event: RoomEventInput): Promise<StoredRoomEvent> {
    const { last_seq: seq } = this.w.nextSeq.get(event.appId, event.roomId) as { last_seq: number };
    const eventId = newEventId(event.timeMs);
    const eventRow = this.w.insertEvent.run(
      event.appId,
      event.roomId,
      seq,
      eventId,
      event.packet.CallbackCommand,
      event.timeMs,
      event.operator,
      event.platform,
      event.clientIp,
      JSON.stringify(event.packet),
    ).lastInsertRowid;
    const command = event.packet.CallbackCommand;
    if (this.w.switchedOn.get(event.appId, `"${command}"`) !== undefined) {
      const prevSeq = (this.w.lastDeliverySeq.get(event.appId, event.roomId) as number | undefined) ?? 0;
      const r = this.w.insertDelivery.run(
        event.appId,
        event.roomId,
        seq,
        prevSeq,
        eventRow,
        command,
        event.timeMs,
        event.timeMs,
      );
      this.ready.push({
        id: Number(r.lastInsertRowid),
        appId: event.appId,
        roomId: event.roomId,
        seq,
        nextAttemptMs: event.timeMs,
      });
    }
    const stored: StoredRoomEvent = { ...event, seq, eventId };
    this.appended.push(stored);
    return Promise.resolve(stored);
  }

  listEvents(appId: number, roomId: string, afterSeq: number, limit: number) {
    return Promise.resolve(
      (this.s.listEvents.all(appId, roomId, afterSeq, limit) as EventRow[]).map(toEvent),
    );
  }

  getMember(appId: number, roomId: string, userId: string) {
    const r = this.s.getMember.get(appId, roomId, userId) as MemberRow | undefined;
    return Promise.resolve(r === undefined ? undefined : toMember(r));
  }

  putMember(appId: number, roomId: string, m: MemberRecord) {
    this.w.putMember.run(appId, roomId, m.userId, m.state, m.platform, m.clientIp, m.sinceMs, m.node);
    return Promise.resolve();
  }

  removeMember(appId: number, roomId: string, userId: string) {
    this.w.removeMember.run(appId, roomId, userId);
    return Promise.resolve();
  }

  listMembers(appId: number, roomId: string) {
    return Promise.resolve((this.s.listMembers.all(appId, roomId) as MemberRow[]).map(toMember));
  }

  touchNode(nodeId: string, nowMs: number) {
    this.w.touchNode.run(nodeId, nowMs);
    return Promise.resolve();
  }

  listDeadNodes(beforeMs: number) {
    return Promise.resolve(this.s.listDeadNodes.all(beforeMs) as string[]);
  }

  listNodeMembers(nodeId: string): Promise<NodeMember[]> {
    return Promise.resolve((this.s.listNodeMembers.all(nodeId) as NodeMemberRow[]).map(toNodeMember));
  }

  deleteNode(nodeId: string) {
    this.w.deleteNode.run(nodeId);
    return Promise.resolve();
  }

  getCallbackConfig(appId: number): Promise<CallbackConfig | undefined> {
    const row = this.s.getConfig.get(appId) as ConfigRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toCallbackConfig(row));
  }

  putCallbackConfig(appId: number, config: { url: string; commands: string[] }, nowMs: number) {
    this.w.putConfig.run(appId, config.url, JSON.stringify(config.commands), nowMs);
    return Promise.resolve();
  }

  deleteCallbackConfig(appId: number) {
    return Promise.resolve(this.w.deleteConfig.run(appId).changes > 0);
  }

  disableCallbackConfig(appId: number, reason: string, nowMs: number) {
    this.w.disableConfig.run(reason, nowMs, appId);
    return Promise.resolve();
  }

  getCallbackToken(appId: number): Promise<CallbackToken | undefined> {
    const row = this.s.getToken.get(appId) as TokenRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toToken(row));
  }

  putCallbackToken(appId: number, token: CallbackToken) {
    this.w.putToken.run(appId, token.token, token.enabled ? 1 : 0);
    return Promise.resolve();
  }

  listSigningSecrets(appId: number, nowMs: number): Promise<SigningSecret[]> {
    return Promise.resolve((this.s.listSecrets.all(appId, nowMs) as SecretRow[]).map(toSigningSecret));
  }

  rotateSigningSecret(appId: number, secret: string, nowMs: number, oldExpireMs: number) {
    this.w.expireSecrets.run(oldExpireMs, appId, nowMs);
    this.w.addSecret.run(appId, secret, nowMs);
    return Promise.resolve();
  }

  deleteSigningSecrets(appId: number) {
    this.w.deleteSecrets.run(appId);
    return Promise.resolve();
  }

  getDelivery(appId: number, id: number) {
    const row = this.s.getDelivery.get(appId, id) as DeliveryRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toDelivery(row));
  }

  getDeliveryToSend(id: number): Promise<DeliveryToSend | undefined> {
    const row = this.s.getDeliveryToSend.get(id) as
      (DeliveryRow & { packet: string; client_ip: string; platform: string }) | undefined;
    if (row === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      ...toDelivery(row),
      body: row.packet,
      clientIp: row.client_ip,
      platform: row.platform,
    });
  }

  listDeliveries(appId: number, f: DeliveryFilter) {
    const where = ["d.app_id = ?"];
    const args: (string | number)[] = [appId];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    add("d.state = ?", f.state);
    add("d.room_id = ?", f.roomId);
    add("d.command = ?", f.command);
    add("d.created_ms >= ?", f.fromMs);
    add("d.created_ms < ?", f.toMs);
    add("d.id < ?", f.beforeId);
    // Built from fixed fragments only; every value is a bound parameter.
    const sql = `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN room_events e ON e.id = d.event_row
      WHERE ${where.join(" AND ")} ORDER BY d.id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit) as DeliveryRow[];
    return Promise.resolve(rows.map(toDelivery));
  }

  listAttempts(deliveryId: number): Promise<AttemptRecord[]> {
    return Promise.resolve((this.s.listAttempts.all(deliveryId) as AttemptRow[]).map(toAttempt));
  }

  listPendingDeliveries() {
    return Promise.resolve((this.s.listPending.all() as ReadyRow[]).map(toReady));
  }

  recordAttempt(id: number, a: AttemptRecord, next: AttemptNext) {
    this.w.insertAttempt.run(
      id,
      a.n,
      a.startedMs,
      a.durationMs,
      a.status ?? null,
      a.error ?? null,
      a.reply ?? null,
    );
    const error = attemptError(a);
    switch (next.state) {
      case "pending":
        this.w.setPending.run(a.n, next.nextAttemptMs, error, id);
        break;
      case "delivered":
        this.w.setDone.run(a.n, "delivered", a.startedMs + a.durationMs, null, id);
        break;
      case "dead":
        this.w.setDone.run(a.n, "dead", a.startedMs + a.durationMs, next.reason, id);
        break;
    }
    return Promise.resolve();
  }

  /** One process owns every lane in memory (delivery/lanes.ts): nothing is leased. */
  releaseLane(_appId: number, _roomId: string) {
    return Promise.resolve();
  }

  redeliver(appId: number, id: number, nowMs: number) {
    const row = this.w.redeliver.get(nowMs, appId, id) as ReadyRow | undefined;
    if (row === undefined) return Promise.resolve(undefined);
    const ready = toReady(row);
    this.ready.push(ready);
    return Promise.resolve(ready);
  }

  redeliverDead(appId: number, fromMs: number, toMs: number, nowMs: number) {
    const rows = (this.w.redeliverDead.all(nowMs, appId, fromMs, toMs) as ReadyRow[]).map(toReady);
    this.ready.push(...rows);
    return Promise.resolve(rows);
  }

  killPendingDeliveries(appId: number, reason: string, nowMs: number) {
    return Promise.resolve(this.w.killPending.run(nowMs, reason, appId).changes);
  }

  listRoomCallbacks(appId: number, roomId: string, afterSeq: number, limit: number) {
    const rows = this.s.listRoomCallbacks.all(appId, roomId, afterSeq, limit) as (DeliveryRow & {
      packet: string;
    })[];
    return Promise.resolve(rows.map((r) => ({ ...toDelivery(r), body: r.packet })));
  }
}

export function migrate(db: Db): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  const applied = new Set(
    (db.prepare(`SELECT version FROM schema_migrations`).all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  for (const m of sqliteMigrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`).run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

/**
 * Opens the write connection as the writer thread uses it: WAL, synchronous=NORMAL, because the
 * writer fsyncs the WAL itself before it answers (commit-sync.ts): durable before acknowledged, and
 * the fsync of one batch overlaps the next batch's work.
 */
export function openWriteConnection(path: string): Db {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  return db;
}

/**
 * Starts a sibling module as a worker thread. Built, it is a .js file. Run from source under tsx
 * (tests, `npm run dev`), it is .ts, and Node 20 does not carry tsx's loader into workers: the worker
 * then registers tsx itself before importing the module.
 */
function startWorker(base: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL(`${base.href}.js`), { workerData });
  const tsx = import.meta.resolve("tsx/esm/api");
  const target = `${base.href}.ts`;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { eval: true, workerData });
}

export interface SqliteStoreOptions {
  dataDir: string;
  /** Extra wait for concurrent writes to share a commit, in ms. */
  groupCommitWindowMs?: number;
  fileName?: string;
}

export interface SqliteStore extends Store {
  readonly path: string;
  /** Transactions committed and commands run in them: commits < jobs is the group commit at work. */
  stats(): { commits: number; jobs: number };
}

/** What crosses from the writer thread: a command's value, or why it failed. */
export type WriterResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; live: true; code: ErrorCode; message: string; clientCode?: ClientErrorCode }
  | { id: number; ok: false; live: false; message: string; stack?: string };

export type WriterMessage =
  | { type: "ready" }
  | {
      type: "results";
      results: WriterResult[];
      ready: ReadyDelivery[];
      events: StoredRoomEvent[];
      stats: { commits: number; jobs: number };
    }
  | { type: "closed" }
  | { type: "fatal"; message: string };

export type ToWriter = { type: "batch"; jobs: { id: number; cmd: WriteCommand }[] } | { type: "close" };

/**
 * SQLite, one process. Writes go to a writer thread that owns the write connection and group-commits
 * them, so the fsync of one batch never stops this thread from taking the next requests; reads use a
 * read-only connection here and see committed state only (WAL).
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, opts.fileName ?? "roomhook.db");
  const worker = startWorker(new URL("./sqlite-writer", import.meta.url), {
    path,
    windowMs: opts.groupCommitWindowMs ?? 0,
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  const readyListeners: ((ready: ReadyDelivery[]) => void)[] = [];
  const settingsListeners: ((appId: number) => void)[] = [];
  const eventListeners: ((events: StoredRoomEvent[]) => void)[] = [];
  let outgoing: { id: number; cmd: WriteCommand }[] = [];
  let stats = { commits: 0, jobs: 0 };
  let failure: Error | undefined;
  let closing: Promise<void> | undefined;

  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  let onReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let onClosed: (() => void) | undefined;
  worker.on("message", (msg: WriterMessage) => {
    switch (msg.type) {
      case "ready":
        onReady?.resolve();
        break;
      case "results":
        stats = msg.stats;
        for (const r of msg.results) {
          const p = pending.get(r.id);
          if (p === undefined) continue;
          pending.delete(r.id);
          if (r.ok) p.resolve(r.value);
          else if (r.live)
            p.reject(
              new LiveError(
                r.code,
                r.message,
                r.clientCode === undefined ? {} : { clientCode: r.clientCode },
              ),
            );
          else p.reject(Object.assign(new Error(r.message), { stack: r.stack }));
        }
        if (msg.events.length > 0) for (const l of eventListeners) l(msg.events);
        if (msg.ready.length > 0) for (const l of readyListeners) l(msg.ready);
        break;
      case "closed":
        onClosed?.();
        break;
      case "fatal":
        failAll(new Error(`SQLite writer failed: ${msg.message}`));
        onReady?.reject(new Error(msg.message));
        break;
    }
  });
  worker.on("error", (err) => {
    failAll(err);
    onReady?.reject(err);
  });
  worker.on("exit", (code) => {
    if (closing === undefined) failAll(new Error(`SQLite writer exited with code ${code}`));
    onClosed?.();
  });

  await new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
  });
  // Opened after the writer ran the migrations.
  const reader = new Database(path, { readonly: true });
  reader.pragma("busy_timeout = 5000");
  const readTx = new SqliteStoreTx(reader, false);

  const post = () => {
    const jobs = outgoing;
    outgoing = [];
    worker.postMessage({ type: "batch", jobs } satisfies ToWriter);
  };

  return {
    path,
    stats: () => ({ ...stats }),
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
    write<C extends WriteCommand>(cmd: C): Promise<WriteResult<C>> {
      if (failure !== undefined) return Promise.reject(failure);
      if (closing !== undefined) return Promise.reject(new Error("store is closed"));
      const id = nextId++;
      // Commands of one event-loop turn travel together: one message, one clone, one wake-up.
      if (outgoing.length === 0) setImmediate(post);
      outgoing.push({ id, cmd });
      const result = new Promise<WriteResult<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      });
      const appId = settingsAppOf(cmd);
      if (appId === undefined) return result;
      // Whatever the outcome, the settings may have changed once the write is over.
      const changed = () => {
        for (const l of settingsListeners) l(appId);
      };
      return result.finally(changed);
    },
    close() {
      closing ??= (async () => {
        // The reader goes first: the last connection to close checkpoints and removes the WAL, and a
        // read-only connection cannot.
        reader.close();
        if (outgoing.length > 0) post();
        const closed = new Promise<void>((resolve) => {
          onClosed = resolve;
        });
        worker.postMessage({ type: "close" } satisfies ToWriter);
        await closed;
        await worker.terminate();
      })();
      return closing;
    },
  };
}
