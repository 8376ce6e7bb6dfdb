import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { genUserSig } from "@roomhook/protocol";
import { processCpu } from "./process-cpu.ts";
import { load, median, startChild, type LoadResult } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;
const ROOMS = 1000;

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST" }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        resolve(text);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A load run with the CPU the server process used meanwhile (read from /proc, Linux). */
export interface ServerLoadResult extends LoadResult {
  /** The server process's CPU during the run, in cores (all its threads). */
  serverCpu: number;
  /** Its main (HTTP) thread's share of that, in cores; the rest is the writer thread, fsyncs and GC. */
  serverMainCpu: number;
}

/** One connection count: both sides at the same number of connections, in the same rounds. */
export interface OwnerChangeAt {
  connections: number;
  bare: ServerLoadResult;
  roomhook: ServerLoadResult;
  ratio: number;
}

export interface OwnerChangeBench {
  /** At the first of BENCH_REST_CONNECTIONS (default 50: DESIGN.md target 1). */
  bare: ServerLoadResult;
  roomhook: ServerLoadResult;
  ratio: number;
  /** roomhook at ROOMHOOK_LOG_LEVEL=info (a JSON line per call, to a file), and its ratio to warn. */
  logged: ServerLoadResult;
  loggedRatio: number;
  /** Every connection count of BENCH_REST_CONNECTIONS, the first included. */
  byConnections: OwnerChangeAt[];
  commitsPerSecond?: number;
}

/** `load()` against a child server, with the CPU that server used meanwhile. */
async function loadServer(
  pid: number | undefined,
  opts: Parameters<typeof load>[0],
): Promise<ServerLoadResult> {
  const before = processCpu(pid);
  const t0 = performance.now();
  const r = await load(opts);
  const wall = (performance.now() - t0) / 1000;
  const after = processCpu(pid);
  return {
    ...r,
    serverCpu: (after.all - before.all) / wall,
    serverMainCpu: (after.main - before.main) / wall,
  };
}

/** BENCH_REST_CONNECTIONS: the connection counts, comma-separated (default 50,200: DESIGN.md target 1 is at 50; issue 16 asks for 200 too). */
export function restConnections(): number[] {
  const list = (process.env.BENCH_REST_CONNECTIONS ?? "50,200")
    .split(",")
    .map((c) => Number(c.trim()))
    .filter((c) => Number.isInteger(c) && c > 0);
  return list.length > 0 ? list : [50];
}

/**
 * Target 1 of DESIGN.md: REST change_room_owner with a valid UserSig and a durable commit, at 50
 * connections, against a bare node:http server answering the same request shape, in the same run.
 * Each side runs `rounds` times, alternating, and the medians are compared. With several connection
 * counts (BENCH_REST_CONNECTIONS, e.g. `50,200`), each server of a round is loaded at each count in
 * turn; the log-level comparison runs at the first count only.
 */
