import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, startPostgres } from "../packages/server/test/support/postgres.ts";
import { ownerChangeLoad, prepare, startReceiver, startRoomhook, waitFor } from "./delivery.ts";
import type { Child } from "./support.ts";
import { benchBarePg, type BareRow } from "./pg-bare.ts";
import { cpuSeconds } from "./process-cpu.ts";

export interface ScaleRow {
  store: "SQLite" | "PostgreSQL";
  processes: number;
  changesPerSec: number;
  p50: number;
  p99: number;
  callbacksPerSecDuringRun: number;
  drainMs: number;
  acked: number;
  received: number;
  errors: number;
  /** CPU milliseconds per owner change (its callback included) in roomhook's processes, and PostgreSQL's. */
  cpuMsPerChange: { roomhook: number; postgres: number };
}

/**
 * Issue 6: owner changes/s and callbacks/s with 1, 2 and 3 processes on one PostgreSQL (durable
 * settings: fsync and synchronous_commit on), beside one process on SQLite, in the same run. The load
 * is 50 connections in all, split over the processes, each on its own rooms; every process dispatches.
 */
export async function benchScaleOut(opts: {
  seconds: number;
  processes: number[];
}): Promise<{ rows: ScaleRow[]; bare: BareRow }> {
  const rows: ScaleRow[] = [];
  const pgServer = await startPostgres({ durable: true });
  let bare: BareRow;
  try {
    bare = await benchBarePg({ adminUrl: pgServer.adminUrl, seconds: opts.seconds });
    rows.push(await measure({ store: "SQLite", processes: 1, seconds: opts.seconds, adminUrl: "" }));
    for (const n of opts.processes)
      rows.push(
        await measure({
          store: "PostgreSQL",
          processes: n,
          seconds: opts.seconds,
          adminUrl: pgServer.adminUrl,
        }),
      );
  } finally {
    await pgServer.stop();
  }
  return { rows, bare };
}

async function measure(o: {
  store: "SQLite" | "PostgreSQL";
  processes: number;
  seconds: number;
  adminUrl: string;
}): Promise<ScaleRow> {
  const dirs = Array.from({ length: o.processes }, () => mkdtempSync(join(tmpdir(), "roomhook-bench-")));
  const rx = await startReceiver();
  let env: Record<string, string> = {};
  if (o.store === "PostgreSQL")
    env = { DATABASE_URL: await createDatabase(o.adminUrl, `bench_${o.processes}`) };
  const procs: Child[] = [];
  try {
    for (const d of dirs) procs.push(await startRoomhook(d, env));
    const first = procs[0];
    if (first === undefined) throw new Error("no process");
    const { pool, q } = await prepare(first, rx.url);
    await pool.close();
    rx.reset();
    const per = Math.max(1, Math.round(50 / procs.length));
    const pids = procs.map((p) => p.child.pid ?? 0);
    const cpuBefore = cpuSeconds(pids);
    const results = await Promise.all(
      procs.map((p, k) =>
        ownerChangeLoad(
          p.url,
          q,
          { duration: o.seconds },
          { connections: per, offset: k, stride: procs.length },
        ),
      ),
    );
    const duringRun = rx.count();
    const cpuAfter = cpuSeconds(pids);
    const acked = results.reduce((a, r) => a + r["2xx"], 0);
    const drainStart = Date.now();
    await waitFor(() => rx.count() >= acked, 120_000);
    const weighted = (f: (r: (typeof results)[number]) => number) =>
      results.reduce((a, r) => a + f(r) * r.requests.total, 0) /
      Math.max(
        1,
        results.reduce((a, r) => a + r.requests.total, 0),
      );
    return {
      store: o.store,
      processes: o.processes,
      changesPerSec: results.reduce((a, r) => a + r.requests.average, 0),
      p50: Math.round(weighted((r) => r.latency.p50) * 10) / 10,
      p99: Math.round(weighted((r) => r.latency.p99) * 10) / 10,
      callbacksPerSecDuringRun: duringRun / o.seconds,
      drainMs: Date.now() - drainStart,
      acked,
      received: rx.count(),
      errors: results.reduce((a, r) => a + r.errors + r.timeouts + r.non2xx, 0),
      cpuMsPerChange: {
        roomhook:
          Math.round(((cpuAfter.roomhook - cpuBefore.roomhook) * 1000 * 100) / Math.max(1, acked)) / 100,
        postgres:
          Math.round(((cpuAfter.postgres - cpuBefore.postgres) * 1000 * 100) / Math.max(1, acked)) / 100,
      },
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await rx.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
