import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import autocannon from "autocannon";
import { genUserSig } from "@roomhook/protocol";
import { postAtFullSpeed } from "./bare-sender.ts";
import { processCpu } from "./process-cpu.ts";
import { median, startChild, type Child } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;
const ROOMS = 1000;
/** The server's entry; BENCH_SERVER_MAIN: another checkout's, to compare two versions in one run. */
const MAIN =
  process.env.BENCH_SERVER_MAIN ?? fileURLToPath(new URL("../packages/server/src/main.ts", import.meta.url));

/** A bare App backend: counts callbacks, notes commit-to-arrival latency (EventTime is in ms), answers OK. */
export async function startReceiver(port = 0) {
  const latencies: number[] = [];
  let count = 0;
  let firstAt: number | undefined;
  let lastAt: number | undefined;
  /** performance.now() of each callback since the last reset. */
  const arrivals: number[] = [];
  // Per room, the last sequence number received (roomhook-sequence): a lower or equal one is out of order.
  const lastSeq = new Map<string, number>();
  let outOfOrder = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count++;
      lastAt = performance.now();
      firstAt ??= lastAt;
      arrivals.push(lastAt);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        EventTime?: number;
        RoomId?: string;
      };
      if (typeof body.EventTime === "number") latencies.push(Date.now() - body.EventTime);
      const seq = Number(req.headers["roomhook-sequence"]);
      if (body.RoomId !== undefined && !Number.isNaN(seq)) {
        if (seq <= (lastSeq.get(body.RoomId) ?? 0)) outOfOrder++;
        lastSeq.set(body.RoomId, seq);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}');
    });
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    /** performance.now() of the first and the last callback since the last reset. */
    firstAt: () => firstAt,
    lastAt: () => lastAt,
    /** performance.now() of the n-th callback (from 1) since the last reset. */
    arrivalAt: (n: number) => arrivals[n - 1],
    /** Whether every room's callbacks came in sequence order, each once, since the last reset. */
    inOrder: () => outOfOrder === 0,
    latencies,
    reset() {
      count = 0;
      latencies.length = 0;
      firstAt = undefined;
      lastAt = undefined;
      arrivals.length = 0;
      lastSeq.clear();
      outOfOrder = 0;
    },
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
}

const query = () =>
  `sdkappid=${APP}&identifier=administrator&usersig=${genUserSig({ sdkAppId: APP, key: KEY, identifier: "administrator", expire: 86400 })}&random=7&contenttype=json`;

