import Database from "better-sqlite3";
import { accessSync, chmodSync, closeSync, constants, mkdirSync, openSync } from "node:fs";
import { StartupError, reasonOf } from "../startup-error.ts";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ErrorCode } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { Migration, MigrationConnection } from "./migrate.ts";
import { SqlReader, type SqlExecutor, type SqlValue } from "./sql-store.ts";
import { SQL, toSqlite, type Statement, type StatementGroup } from "./statements.ts";
import type { Command, CommandRunner, ReadyDelivery, ResultMap, Store, StoredRoomEvent } from "./store.ts";

type Db = Database.Database;

/**
 * The shared statements on one SQLite connection, each prepared on first use (the read-only
 * connection never prepares a write). Calls are synchronous: the promises are settled when returned.
 */
export function sqliteExecutor(db: Db): SqlExecutor {
  const prepared = new Map<string, Database.Statement>();
  const prepare = (s: Statement) => {
    let p = prepared.get(s.name);
    if (p === undefined) {
      p = db.prepare(toSqlite(s.sql));
      prepared.set(s.name, p);
    }
    return p;
  };
  return {
    all: <R>(s: Statement, values: SqlValue[]) => Promise.resolve(prepare(s).all(...values) as R[]),
    run: (s: Statement, values: SqlValue[]) => Promise.resolve(prepare(s).run(...values).changes),
    // In order, in this thread: the steps for shared lanes have nothing to do here.
    group: <R>(g: StatementGroup, values: SqlValue[]) => {
      const bind = (args: readonly number[]) => args.map((i) => values[i] ?? null);
      for (const step of g.steps) if (step.sharedLanes !== true) prepare(step.s).run(...bind(step.args));
      return Promise.resolve(prepare(g.result.s).all(...bind(g.result.args)) as R[]);
    },
  };
}

/** The migration runner's view of the writer's connection: one writer, so nothing to wait for. */
export function sqliteMigrationConnection(db: Db): MigrationConnection {
  const x = sqliteExecutor(db);
  return {
    exec: (sql) => {
      db.exec(sql);
      return Promise.resolve();
    },
    applied: async () => (await x.all<{ version: number }>(SQL.appliedMigrations, [])).map((r) => r.version),
    record: async (m: Migration, nowMs: number) => {
      await x.run(SQL.recordMigration, [m.version, m.name, nowMs]);
    },
    transaction: async (fn) => {
      db.exec("BEGIN IMMEDIATE");
      try {
        await fn();
        db.exec("COMMIT");
      } catch (e) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw e;
      }
    },
    exclusive: (fn) => fn(),
  };
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
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL(`${base.href}.js`), { workerData, resourceLimits: WRITER_LIMITS });
  const tsx = import.meta.resolve("tsx/esm/api");
  const target = `${base.href}.ts`;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { eval: true, workerData, resourceLimits: WRITER_LIMITS });
}

/**
 * The writer thread's V8 young generation, in MiB (V8's default on 64-bit: up to 16 MiB per
 * semi-space, 48 in all). What the writer allocates lives for one batch, so a small young generation
 * costs it a few more, cheap, scavenges, and the process ~30 MiB less resident under a write load
 * (issue 16: measured 200 against 233-241 MiB peak after 30,000 create_room calls; bench/run.ts
 * section 5b). The old generation keeps V8's default limit.
 */
const WRITER_LIMITS = { maxYoungGenerationSizeMb: 4 };

export interface SqliteStoreOptions<C extends Command, R extends ResultMap<C>> {
  dataDir: string;
  /** The commands' rules and what the store must know of them (rooms/commands.ts). */
  runner: CommandRunner<C, R>;
  /**
   * The URL of the module that exports `runner` as `commandRunner`: the writer thread imports it
   * (a function cannot cross to a thread).
   */
  runnerModule: string;
  /**
   * For tests: a disk whose WAL flush never completes ("flush-hangs") or fails ("flush-fails"), to
   * show that no write is acknowledged before its flush.
   */
  diskFault?: "flush-hangs" | "flush-fails";
  /** Extra wait for concurrent writes to share a commit, in ms. */
  groupCommitWindowMs?: number;
  fileName?: string;
}

export interface SqliteStore<
  C extends Command = Command,
  R extends ResultMap<C> = ResultMap<C>,
> extends Store<C, R> {
  readonly path: string;
  /** Transactions committed and commands run in them: commits < jobs is the group commit at work. */
  stats(): { commits: number; jobs: number };
}

/**
 * The most write commands sent to the writer in one message: past it, the commands of one event-loop
 * turn go in parts (see `write`).
 */
const POST_AT_MOST = 32;

/** What crosses from the writer thread: a command's value, or why it failed. */
export type WriterResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; live: true; code: ErrorCode; message: string; clientCode?: number }
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

/** What the writer thread is started with. */
export interface WriterData {
  path: string;
  windowMs: number;
  runnerModule: string;
  diskFault?: "flush-hangs" | "flush-fails";
}

export type ToWriter = { type: "batch"; jobs: { id: number; cmd: Command }[] } | { type: "close" };

