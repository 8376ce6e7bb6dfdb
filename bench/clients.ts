import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { median, startChild, type Child } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

function ask(ws: WebSocket, frame: Record<string, unknown>): Promise<{ code: number }> {
  return new Promise((resolve) => {
    const on = (d: Buffer) => {
      const f = JSON.parse(d.toString()) as { id?: unknown; code: number };
      if (f.id === frame.id) {
        ws.off("message", on);
        resolve(f);
      }
    };
    ws.on("message", on);
    ws.send(JSON.stringify(frame));
  });
}

/** Opens `n` connections, 100 at a time; each logs in as user<first + i> (or only pings, on the bare server). */
async function openMany(url: string, n: number, login: boolean, first = 0): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, j) => {
        const ws = await connect(url);
        const userId = `user${first + i + j}`;
        const r = await ask(
          ws,
          login
            ? {
                id: 1,
                op: "login",
                sdkAppId: APP,
                userId,
                userSig: genUserSig({ sdkAppId: APP, key: KEY, identifier: userId, expire: 3600 }),
                platform: "Web",
              }
            : { id: 1, op: "ping" },
        );
        if (r.code !== 0) throw new Error(`login failed: ${JSON.stringify(r)}`);
        return ws;
      }),
    );
    out.push(...batch);
  }
  return out;
}

/** The server's entry; BENCH_SERVER_MAIN: another checkout's, to compare two versions in one run. */
const MAIN =
  process.env.BENCH_SERVER_MAIN ?? fileURLToPath(new URL("../packages/server/src/main.ts", import.meta.url));

const rssKb = (pid: number | undefined) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);

/** Connections opened (and kept) before the first reading, so that one-time costs are not counted. */
const WARM = 500;

/**
 * Loaded first in both servers (bare and roomhook) by the same flags, so that both are read the same
 * way and the server under test holds no bench-only code. On SIGUSR2 it runs full garbage collections
 * (what a handshake or a login left, zlib's inflate buffers included, is not what a connection
 * holds), then prints a Reading on a line of its own.
 */
const PROBE = `
import { getHeapSpaceStatistics } from "node:v8";
const settle = () => new Promise((r) => setTimeout(r, 50));
process.on("SIGUSR2", async () => {
  for (let i = 0; i < 3; i++) { globalThis.gc(); await settle(); }
  const { rss, heapUsed, external } = process.memoryUsage();
  const spaces = getHeapSpaceStatistics();
  const sum = (names, field) =>
    spaces.filter((s) => names.includes(s.space_name)).reduce((n, s) => n + s[field], 0);
  const young = sum(["new_space", "new_large_object_space"], "physical_space_size");
  const code = sum(["code_space", "code_large_object_space"], "space_used_size");
  process.stdout.write("bench-memory " + JSON.stringify({ rss, heapUsed, external, young, code }) + "\\n");
});
`;

/** One reading of a server's memory by its probe, after full GCs (bytes). */
interface Reading {
  rss: number;
  heapUsed: number;
  external: number;
  /**
   * The resident part of V8's young generation. After a full GC it holds next to nothing, but its
   * size follows the allocation rate (V8 grows it to 32 MB in a burst of logins and keeps the
   * pages): a fixed cost of a busy process, whatever the number of connections.
   */
  young: number;
  /** Compiled code in the V8 heap: it grows as the server's code is optimized, not with connections. */
  code: number;
}

/** Starts a server with the probe (and --expose-gc for it) before BENCH_CHILD_ARGS's own flags. */
async function startProbed(entry: string, env: Record<string, string> = {}): Promise<Child> {
  const saved = process.env.BENCH_CHILD_ARGS;
  const probe = `data:text/javascript;base64,${Buffer.from(PROBE).toString("base64")}`;
  process.env.BENCH_CHILD_ARGS = `--expose-gc --import ${probe} ${saved ?? ""}`;
  try {
    return await startChild(entry, env);
  } finally {
    if (saved === undefined) delete process.env.BENCH_CHILD_ARGS;
    else process.env.BENCH_CHILD_ARGS = saved;
  }
}

/** Asks a server's probe for a reading. */
function memoryAfterGc(c: Child): Promise<Reading> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      c.child.stdout?.off("data", on);
      reject(new Error("the server's memory probe did not answer"));
    }, 10_000);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = /bench-memory (\{.*\})\n/.exec(out);
      if (m?.[1] === undefined) return;
      clearTimeout(timer);
      c.child.stdout?.off("data", on);
      resolve(JSON.parse(m[1]) as Reading);
    };
    c.child.stdout?.on("data", on);
    c.child.kill("SIGUSR2");
  });
}

/** What one connection costs a server, in bytes: the difference between two readings, per connection. */
export interface PerConnection {
  /**
   * Resident memory (VmRSS) after full GCs, less the growth of V8's young generation (Reading.young):
   * what the connections hold, native memory included. The figure the target is about. It moves by
   * ±1 KB from run to run on a loaded machine (what was already resident and free is filled first).
   */
  rss: number;
  /** Resident memory after full GCs, the young generation's growth included. */
  rssWithYoung: number;
  /** The V8 heap in use after full GCs, compiled code left out: the JavaScript objects a connection holds. */
  heap: number;
  /** Memory outside the V8 heap that JavaScript objects own (Buffers, ArrayBuffers), after GCs. */
  external: number;
  /** Resident memory 500 ms after the connections, without GCs (as this section read it before, warm-up apart). */
  rssNoGc: number;
}

