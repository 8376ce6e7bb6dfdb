import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ErrorCode } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { WriteCommand, WriteResult } from "../rooms/write-commands.ts";
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
export class SqliteRoomTx implements RoomTx {
  private readonly s;

  constructor(db: Db, writable: boolean) {
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
  | { id: number; ok: false; live: true; code: ErrorCode; message: string }
  | { id: number; ok: false; live: false; message: string; stack?: string };

export type WriterMessage =
  | { type: "ready" }
  | { type: "results"; results: WriterResult[]; stats: { commits: number; jobs: number } }
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
          else if (r.live) p.reject(new LiveError(r.code, r.message));
          else p.reject(Object.assign(new Error(r.message), { stack: r.stack }));
        }
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
  const readTx = new SqliteRoomTx(reader, false);

  const post = () => {
    const jobs = outgoing;
    outgoing = [];
    worker.postMessage({ type: "batch", jobs } satisfies ToWriter);
  };

  return {
    path,
    stats: () => ({ ...stats }),
    read: (fn) => fn(readTx),
    write<C extends WriteCommand>(cmd: C): Promise<WriteResult<C>> {
      if (failure !== undefined) return Promise.reject(failure);
      if (closing !== undefined) return Promise.reject(new Error("store is closed"));
      const id = nextId++;
      // Commands of one event-loop turn travel together: one message, one clone, one wake-up.
      if (outgoing.length === 0) setImmediate(post);
      outgoing.push({ id, cmd });
      return new Promise<WriteResult<C>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      });
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
