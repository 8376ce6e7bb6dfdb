import pg from "pg";
import { LiveError } from "../live-error.ts";
import type { Logger } from "../logger.ts";
import { StartupError, reasonOf, withoutPassword } from "../startup-error.ts";
import { migrate, type MigrationConnection } from "./migrate.ts";
import { pgMigrations } from "./schema-pg.ts";
import { SqlReader, SqlStoreTx, type LaneHooks, type SqlExecutor, type SqlValue } from "./sql-store.ts";
import {
  catalog,
  GROUPS,
  pgGroupFunction,
  pgGroupName,
  SQL,
  toPostgres,
  type Statement,
  type StatementGroup,
} from "./statements.ts";
import { toDelivery, type DeliveryRow } from "./rows.ts";
import type {
  Command,
  CommandPlan,
  CommandRunner,
  ReadyDelivery,
  ResultMap,
  SharedLanes,
  Store,
  StoredRoomEvent,
} from "./store.ts";

/**
 * What only PostgreSQL runs: delivery lanes shared by several processes (leases), the batch's
 * advisory locks and notifications. Everything else is the shared catalog (statements.ts).
 */
const PG = catalog({
  claimHeads: `SELECT * FROM roomhook_claim_heads(?, ?, ?, ?)`,
  laneRefresh: `SELECT roomhook_refresh_lane(?, ?, ?, ?)`,
  lockKeys: `SELECT roomhook_lock_keys(CAST(? AS TEXT[]))`,
  /** A transaction of commands committed asynchronously only (CommandRunner.asyncCommit). */
  asyncCommit: `SET LOCAL synchronous_commit TO OFF`,
  notify: `SELECT pg_notify(?, ?)`,
});

type PgValue = SqlValue | string[];

interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig<PgValue[]>): Promise<pg.QueryResult<R>>;
}

const pgText = new Map<string, string>();
function textOf(s: Statement): string {
  let t = pgText.get(s.name);
  if (t === undefined) {
    t = toPostgres(s.sql);
    pgText.set(s.name, t);
  }
  return t;
}

/**
 * The shared statements on PostgreSQL, each a named (prepared once per connection) statement. On a
 * pipelined connection, statements issued together go out without waiting for each other, and in one
 * write: the socket is corked until the current turn of the event loop's microtasks is over, so the
 * statements a batch's rules issue together cost one system call, not one each (pg writes each
 * statement on its own otherwise: a quarter of a process's CPU went to writev).
 */
export function pgExecutor(
  db: Queryable,
  socket?: { cork(): void; uncork(): void },
): SqlExecutor & {
  query<R extends pg.QueryResultRow>(s: Statement, values: PgValue[]): Promise<R[]>;
  /** A statement of the transaction's own (BEGIN, COMMIT, ROLLBACK), in the same write as the rest. */
  control(text: "BEGIN" | "COMMIT" | "ROLLBACK"): Promise<unknown>;
} {
  let corked = false;
  const cork = () => {
    if (socket === undefined || corked) return;
    corked = true;
    socket.cork();
    process.nextTick(() => {
      corked = false;
      socket.uncork();
    });
  };
  const send = <R extends pg.QueryResultRow>(s: Statement, values: PgValue[]) => {
    cork();
    return db.query<R>({ name: s.name, text: textOf(s), values });
  };
  const query = async <R extends pg.QueryResultRow>(s: Statement, values: PgValue[]) =>
    (await send<R>(s, values)).rows;
  return {
    query,
    control: (text) => {
      cork();
      return db.query({ text });
    },
    all: <R>(s: Statement, values: SqlValue[]) => query(s, values) as Promise<R[]>,
    group: <R>(g: StatementGroup, values: SqlValue[]) => query(call(g), values) as Promise<R[]>,
    run: async (s, values) => (await send(s, values)).rowCount ?? 0,
  };
}