export async function benchChangeOwner(opts: {
  seconds: number;
  rounds: number;
  connections?: number[];
}): Promise<OwnerChangeBench> {
  const connections = opts.connections ?? restConnections();
  const userSig = genUserSig({ sdkAppId: APP, key: KEY, identifier: "administrator", expire: 86400 });
  const query = `sdkappid=${APP}&identifier=administrator&usersig=${userSig}&random=7&contenttype=json`;
  const path = `/v4/live_engine_http_srv/change_room_owner?${query}`;
  const body = (i: number) => JSON.stringify({ RoomId: `bench-${i % ROOMS}`, NewOwner_Account: `user${i}` });

  const bareRuns = connections.map((): ServerLoadResult[] => []);
  const roomhookRuns = connections.map((): ServerLoadResult[] => []);
  const loggedRuns: ServerLoadResult[] = [];

  /**
   * One round of roomhook at a log level, loaded at each of `counts` connections in turn; at info its
   * log goes to a file, as under a log shipper.
   */
  async function runRoomhook(level: "warn" | "info", counts: number[]): Promise<ServerLoadResult[]> {
    const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
    const logFd = openSync(join(dataDir, "roomhook.log"), "w");
    const server = await startChild(
      fileURLToPath(new URL("../packages/server/src/main.ts", import.meta.url)),
      {
        ROOMHOOK_PORT: "0",
        ROOMHOOK_DATA: dataDir,
        ROOMHOOK_SECRET_KEY: KEY,
        ROOMHOOK_LOG_LEVEL: level,
      },
      level === "info" ? logFd : "inherit",
    );
    try {
      for (let r = 0; r < ROOMS; r++) {
        const res = await post(
          `${server.url}/v4/live_engine_http_srv/create_room?${query}`,
          JSON.stringify({ RoomInfo: { RoomId: `bench-${r}`, RoomType: "Live", Owner_Account: "owner0" } }),
        );
        if (!res.includes('"ErrorCode":0')) throw new Error(`create_room failed: ${res}`);
      }
      const runs: ServerLoadResult[] = [];
      for (const c of counts)
        runs.push(
          await loadServer(server.child.pid, {
            url: server.url,
            path,
            body,
            seconds: opts.seconds,
            connections: c,
          }),
        );
      // Every answer must be a success: a benchmark of failures measures nothing.
      const check = await post(`${server.url}${path}`, body(1));
      if (!check.includes('"ErrorCode":0')) throw new Error(`change_room_owner failed: ${check}`);
      return runs;
    } finally {
      await server.stop();
      closeSync(logFd);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  for (let round = 0; round < opts.rounds; round++) {
    const bare = await startChild(fileURLToPath(new URL("./bare-server.ts", import.meta.url)));
    try {
      for (const [k, c] of connections.entries())
        bareRuns[k]?.push(
          await loadServer(bare.child.pid, {
            url: bare.url,
            path,
            body,
            seconds: opts.seconds,
            connections: c,
          }),
        );
    } finally {
      await bare.stop();
    }

    for (const [k, r] of (await runRoomhook("warn", connections)).entries()) roomhookRuns[k]?.push(r);
    loggedRuns.push(...(await runRoomhook("info", connections.slice(0, 1))));
  }
  const pick = (runs: ServerLoadResult[]): ServerLoadResult => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    requests: runs.reduce((a, r) => a + r.requests, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    loadCpu: median(runs.map((r) => r.loadCpu ?? 0)),
    serverCpu: median(runs.map((r) => r.serverCpu)),
    serverMainCpu: median(runs.map((r) => r.serverMainCpu)),
  });
  const byConnections = connections.map((c, k): OwnerChangeAt => {
    const bare = pick(bareRuns[k] ?? []);
    const roomhook = pick(roomhookRuns[k] ?? []);
    return { connections: c, bare, roomhook, ratio: roomhook.rps / bare.rps };
  });
  const first = byConnections[0];
  if (first === undefined) throw new Error("no connection count to measure");
  const logged = pick(loggedRuns);
  return {
    bare: first.bare,
    roomhook: first.roomhook,
    ratio: first.ratio,
    logged,
    loggedRatio: logged.rps / first.roomhook.rps,
    byConnections,
  };
}

/**
 * The figures of each connection count, a line per side: req/s, latency, and the CPU of the server
 * and of the load generator (autocannon, in the bench process, on the same cores).
 */
export function formatByConnections(b: OwnerChangeBench): string[] {
  const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
  const cpu = (r: ServerLoadResult) =>
    `cpu: server ${r.serverCpu.toFixed(2)} (main thread ${r.serverMainCpu.toFixed(2)}), autocannon ${(r.loadCpu ?? 0).toFixed(2)} cores`;
  return b.byConnections.flatMap((c) => [
    `   ${c.connections} connections: roomhook ${(c.ratio * 100).toFixed(0)}% of bare`,
    `     bare:     ${fmt(c.bare.rps)} req/s  p50 ${c.bare.p50} ms  p99 ${c.bare.p99} ms  ${cpu(c.bare)}`,
    `     roomhook: ${fmt(c.roomhook.rps)} req/s  p50 ${c.roomhook.p50} ms  p99 ${c.roomhook.p99} ms  ${cpu(c.roomhook)}`,
  ]);
}