/**
 * SQLite, one process. Writes go to a writer thread that owns the write connection and group-commits
 * them, so the fsync of one batch never stops this thread from taking the next requests; reads use a
 * read-only connection here and see committed state only (WAL).
 */
export async function openSqliteStore<C extends Command, R extends ResultMap<C>>(
  opts: SqliteStoreOptions<C, R>,
): Promise<SqliteStore<C, R>> {
  const path = join(opts.dataDir, opts.fileName ?? "roomhook.db");
  const lock = lockDataFile(opts.dataDir, path);
  let worker: Worker;
  try {
    worker = startWorker(new URL("./sqlite-writer", import.meta.url), {
      path,
      windowMs: opts.groupCommitWindowMs ?? 0,
      runnerModule: opts.runnerModule,
      ...(opts.diskFault === undefined ? {} : { diskFault: opts.diskFault }),
    } satisfies WriterData);
  } catch (err) {
    lock.close();
    throw err;
  }
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  const readyListeners: ((ready: ReadyDelivery[]) => void)[] = [];
  const settingsListeners: ((appId: number) => void)[] = [];
  const eventListeners: ((events: StoredRoomEvent[]) => void)[] = [];
  const commitListeners: ((commands: number) => void)[] = [];
  let outgoing: { id: number; cmd: C }[] = [];
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
        for (const l of commitListeners) l(msg.results.length);
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

  try {
    await new Promise<void>((resolve, reject) => {
      onReady = { resolve, reject };
    });
  } catch (err) {
    lock.close();
    await worker.terminate();
    throw new StartupError(
      `cannot open the SQLite database ${path} (data directory: ROOMHOOK_DATA or --data): ${reasonOf(err)}`,
    );
  }
  // Opened after the writer ran the migrations.
  const reader = new Database(path, { readonly: true });
  reader.pragma("busy_timeout = 5000");
  const readTx = new SqlReader(sqliteExecutor(reader));

  const post = () => {
    if (outgoing.length === 0) return; // sent already, in a part of POST_AT_MOST
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
    onCommit(listener) {
      commitListeners.push(listener);
    },
    notReady: () => (failure === undefined ? undefined : `the SQLite writer failed: ${failure.message}`),
    read: (fn) => fn(readTx),
    write<K extends C>(cmd: K): Promise<R[K["op"]]> {
      if (failure !== undefined) return Promise.reject(failure);
      if (closing !== undefined) return Promise.reject(new Error("store is closed"));
      const id = nextId++;
      // Commands of one event-loop turn travel together: one message, one clone, one wake-up. A turn
      // that takes many requests (hundreds of connections) sends them on in parts, so that the writer
      // commits the first while this thread still reads the rest.
      if (outgoing.length === 0) setImmediate(post);
      outgoing.push({ id, cmd });
      if (outgoing.length >= POST_AT_MOST) post();
      const result = new Promise<R[K["op"]]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      });
      const appId = opts.runner.settingsApp(cmd);
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
        // The writer closes once its last flush is done; a disk that never completes one does not
        // hold the process forever (what was not flushed was not acknowledged either).
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]);
        await worker.terminate();
        lock.close();
      })();
      return closing;
    },
  };
}

/**
 * The database holds each app's callback token and Standard Webhooks secrets: readable by its owner
 * only, as the secret key file is. A new file is made so before SQLite opens it, an older one is made
 * so now, and SQLite gives its -wal and -shm files the database file's mode (those already there are
 * made so too). A file this user cannot change keeps its mode (SQLite says what else is wrong).
 */
function ownerOnly(path: string): void {
  try {
    closeSync(openSync(path, "a", 0o600));
  } catch {
    return;
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // absent (-wal, -shm), or not this user's
    }
  }
}

/**
 * Takes the data file's lock: `<file>.lock`, a SQLite file held in an exclusive transaction for as
 * long as the store is open. The operating system lets it go when the process ends, however it ends,
 * so a crash leaves no stale lock. A second process (or a second store in this one) on the same data
 * file is refused with a {@link StartupError} that says so.
 */
function lockDataFile(dataDir: string, path: string): Database.Database {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    throw new StartupError(
      `the data directory ${dataDir} cannot be written (${reasonOf(err)}): set ROOMHOOK_DATA (or --data) to a directory this user can write`,
    );
  }
  ownerOnly(path);
  let db: Database.Database;
  try {
    db = new Database(`${path}.lock`);
  } catch (err) {
    throw new StartupError(
      `cannot create ${path}.lock in the data directory (${reasonOf(err)}): set ROOMHOOK_DATA (or --data) to a directory this user can write`,
    );
  }
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY")
      throw new StartupError(
        `another roomhook process is using the data directory ${dataDir}: stop it, or give this one its own ROOMHOOK_DATA (or --data); several processes share data through PostgreSQL (DATABASE_URL)`,
      );
    throw new StartupError(`cannot lock ${path}.lock (ROOMHOOK_DATA or --data): ${reasonOf(err)}`);
  }
  return db;
}