/** The statement that calls a group's function (schema: migratePg), made once per group. */
const groupCalls = new Map<string, Statement>();
function call(g: StatementGroup): Statement {
  let st = groupCalls.get(g.name);
  if (st === undefined) {
    const fn = pgGroupName(g);
    st = { name: fn, sql: `SELECT * FROM ${fn}(${g.params.map(() => "?").join(", ")})` };
    groupCalls.set(g.name, st);
  }
  return st;
}

/** The socket of a pooled client (pg keeps it as `connection.stream`), to cork around a turn's writes. */
function socketOf(client: pg.PoolClient): { cork(): void; uncork(): void } | undefined {
  const stream = (client as unknown as { connection?: { stream?: { cork?: unknown; uncork?: unknown } } })
    .connection?.stream;
  return typeof stream?.cork === "function" && typeof stream.uncork === "function"
    ? (stream as { cork(): void; uncork(): void })
    : undefined;
}

/** Lanes shared through delivery_lanes: leases held by `nodeId` end when it records or releases. */
function sharedLaneHooks(nodeId: string): LaneHooks {
  return {
    node: nodeId,
    release: (x, appId, roomId) => x.all(PG.laneRefresh, [appId, roomId, nodeId, 1]),
    // In a fixed order: two transactions locking the same lanes never wait for each other in a circle.
    refill: async (x, lanes) => {
      const keys = new Map(lanes.map((l) => [`${l.appId}\u0000${l.roomId}`, l]));
      const sorted = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [, l] of sorted) await x.all(PG.laneRefresh, [l.appId, l.roomId, nodeId, 0]);
    },
  };
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
/**
 * Batches of one process in flight at once, and commands in one batch. One: the next batch gathers
 * while the last commits, as SQLite's writer does; measured (section 6), 2 and 3 in flight made
 * smaller batches and lowered the rate with several processes.
 */
const MAX_BATCHES = 1;
const MAX_BATCH = 200;

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

export interface PgStoreOptions<C extends Command, R extends ResultMap<C>> {
  url: string;
  poolSize: number;
  nodeId: string;
  logger: Logger;
  /** The commands' rules and what the store must know of them (rooms/commands.ts). */
  runner: CommandRunner<C, R>;
}

export interface PgStore<C extends Command = Command, R extends ResultMap<C> = ResultMap<C>> extends Store<
  C,
  R
> {
  readonly sharedLanes: SharedLanes;
}

/** The migration runner on one PostgreSQL connection; processes that start together wait their turn. */
function pgMigrationConnection(c: pg.PoolClient): MigrationConnection {
  const x = pgExecutor(c);
  return {
    exec: async (sql) => {
      await c.query(sql);
    },
    applied: async () => (await x.all<{ version: number }>(SQL.appliedMigrations, [])).map((r) => r.version),
    record: async (m, nowMs) => {
      await x.run(SQL.recordMigration, [m.version, m.name, nowMs]);
    },
    transaction: async (fn) => {
      await c.query("BEGIN");
      try {
        await fn();
        await c.query("COMMIT");
      } catch (e) {
        await c.query("ROLLBACK");
        throw e;
      }
    },
    exclusive: async (fn) => {
      await c.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await fn();
      } finally {
        await c.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
      }
    },
  };
}

export async function migratePg(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    const conn = pgMigrationConnection(c);
    await migrate(conn, pgMigrations, Date.now());
    // The groups' functions are made from the statement catalog, not kept in a migration: a changed
    // group is a new function (its name has the text's hash), so processes of two versions can run.
    await conn.exclusive(async () => {
      for (const g of Object.values(GROUPS)) await c.query(pgGroupFunction(g));
    });
  } finally {
    c.release();
  }
}