async function api(pool: Pool, q: string, service: string, command: string, body: unknown): Promise<void> {
  const res = await pool.request({
    path: `/v4/${service}/${command}?${q}`,
    method: "POST",
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (!text.includes('"ErrorCode":0')) throw new Error(`${command}: ${text}`);
}

export async function startRoomhook(
  dataDir: string,
  env: Record<string, string> = {},
  main: string = MAIN,
): Promise<Child> {
  return startChild(main, {
    ROOMHOOK_PORT: "0",
    ROOMHOOK_DATA: dataDir,
    ROOMHOOK_SECRET_KEY: KEY,
    ROOMHOOK_LOG_LEVEL: "warn",
    ...env,
  });
}

/** The bench's rooms, with the owner-change callback to the receiver unless `callbacks` is false. */
export async function prepare(
  server: Child,
  receiverUrl: string,
  callbacks = true,
): Promise<{ pool: Pool; q: string }> {
  const pool = new Pool(server.url, { connections: 8 });
  const q = query();
  if (callbacks)
    await api(pool, q, "live_config", "set_callback", {
      Url: receiverUrl,
      CallbackCommandList: ["Live.CallbackAfterChangeOwner"],
    });
  for (let r = 0; r < ROOMS; r++) {
    await api(pool, q, "live_engine_http_srv", "create_room", {
      RoomInfo: { RoomId: `b${r}`, RoomType: "Live", Owner_Account: "o" },
    });
  }
  return { pool, q };
}

/**
 * autocannon, change_room_owner rotating over the rooms: for a duration or an amount. Several loads at
 * once (one per process) take every `stride`-th room from `offset`, so they do not queue on one room.
 */
export function ownerChangeLoad(
  url: string,
  q: string,
  until: { duration: number } | { amount: number },
  spread: { connections: number; offset: number; stride: number } = { connections: 50, offset: 0, stride: 1 },
) {
  let i = 0;
  const next = () => (i++ * spread.stride + spread.offset) % ROOMS;
  return autocannon({
    url,
    connections: spread.connections,
    ...until,
    requests: [
      {
        method: "POST",
        path: `/v4/live_engine_http_srv/change_room_owner?${q}`,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ RoomId: `b${next()}`, NewOwner_Account: `u${i}` }),
        }),
      },
    ],
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

/** Baseline: undici Pool posting the same packet to the same receiver, 100 in flight. */
export async function benchBareSender(seconds: number): Promise<number> {
  return (await bareSender(seconds)).perSec;
}

/** The bare sender's rate, and the CPU of this process (sender and receiver) per post, µs. */
export async function bareSender(seconds: number): Promise<{ perSec: number; cpuUsPerPost: number }> {
  const rx = await startReceiver();
  try {
    return await postAtFullSpeed(rx.url, seconds, 100);
  } finally {
    await rx.close();
  }
}

/** DESIGN target 3: commit to receiver, p50 and p99, at 1,000 owner changes/s (open loop). */
export async function benchLatency(seconds: number, rate = 1000) {
  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
  const rx = await startReceiver();
  const server = await startRoomhook(dataDir);
  try {
    const { pool, q } = await prepare(server, rx.url);
    await waitFor(() => false, 200);
    rx.reset();
    const total = rate * seconds;
    const start = Date.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 1) await sleep(wait);
      pending.push(
        api(pool, q, "live_engine_http_srv", "change_room_owner", {
          RoomId: `b${i % ROOMS}`,
          NewOwner_Account: `u${i}`,
        }),
      );
    }
    await Promise.all(pending);
    await waitFor(() => rx.count() >= total, 30_000);
    await pool.close();
    return { sent: total, received: rx.count(), p50: pct(rx.latencies, 0.5), p99: pct(rx.latencies, 0.99) };
  } finally {
    await server.stop();
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One run of owner changes at full speed (50 connections) on a fresh server, callbacks on or off. */
async function sustainedRound(seconds: number, callbacks: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
  const rx = await startReceiver();
  const server = await startRoomhook(dataDir);
  try {
    const { pool, q } = await prepare(server, rx.url, callbacks);
    await pool.close();
    rx.reset();
    // CPU over the load: the server (all threads, and its main thread) and this process (autocannon
    // and, with callbacks on, the receiver), against the machine's cores.
    const pid = server.child.pid;
    const server0 = processCpu(pid);
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await ownerChangeLoad(server.url, q, { duration: seconds });
    const wall = (performance.now() - t0) / 1000;
    const server1 = processCpu(pid);
    const bench = process.cpuUsage(bench0);
    const duringRun = rx.count();
    const acked = result["2xx"];
    const drainStart = Date.now();
    if (callbacks) await waitFor(() => rx.count() >= acked, 60_000);
    const changes = Math.max(1, result["2xx"]);
    const benchSeconds = (bench.user + bench.system) / 1e6;
    return {
      changesPerSec: result.requests.average,
      cpu: {
        /** µs of CPU per owner change: every server thread, its main thread, and the bench process. */
        serverUs: ((server1.all - server0.all) / changes) * 1e6,
        serverMainUs: ((server1.main - server0.main) / changes) * 1e6,
        benchUs: (benchSeconds / changes) * 1e6,
        /** Share of the machine's cores busy with the server and the bench process together. */
        machineBusy: (server1.all - server0.all + benchSeconds) / wall / availableParallelism(),
      },
      deliveredPerSecDuringRun: duringRun / seconds,
      backlogAtEnd: callbacks ? acked - duringRun : 0,
      drainMs: Date.now() - drainStart,
      received: rx.count(),
      acked,
      errors: result.errors + result.non2xx,
    };
  } finally {
    await server.stop();
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * DESIGN target 2: owner changes as fast as 50 connections send them, with the owner-change callback
 * switched on (delivered to a bare receiver in the bench process) and with no callback configured, in
 * alternating rounds on fresh servers; the medians are compared. Target: with callbacks on, at least
 * 80% of the rate without.
 */
export async function benchSustained(opts: { seconds: number; rounds: number }) {
  const on: Awaited<ReturnType<typeof sustainedRound>>[] = [];
  const off: Awaited<ReturnType<typeof sustainedRound>>[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    on.push(await sustainedRound(opts.seconds, true));
    off.push(await sustainedRound(opts.seconds, false));
  }
  const middle = (xs: typeof on) => {
    const m = [...xs].sort((a, b) => a.changesPerSec - b.changesPerSec)[Math.floor(xs.length / 2)];
    if (m === undefined) throw new Error("no rounds");
    return m;
  };
  const mid = middle(on);
  const offMid = middle(off);
  const offRate = median(off.map((o) => o.changesPerSec));
  return { ...mid, offPerSec: offRate, offCpu: offMid.cpu, ratio: mid.changesPerSec / offRate };
}