/** Readings taken while the connections are opened: each step's figures are per connection. */
const STEPS = 4;

/**
 * Opens WARM connections (kept open: the code each path runs is compiled, the pools and tables have
 * grown), reads the server's memory, then opens `n` more in STEPS steps with a reading after each.
 * Each figure is the median over the steps of (growth in the step) / (connections in the step): one
 * step that happened to grow a heap page or a malloc arena does not decide it.
 */
async function measureConnections(
  c: Child,
  url: string,
  n: number,
  login: boolean,
): Promise<{ socks: WebSocket[]; per: PerConnection }> {
  const socks = await openMany(url, WARM, login);
  await new Promise((r) => setTimeout(r, 500));
  let rawPrev = rssKb(c.child.pid) * 1024;
  let prev = await memoryAfterGc(c);
  const steps: PerConnection[] = [];
  for (let k = 0; k < STEPS; k++) {
    const size = Math.round((n * (k + 1)) / STEPS) - Math.round((n * k) / STEPS);
    socks.push(...(await openMany(url, size, login, socks.length)));
    await new Promise((r) => setTimeout(r, 500));
    const raw = rssKb(c.child.pid) * 1024;
    const now = await memoryAfterGc(c);
    const per = (a: number, b: number) => (b - a) / size;
    steps.push({
      // A young generation that shrank keeps its pages resident (V8 pools them): only growth is left out.
      rss: per(prev.rss, now.rss - Math.max(0, now.young - prev.young)),
      rssWithYoung: per(prev.rss, now.rss),
      heap: per(prev.heapUsed - prev.code, now.heapUsed - now.code),
      external: per(prev.external, now.external),
      rssNoGc: per(rawPrev, raw),
    });
    rawPrev = raw;
    prev = now;
  }
  const mid = (f: (p: PerConnection) => number) => median(steps.map(f));
  return {
    socks,
    per: {
      rss: mid((p) => p.rss),
      rssWithYoung: mid((p) => p.rssWithYoung),
      heap: mid((p) => p.heap),
      external: mid((p) => p.external),
      rssNoGc: mid((p) => p.rssNoGc),
    },
  };
}

/** Issue 5: memory per connected client, and room events pushed per second to one room's members. */
export async function benchClients(opts: { connections: number; members: number; seconds: number }) {
  // Baseline: the same connections on a bare ws server, read the same way.
  const bare: Child = await startProbed(fileURLToPath(new URL("./bare-ws-server.ts", import.meta.url)));
  let bareConn: PerConnection;
  try {
    const m = await measureConnections(bare, bare.url.replace("http", "ws"), opts.connections, false);
    bareConn = m.per;
    for (const s of m.socks) s.terminate();
  } finally {
    await bare.stop();
  }

  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
  const server = await startProbed(MAIN, {
    ROOMHOOK_PORT: "0",
    ROOMHOOK_DATA: dataDir,
    ROOMHOOK_SECRET_KEY: KEY,
    ROOMHOOK_LOG_LEVEL: "warn",
    // Every connection comes from 127.0.0.1 here: more than the default per-address limit (1024).
    ROOMHOOK_MAX_CONNECTIONS_PER_IP: String(opts.connections + WARM + 100),
  });
  try {
    const wsUrl = `${server.url.replace("http", "ws")}/v4/ws`;
    const m = await measureConnections(server, wsUrl, opts.connections, true);
    const socks = m.socks;

    // One room: user0 owns it, the next members enter; then user0 and user1 pass it back and forth.
    const [owner, second] = socks;
    if (owner === undefined || second === undefined) throw new Error("no sockets");
    await ask(owner, { id: 2, op: "createRoom", roomInfo: { RoomId: "bench", RoomType: "Live" } });
    await Promise.all(
      socks.slice(1, opts.members).map((ws) => ask(ws, { id: 2, op: "enterRoom", roomId: "bench" })),
    );
    let pushes = 0;
    for (const ws of socks.slice(0, opts.members)) {
      ws.on("message", (d: Buffer) => {
        if (d.includes('"event":"ownerChanged"')) pushes++;
      });
    }
    const end = Date.now() + opts.seconds * 1000;
    let changes = 0;
    let holder = owner;
    let other = second;
    let id = 10;
    while (Date.now() < end) {
      const r = await ask(holder, {
        id: id++,
        op: "changeOwner",
        roomId: "bench",
        userId: holder === owner ? "user1" : "user0",
      });
      if (r.code !== 0) throw new Error(`changeOwner failed: ${JSON.stringify(r)}`);
      changes++;
      [holder, other] = [other, holder];
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const s of socks) s.terminate();
    return {
      /** PerConnection.rss of each: resident memory after full GCs, less the young generation's growth. */
      barePerConn: bareConn.rss,
      perConn: m.per.rss,
      bare: bareConn,
      roomhook: m.per,
      changesPerSec: changes / opts.seconds,
      pushesPerSec: pushes / opts.seconds,
      members: opts.members,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