interface Job<C> {
  cmd: C;
  keys: string[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown; tx: SqlStoreTx } | { ok: false; error: unknown; tx: SqlStoreTx };

/**
 * PostgreSQL, several processes. A write command is run by its plan (store.ts CommandPlan): most join
 * the process's next batch, one transaction on one pipelined connection (group commit): the batch
 * takes its commands' advisory locks in one sorted order, runs them concurrently (commands with a
 * common key one after the other), then sends its notifications and COMMIT. Round trips are the
 * batch's, not each command's: the deepest rule's reads plus two. A command that fails without
 * writing fails alone; one that fails after writing, or a statement error (it aborts the whole
 * transaction), rolls the batch back and each command runs again in a transaction of its own.
 *
 * Room events reach the other processes through NOTIFY, sent inside the transaction, so they arrive
 * once it commits, in commit order. Delivery lanes are shared through leases (SharedLanes).
 */
export async function openPgStore<C extends Command, R extends ResultMap<C>>(
  opts: PgStoreOptions<C, R>,
): Promise<PgStore<C, R>> {
  const { logger, nodeId, runner } = opts;
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize, types, pipeline: true });
  pool.on("error", (err) => {
    logger.warn({ err }, "an idle PostgreSQL connection failed");
  });
  try {
    await migratePg(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw pgStartupError(opts.url, err);
  }

  const lanes = sharedLaneHooks(nodeId);
  const poolX = pgExecutor(pool);
  const readyListeners: ((ready: ReadyDelivery[]) => void)[] = [];
  const settingsListeners: ((appId: number) => void)[] = [];
  const eventListeners: ((events: StoredRoomEvent[]) => void)[] = [];
  const commitListeners: ((commands: number) => void)[] = [];
  const readTx = new SqlReader(poolX);
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

  /** What a committed transaction announces: its events (in order), ready deliveries, settings. */
  function announce(txs: SqlStoreTx[], settingsApps: number[]): void {
    const appended = txs.flatMap((t) => t.appended);
    const ready = txs.flatMap((t) => t.ready);
    if (appended.length > 0) void order(appended);
    if (ready.length > 0) for (const l of readyListeners) l(ready);
    for (const appId of settingsApps) for (const l of settingsListeners) l(appId);
  }

  /** NOTIFY for the other processes, sent just before COMMIT: they hear it when it commits. */
  function notifications(x: ReturnType<typeof pgExecutor>, txs: SqlStoreTx[], settingsApps: number[]) {
    const sent: Promise<unknown>[] = [];
    for (const a of settingsApps)
      sent.push(
        x.all(PG.notify, [SETTINGS_CHANNEL, JSON.stringify({ n: nodeId, a } satisfies SettingsMessage)]),
      );
    const appended = txs.flatMap((t) => t.appended);
    if (appended.length > 0)
      for (const payload of eventsPayloads(nodeId, appended))
        sent.push(x.all(PG.notify, [EVENTS_CHANNEL, payload]));
    return sent;
  }

  const settingsOf = (cmds: C[]) => [
    ...new Set(cmds.map((c) => runner.settingsApp(c)).filter((a): a is number => a !== undefined)),
  ];

  /** One command in a transaction of its own (after its keys' locks, when it has keys). */
  async function runAlone(cmd: C, keys: string[]): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      const x = pgExecutor(client, socketOf(client));
      const tx = new SqlStoreTx(x, lanes);
      let broken: Error | undefined;
      try {
        await x.control("BEGIN");
        if (runner.asyncCommit(cmd)) await x.query(PG.asyncCommit, []);
        if (keys.length > 0) await x.query(PG.lockKeys, [keys]);
        const value = await runner.run(tx, cmd);
        const settingsApps = settingsOf([cmd]);
        await Promise.all([...notifications(x, [tx], settingsApps), x.control("COMMIT")]);
        for (const l of commitListeners) l(1);
        announce([tx], settingsApps);
        return value;
      } catch (e) {
        try {
          await x.control("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        if (e instanceof LiveError) throw e;
        const code = (e as { code?: unknown }).code;
        if (typeof code === "string" && RETRYABLE.has(code) && attempt < MAX_TRIES) continue;
        throw e;
      } finally {
        client.release(broken);
      }
    }
  }

  /** A batch: one transaction, its commands concurrent but for those sharing a key. */
  async function runBatch(jobs: Job<C>[]): Promise<void> {
    const client = await pool.connect();
    const x = pgExecutor(client, socketOf(client));
    let broken: Error | undefined;
    let committing = false;
    try {
      // BEGIN and the locks leave in the same write as the commands' first statements. Should either
      // fail, the transaction is aborted and every statement after it fails too: the batch then rolls
      // back and its commands run alone.
      // A batch of asynchronously committed commands only (attempt records) does not wait for the
      // WAL's flush at COMMIT; one with any other command does.
      const asyncOnly = jobs.every((j) => runner.asyncCommit(j.cmd));
      const opened = Promise.all([
        x.control("BEGIN"),
        ...(asyncOnly ? [x.query(PG.asyncCommit, [])] : []),
        x.query(PG.lockKeys, [jobs.flatMap((j) => j.keys)]),
      ]);
      opened.catch(() => undefined);
      const tails = new Map<string, Promise<unknown>>();
      const outcomes = await Promise.all(
        jobs.map((job) => {
          const tx = new SqlStoreTx(x, lanes);
          const before = Promise.all(job.keys.map((k) => tails.get(k) ?? Promise.resolve()));
          const outcome: Promise<Outcome> = before
            .then(() => runner.run(tx, job.cmd))
            .then(
              (value) => ({ ok: true as const, value, tx }),
              (error: unknown) => ({ ok: false as const, error, tx }),
            );
          for (const k of job.keys) tails.set(k, outcome);
          return outcome;
        }),
      );
      await opened;
      const clean = outcomes.every((o) => o.ok || (o.error instanceof LiveError && !o.tx.wrote));
      if (clean) {
        const done = outcomes.filter((o) => o.ok).map((o) => o.tx);
        const settingsApps = settingsOf(jobs.filter((_, i) => outcomes[i]?.ok === true).map((j) => j.cmd));
        committing = true;
        await Promise.all([...notifications(x, done, settingsApps), x.control("COMMIT")]);
        for (const l of commitListeners) l(done.length);
        announce(done, settingsApps);
        outcomes.forEach((o, i) => {
          const job = jobs[i];
          if (job === undefined) return;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
        return;
      }
      const failed = outcomes.find((o) => !o.ok);
      logger.debug(
        { err: failed?.ok === false ? failed.error : undefined, commands: jobs.length },
        "a batch rolled back (a command failed after writing, or a statement failed); its commands run alone",
      );
      await x.control("ROLLBACK");
    } catch (e) {
      // BEGIN, the locks or COMMIT failed. After a failed COMMIT nothing is known of the outcome, as
      // with any lost connection: the callers are told it failed (100001); retrying is safe.
      if (committing) {
        broken = e as Error;
        for (const job of jobs) job.reject(e);
        return;
      }
      try {
        await x.control("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
    } finally {
      client.release(broken);
    }
    // Rolled back: each command again in a transaction of its own, in the order they came.
    for (const job of jobs) {
      try {
        job.resolve(await runAlone(job.cmd, job.keys));
      } catch (e) {
        job.reject(e);
      }
    }
  }

  const queue: Job<C>[] = [];
  let batches = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    while (batches < MAX_BATCHES && queue.length > 0) {
      batches++;
      void runBatch(queue.splice(0, MAX_BATCH)).finally(() => {
        batches--;
        pump();
      });
    }
  };

  function write<K extends C>(cmd: K): Promise<R[K["op"]]> {
    if (closed) return Promise.reject(new Error("store is closed"));
    const plan: CommandPlan = runner.plan(cmd);
    switch (plan.run) {
      case "statement":
        // One statement, atomic by itself: no BEGIN and COMMIT.
        return runner.run(new SqlStoreTx(poolX, lanes), cmd) as Promise<R[K["op"]]>;
      case "alone":
        return runAlone(cmd, []) as Promise<R[K["op"]]>;
      case "batched":
        return new Promise((resolve, reject) => {
          queue.push({ cmd, keys: plan.keys, resolve: resolve as (v: unknown) => void, reject });
          // Commands of one event-loop turn go together.
          if (!scheduled) {
            scheduled = true;
            setImmediate(pump);
          }
        });
    }
  }

  return {
    sharedLanes: {
      async claim(nowMs, limit, leaseUntilMs) {
        type Row = Omit<DeliveryRow, "id"> & {
          id: number | null;
          lane_app: number;
          lane_room: string;
          packet: string | null;
          client_ip: string;
          platform: string;
        };
        const rows = await poolX.query<Row>(PG.claimHeads, [nowMs, limit, nodeId, leaseUntilMs]);
        const heads: ReadyDelivery[] = [];
        const empty: { appId: number; roomId: string }[] = [];
        for (const r of rows) {
          const { id, packet } = r;
          if (id === null || packet === null || r.next_attempt_ms > nowMs)
            empty.push({ appId: r.lane_app, roomId: r.lane_room });
          else
            heads.push({
              id,
              appId: r.app_id,
              roomId: r.room_id,
              seq: r.seq,
              nextAttemptMs: r.next_attempt_ms,
              toSend: {
                ...toDelivery({ ...r, id }),
                body: packet,
                clientIp: r.client_ip,
                platform: r.platform,
              },
            });
        }
        // A lane whose head is gone (delivered elsewhere, killed) or not due: given back with its true due time.
        await Promise.all(empty.map((l) => lanes.release(poolX, l.appId, l.roomId)));
        return heads;
      },
    },
    onReadyDeliveries(listener) {
      readyListeners.push(listener);
    },
    onCommit(listener) {
      commitListeners.push(listener);
    },
    notReady: () =>
      listener === undefined && !closed
        ? "the PostgreSQL connection that listens for other processes' events is down (reconnecting every second)"
        : undefined,
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
      while (batches > 0 || queue.length > 0) await new Promise((r) => setTimeout(r, 5));
      await chain;
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

/**
 * The NOTIFY payloads that tell other processes of a transaction's events: the events themselves
 * when they fit in one payload (PostgreSQL's limit is 8000 bytes), else references to them (room and
 * sequence range, read back from the table), in as many payloads as it takes. The payloads of one
 * transaction are heard in order, at its commit.
 */
export function eventsPayloads(nodeId: string, events: StoredRoomEvent[]): string[] {
  const full = JSON.stringify({ n: nodeId, e: events } satisfies EventsMessage);
  if (Buffer.byteLength(full) <= MAX_PAYLOAD) return [full];
  const ref: { appId: number; roomId: string; fromSeq: number; count: number }[] = [];
  for (const e of events) {
    const last = ref.at(-1);
    if (last?.appId === e.appId && last.roomId === e.roomId && last.fromSeq + last.count === e.seq)
      last.count++;
    else ref.push({ appId: e.appId, roomId: e.roomId, fromSeq: e.seq, count: 1 });
  }
  const payloads: string[] = [];
  const overhead = Buffer.byteLength(JSON.stringify({ n: nodeId, ref: [] } satisfies EventsMessage));
  let chunk: typeof ref = [];
  let bytes = overhead;
  for (const r of ref) {
    const size = Buffer.byteLength(JSON.stringify(r)) + 1;
    if (chunk.length > 0 && bytes + size > MAX_PAYLOAD) {
      payloads.push(JSON.stringify({ n: nodeId, ref: chunk } satisfies EventsMessage));
      chunk = [];
      bytes = overhead;
    }
    chunk.push(r);
    bytes += size;
  }
  if (chunk.length > 0) payloads.push(JSON.stringify({ n: nodeId, ref: chunk } satisfies EventsMessage));
  return payloads;
}

/** Why PostgreSQL could not be used at start, in one line naming the setting. */
function pgStartupError(url: string, err: unknown): StartupError {
  const where = `PostgreSQL at ${withoutPassword(url)} (DATABASE_URL or --database-url)`;
  const code = (err as { code?: unknown }).code;
  const reason = reasonOf(err);
  if (code === "28P01" || code === "28000")
    return new StartupError(`${where} refused the user name or password: ${reason}`);
  if (code === "3D000")
    return new StartupError(`${where}: the database does not exist (${reason}); create it first`);
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code))
    return new StartupError(
      `${where} refused roomhook's migrations (${reason}); roomhook needs PostgreSQL 13 or later`,
    );
  return new StartupError(`cannot reach ${where}: ${reason}; is PostgreSQL running there?`);
}
