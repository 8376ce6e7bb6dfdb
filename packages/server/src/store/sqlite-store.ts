import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { RoomRecord } from "../rooms/room.ts";
import { newEventId } from "./event-id.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";
import type { BanEntry, RoomEventInput, RoomListCursor, RoomTx, Store, StoredRoomEvent } from "./store.ts";

type Db = Database.Database;

interface RoomRow {
  room_id: string;
  owner: string;
  view_count: number;
  is_public: number;
  info: string;
}

interface EventRow {
  app_id: number;
  room_id: string;
  seq: number;
  event_id: string;
  time_ms: number;
  operator: string;
  platform: string;
  client_ip: string;
  packet: string;
}

function toRoom(row: RoomRow): RoomRecord {
  return {
    ...(JSON.parse(row.info) as Omit<
      RoomRecord,
      "RoomId" | "Owner_Account" | "ViewCount" | "IsPublicVisible"
    >),
    RoomId: row.room_id,
    Owner_Account: row.owner,
    ViewCount: row.view_count,
    IsPublicVisible: row.is_public === 1,
  };
}

function roomInfoJson(room: RoomRecord): string {
  const { RoomId: _id, Owner_Account: _owner, ViewCount: _views, IsPublicVisible: _public, ...info } = room;
  return JSON.stringify(info);
}

function toEvent(row: EventRow): StoredRoomEvent {
  return {
    appId: row.app_id,
    roomId: row.room_id,
    seq: row.seq,
    eventId: row.event_id,
    timeMs: row.time_ms,
    operator: row.operator,
    platform: row.platform as StoredRoomEvent["platform"],
    clientIp: row.client_ip,
    packet: JSON.parse(row.packet) as StoredRoomEvent["packet"],
  };
}

/**
 * RoomTx over one connection, with every statement prepared once. better-sqlite3 is synchronous: the
 * promises are already resolved, so a rule never yields to I/O inside a transaction.
 */
class SqliteRoomTx implements RoomTx {
  private readonly s;

  constructor(db: Db, writable: boolean) {
    const p = (sql: string) => db.prepare(sql);
    const reads = {
      getRoom: p(
        `SELECT room_id, owner, view_count, is_public, info FROM rooms WHERE app_id = ? AND room_id = ?`,
      ),
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
    const rows = this.s.listBans.all(appId, roomId, nowSec, limit, offset) as {
      user_id: string;
      banned_until: number;
      reason: string;
    }[];
    return Promise.resolve(
      rows.map((r): BanEntry => ({ userId: r.user_id, bannedUntil: r.banned_until, reason: r.reason })),
    );
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
    this.w.insertEvent.run(
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
    );
    return Promise.resolve({ ...event, seq, eventId });
  }

  listEvents(appId: number, roomId: string, afterSeq: number, limit: number) {
    return Promise.resolve(
      (this.s.listEvents.all(appId, roomId, afterSeq, limit) as EventRow[]).map(toEvent),
    );
  }
}

interface Job {
  fn: (tx: RoomTx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: writes that arrive together share one transaction and one fsync. Each job runs in its
 * own savepoint, so a job that throws is rolled back alone; every caller is answered only after the
 * COMMIT returned (synchronous=FULL: the WAL is fsync'd by then).
 */
class GroupCommitter {
  private queue: Job[] = [];
  private scheduled = false;
  /** Transactions committed and jobs run in them; commits < jobs is the group commit at work. */
  readonly stats = { commits: 0, jobs: 0 };
  private running: Promise<void> | undefined;
  private readonly stmt;
  private readonly db: Db;
  private readonly tx: RoomTx;
  private readonly windowMs: number;

  constructor(db: Db, tx: RoomTx, windowMs: number) {
    this.db = db;
    this.tx = tx;
    this.windowMs = windowMs;
    this.stmt = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      savepoint: db.prepare("SAVEPOINT job"),
      release: db.prepare("RELEASE job"),
      rollbackTo: db.prepare("ROLLBACK TO job"),
    };
  }

  submit<T>(fn: (tx: RoomTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running !== undefined) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.running = this.flush().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    };
    if (this.windowMs > 0) setTimeout(go, this.windowMs);
    else setImmediate(go);
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.stmt.begin.run();
      for (const job of batch) {
        this.stmt.savepoint.run();
        try {
          const value = await job.fn(this.tx);
          this.stmt.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.stmt.rollbackTo.run();
          this.stmt.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.stmt.commit.run();
      this.stats.commits++;
      this.stats.jobs += batch.length;
    } catch (error) {
      // BEGIN or COMMIT failed (I/O error, disk full): nothing of this batch is durable.
      if (this.db.inTransaction) this.stmt.rollback.run();
      for (const job of batch) job.reject(error);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i];
      if (o?.ok === true) job.resolve(o.value);
      else job.reject(o?.error);
    });
  }

  async drain(): Promise<void> {
    while (this.running !== undefined || this.scheduled || this.queue.length > 0) {
      if (this.running !== undefined) await this.running;
      else await new Promise((r) => setImmediate(r));
    }
  }
}

export interface SqliteStoreOptions {
  dataDir: string;
  /** Extra wait for concurrent writes to share a commit, in ms. */
  groupCommitWindowMs?: number;
  fileName?: string;
}

export interface SqliteStore extends Store {
  readonly path: string;
  stats(): { commits: number; jobs: number };
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, opts.fileName ?? "roomhook.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // Durable before acknowledged: FULL fsyncs the WAL at every commit (group commit keeps it cheap).
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  const reader = new Database(path, { readonly: true });
  reader.pragma("busy_timeout = 5000");
  const readTx = new SqliteRoomTx(reader, false);
  const committer = new GroupCommitter(db, new SqliteRoomTx(db, true), opts.groupCommitWindowMs ?? 0);
  let closed = false;
  return {
    path,
    stats: () => ({ ...committer.stats }),
    read: (fn) => fn(readTx),
    write: (fn) => (closed ? Promise.reject(new Error("store is closed")) : committer.submit(fn)),
    async close() {
      if (closed) return;
      closed = true;
      await committer.drain();
      reader.close();
      db.close();
    },
  };
}

function migrate(db: Db): void {
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
