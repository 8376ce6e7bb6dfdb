import { closeSync, fdatasync, fstatSync, openSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { parentPort, workerData } from "node:worker_threads";
import { CommitSync } from "./commit-sync.ts";
import type { Command, CommandRunner, ReadyDelivery, StoredRoomEvent } from "./store.ts";
import { LiveError } from "../live-error.ts";
import { migrate } from "./migrate.ts";
import { sqliteMigrations } from "./schema-sqlite.ts";
import { NO_SHARED_LANES, SqlStoreTx } from "./sql-store.ts";
import {
  openWriteConnection,
  sqliteExecutor,
  sqliteMigrationConnection,
  type ToWriter,
  type WriterData,
  type WriterMessage,
  type WriterResult,
} from "./sqlite-store.ts";

/**
 * The SQLite writer thread: owns the write connection and group-commits. Commands that arrive
 * together share one transaction and one fsync; each runs in its own savepoint, so one that fails is
 * rolled back alone. Results go back only after the COMMIT returned and the WAL was flushed to disk
 * (fdatasync, see syncWal): durable before acknowledged. The exception is a command the runner commits
 * asynchronously (CommandRunner.asyncCommit: a delivery's attempt record): it is answered right after
 * the COMMIT, and a batch of only such commands asks for no flush of its own (the next flush, or
 * SQLite's own before a checkpoint, covers it: a WAL is flushed as a prefix).
 */

const port = (() => {
  if (parentPort === null) throw new Error("sqlite-writer must run as a worker thread");
  return parentPort;
})();
const { path, windowMs, runnerModule, diskFault } = workerData as WriterData;

// The thread's name as `top -H`, `ps -L` and /proc/<pid>/task show it (Linux: at most 15 bytes), so an
// operator, and the benchmarks' CPU accounting, can tell it from the main thread and V8's helpers, all
// called "node". A synchronous write runs on this thread itself. Elsewhere there is no such file.
try {
  writeFileSync("/proc/thread-self/comm", "roomhook-writer");
} catch {
  // not Linux, or /proc not mounted: the thread keeps its name
}

const send = (msg: WriterMessage) => {
  port.postMessage(msg);
};

let db: ReturnType<typeof openWriteConnection>;
let runner: CommandRunner;
try {
  db = openWriteConnection(path);
  await migrate(sqliteMigrationConnection(db), sqliteMigrations, Date.now());
  runner = ((await import(runnerModule)) as { commandRunner: CommandRunner }).commandRunner;
} catch (e) {
  send({ type: "fatal", message: (e as Error).message });
  throw e;
}
const x = sqliteExecutor(db);
let tx = new SqlStoreTx(x, NO_SHARED_LANES);
const fdatasyncAsync = promisify(fdatasync);
/**
 * The WAL file, open for as long as the writer runs (an open and a close per flush were two more trips
 * through libuv's thread pool, a third of the flush's time on a busy machine). SQLite keeps the file
 * while a connection is open (it resets the WAL in place, it never replaces it); should it ever be
 * removed all the same (no link left), it is opened afresh, so the flush is always of the file SQLite
 * writes.
 */
let walFd: number | undefined;
function walFile(): number {
  if (walFd !== undefined && fstatSync(walFd).nlink > 0) return walFd;
  if (walFd !== undefined) closeSync(walFd);
  walFd = undefined;
  walFd = openSync(`${path}-wal`, "r");
  return walFd;
}
/** fdatasync of the WAL file: what SQLite's synchronous=FULL does on Linux (data and size, not mtime). */
async function syncWal(): Promise<void> {
  if (diskFault === "flush-hangs") return new Promise<void>(() => undefined);
  if (diskFault === "flush-fails")
    throw new Error("EIO: the WAL could not be flushed (simulated disk fault)");
  await fdatasyncAsync(walFile());
}
/**
 * How many WAL flushes may be under way at once (commit-sync.ts): each uses one of libuv's four
 * pool threads while it waits for the disk, so one is always left to the rest of the process.
 */
const FLUSHES_IN_FLIGHT = 3;
interface Committed {
  results: WriterResult[];
  ready: ReadyDelivery[];
  events: StoredRoomEvent[];
}
const sync = new CommitSync<Committed>({
  maxInFlight: FLUSHES_IN_FLIGHT,
  fsync: syncWal,
  release: (batches) => {
    send({
      type: "results",
      results: batches.flatMap((b) => b.results),
      ready: batches.flatMap((b) => b.ready),
      events: batches.flatMap((b) => b.events),
      stats,
    });
  },
  // The batch is committed but not known to be on disk: its callers are told it failed (100001),
  // as an I/O error at COMMIT would tell them. Retrying is safe: a repeated owner change is a no-op.
  // What it committed is in the database all the same: its callbacks and pushes go out now, not after
  // a restart (a receiver may then hear of a change whose caller was told it failed: at least once).
  fail: (batches, error) => {
    send({
      type: "results",
      results: batches.flatMap((b) => b.results).map((r) => failure(r.id, error)),
      ready: batches.flatMap((b) => b.ready),
      events: batches.flatMap((b) => b.events),
      stats,
    });
  },
});
const stmt = {
  begin: db.prepare("BEGIN IMMEDIATE"),
  commit: db.prepare("COMMIT"),
  rollback: db.prepare("ROLLBACK"),
  savepoint: db.prepare("SAVEPOINT job"),
  release: db.prepare("RELEASE job"),
  rollbackTo: db.prepare("ROLLBACK TO job"),
};
const stats = { commits: 0, jobs: 0 };
let queue: { id: number; cmd: Command }[] = [];
let scheduled = false;
let running = false;
let closeRequested = false;

function failure(id: number, error: unknown): WriterResult {
  if (error instanceof LiveError) {
    const r: WriterResult = { id, ok: false, live: true, code: error.code, message: error.message };
    // Crosses the thread as data: the client path's own code travels with it.
    if (error.clientCode !== undefined) r.clientCode = error.clientCode;
    return r;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    id,
    ok: false,
    live: false,
    message: e.message,
    ...(e.stack === undefined ? {} : { stack: e.stack }),
  };
}

async function flush(): Promise<void> {
  const batch = queue;
  queue = [];
  const results: WriterResult[] = [];
  /** Results of commands committed asynchronously: sent once the COMMIT returned. */
  const early: WriterResult[] = [];
  try {
    stmt.begin.run();
    for (const job of batch) {
      const readyMark = tx.ready.length;
      const eventsMark = tx.appended.length;
      const out = runner.asyncCommit(job.cmd) ? early : results;
      stmt.savepoint.run();
      try {
        // SQLite calls are synchronous: this await only unwraps already-resolved promises.
        const value = await runner.run(tx, job.cmd);
        stmt.release.run();
        out.push({ id: job.id, ok: true, value });
      } catch (error) {
        stmt.rollbackTo.run();
        stmt.release.run();
        tx.ready.length = readyMark;
        tx.appended.length = eventsMark;
        out.push(failure(job.id, error));
      }
    }
    stmt.commit.run();
    stats.commits++;
    stats.jobs += batch.length;
  } catch (error) {
    // BEGIN or COMMIT failed (I/O error, disk full): nothing of this batch is durable.
    if (db.inTransaction) stmt.rollback.run();
    tx = new SqlStoreTx(x, NO_SHARED_LANES);
    send({
      type: "results",
      results: batch.map((job) => failure(job.id, error)),
      ready: [],
      events: [],
      stats,
    });
    return;
  }
  const { ready, appended: events } = tx;
  tx = new SqlStoreTx(x, NO_SHARED_LANES);
  if (early.length > 0) send({ type: "results", results: early, ready: [], events: [], stats });
  // What the flushed commands made (their deliveries, their room events) waits for the flush too.
  if (results.length > 0 || ready.length > 0 || events.length > 0)
    sync.committed([{ results, ready, events }]);
}

function schedule(): void {
  if (scheduled || running) return;
  scheduled = true;
  const go = () => {
    scheduled = false;
    running = true;
    void flush().finally(() => {
      running = false;
      if (queue.length > 0) schedule();
      else if (closeRequested) closeWhenSynced();
    });
  };
  if (windowMs > 0) setTimeout(go, windowMs);
  else setImmediate(go);
}

function closeWhenSynced(): void {
  if (sync.idle) close();
  else setTimeout(closeWhenSynced, 1);
}

function close(): void {
  if (walFd !== undefined) closeSync(walFd);
  walFd = undefined;
  db.close();
  send({ type: "closed" });
  port.close();
}

port.on("message", (msg: ToWriter) => {
  if (msg.type === "batch") {
    for (const job of msg.jobs) queue.push(job);
    schedule();
  } else {
    closeRequested = true;
    if (!scheduled && !running && queue.length === 0) closeWhenSynced();
  }
});

send({ type: "ready" });
