import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { genUserSig } from "@roomhook/protocol";
import { bareSender, startReceiver, startRoomhook, waitFor } from "./delivery.ts";
import { median } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;
const Q = () =>
  `sdkappid=${APP}&identifier=administrator&usersig=${genUserSig({ sdkAppId: APP, key: KEY, identifier: "administrator", expire: 86400 })}&random=7&contenttype=json`;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** An outbox made by an API-only process (ROOMHOOK_DISPATCH=false), kept as a data directory to copy. */
export interface Outbox {
  dir: string;
  rooms: number;
  deliveries: number;
  /** How long filling took, ms. */
  fillMs: number;
}

async function call(url: string, q: string, service: string, command: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/v4/${service}/${command}?${q}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!text.includes('"ErrorCode":0')) throw new Error(`${command}: ${text}`);
}

/** `amount` calls of one command from 50 connections; `body(i)` is the i-th call's body; the successes. */
async function calls(
  url: string,
  path: string,
  amount: number,
  body: (i: number) => unknown,
): Promise<number> {
  if (amount <= 0) return 0;
  let i = 0;
  let bad = 0;
  const r = await autocannon({
    url,
    connections: Math.min(50, amount),
    amount,
    requests: [
      {
        method: "POST",
        path,
        setupRequest: (req) => ({ ...req, body: JSON.stringify(body(i++)) }),
        onResponse: (_status, text) => {
          if (!text.includes('"ErrorCode":0')) bad++;
        },
      },
    ],
  });
  return r["2xx"] - bad;
}

/**
 * `deliveries` pending deliveries over `rooms` rooms, made through the REST API by a process that does
 * not dispatch: each room's creation is called back (one delivery per room), and owner changes
 * rotating over the rooms make the rest. `url`: the receiver; `dir`: where to keep the data.
 */
export async function fillOutbox(o: {
  rooms: number;
  deliveries: number;
  url: string;
  dir?: string;
}): Promise<Outbox> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "roomhook-bench-outbox-"));
  const server = await startRoomhook(dir, { ROOMHOOK_DISPATCH: "false" });
  const t0 = Date.now();
  try {
    const q = Q();
    const perRoom = o.deliveries >= o.rooms;
    await call(server.url, q, "live_config", "set_callback", {
      Url: o.url,
      CallbackCommandList: perRoom
        ? ["Live.CallbackAfterCreateRoom", "Live.CallbackAfterChangeOwner"]
        : ["Live.CallbackAfterChangeOwner"],
    });
    const created = await calls(server.url, `/v4/live_engine_http_srv/create_room?${q}`, o.rooms, (i) => ({
      RoomInfo: { RoomId: `b${i}`, RoomType: "Live", Owner_Account: "o" },
    }));
    if (created !== o.rooms) throw new Error(`created ${created} of ${o.rooms} rooms`);
    const changes = perRoom ? o.deliveries - o.rooms : o.deliveries;
    const changed = await calls(
      server.url,
      `/v4/live_engine_http_srv/change_room_owner?${q}`,
      changes,
      (i) => ({
        RoomId: `b${i % o.rooms}`,
        NewOwner_Account: `u${i}`,
      }),
    );
    if (changed !== changes) throw new Error(`changed ${changed} of ${changes} owners`);
    return { dir, rooms: o.rooms, deliveries: (perRoom ? created : 0) + changed, fillMs: Date.now() - t0 };
  } finally {
    await server.stop();
  }
}

export interface Drain {
  /** Callbacks received. */
  received: number;
  done: boolean;
  /** Callbacks per second from the first to the last received: the dispatcher's own rate. */
  perSec: number;
  /** Process start to the first callback (start, open, load the outbox), ms. */
  startMs: number;
  /** Process start to the last callback, ms. */
  totalMs: number;
  /** CPU time of the server process (every thread) per callback, from the first to the last, µs. */
  cpuUsPerCallback: number;
  /** CPU time of the bench process (the receiver) per callback, µs. */
  receiverCpuUsPerCallback: number;
  /** The server's main thread (HTTP, dispatcher, reads) CPU per callback, µs. */
  mainThreadUs: number;
  /** The server's CPU per callback by thread ("tid name": µs). */
  threads: Record<string, number>;
  /** Every room's callbacks came in sequence order, each once. */
  inOrder: boolean;
  /** Callbacks per second over the first `window` callbacks (drain's option), first to last of them. */
  windowPerSec: number;
}

/** CPU seconds of each thread of a process so far, by thread id and name (/proc/<pid>/task). */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(`${t} ${name}`, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** CPU seconds used so far by a process, every thread (utime + stime of /proc/<pid>/stat). */
export function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The bare sender in a process of its own (bench/bare-sender.ts) posting to `rx`, as the server
 * does: the same topology as a drain (sender and receiver in two processes).
 */
export async function bareSenderProcess(
  rx: Receiver,
  o: { seconds: number; inFlight?: number },
): Promise<{ perSec: number; cpuUsPerPost: number }> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=roomhook-source",
      "--import",
      "tsx",
      fileURLToPath(new URL("./bare-sender.ts", import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        BARE_URL: rx.url,
        BARE_SECONDS: String(o.seconds),
        BARE_IN_FLIGHT: String(o.inFlight ?? 100),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`bare-sender exited with ${code}`);
  rx.reset();
  return JSON.parse(out.trim()) as { perSec: number; cpuUsPerPost: number };
}

/** Starts a server on a copy of the outbox and waits until the receiver has every delivery. */
export async function drain(
  outbox: Outbox,
  rx: Receiver,
  o: { env?: Record<string, string>; window?: number } = {},
): Promise<Drain> {
  const env = o.env ?? {};
  const window = Math.min(o.window ?? outbox.deliveries, outbox.deliveries);
  const dir = mkdtempSync(join(tmpdir(), "roomhook-bench-drain-"));
  cpSync(outbox.dir, dir, { recursive: true, filter: (src) => !src.endsWith(".lock") });
  rx.reset();
  const t0 = performance.now();
  const server = await startRoomhook(dir, env);
  const pid = server.child.pid ?? 0;
  try {
    await waitFor(() => rx.count() > 0, 600_000);
    const cpu0 = cpuOf(pid);
    const threads0 = threadCpu(pid);
    const rxCpu0 = process.cpuUsage();
    const n0 = rx.count();
    const done = await waitFor(() => rx.count() >= outbox.deliveries, 600_000);
    const cpu = cpuOf(pid) - cpu0;
    const rxCpu = process.cpuUsage(rxCpu0);
    const n = Math.max(1, rx.count() - n0);
    const threads: Record<string, number> = {};
    let mainThreadUs = 0;
    for (const [t, c] of threadCpu(pid)) {
      const us = ((c - (threads0.get(t) ?? 0)) * 1e6) / n;
      // By thread name (the main thread by its own): V8's GC helpers, libuv's pool, the SQLite writer.
      const name = t.startsWith(`${pid} `) ? "main" : t.slice(t.indexOf(" ") + 1);
      threads[name] = (threads[name] ?? 0) + us;
      if (name === "main") mainThreadUs = Math.round(us);
    }
    const first = rx.firstAt() ?? t0;
    const last = rx.lastAt() ?? t0;
    return {
      received: rx.count(),
      done,
      perSec: last > first ? (rx.count() - 1) / ((last - first) / 1000) : 0,
      startMs: Math.round(first - t0),
      totalMs: Math.round(last - t0),
      cpuUsPerCallback: Math.round((cpu * 1e6) / n),
      receiverCpuUsPerCallback: Math.round((rxCpu.user + rxCpu.system) / n),
      mainThreadUs,
      threads,
      inOrder: rx.inOrder(),
      windowPerSec: ((a, b) =>
        a !== undefined && b !== undefined && b > a ? (window - 1) / ((b - a) / 1000) : 0)(
        rx.arrivalAt(1),
        rx.arrivalAt(window),
      ),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BacklogScale {
  /** The bare sender with its receiver in this process (section 2's baseline): medians. */
  bare: { perSec: number; cpuUsPerPost: number };
  /** The bare sender in a process of its own, the receiver here (a drain's topology): medians. */
  bareProcess: { perSec: number; cpuUsPerPost: number };
  /** Medians by number of rooms. */
  drains: {
    rooms: number;
    deliveries: number;
    fillMs: number;
    runs: Drain[];
    perSec: number;
    cpuUsPerCallback: number;
    mainThreadUsPerCallback: number;
    /** µs of CPU per callback by thread name, in the round of the median rate. */
    threadsUsPerCallback: Record<string, number>;
  }[];
}

/**
 * Issue 16: a backlog of `deliveries` drained by a fresh process, with the backlog spread over each
 * number of rooms, against the bare undici sender, alternating `rounds` times in one run.
 */
export async function benchBacklogScale(o: {
  deliveries: number;
  rooms: number[];
  rounds: number;
  bareSeconds: number;
}): Promise<BacklogScale> {
  const rx = await startReceiver();
  const outboxes: Outbox[] = [];
  try {
    for (const rooms of o.rooms)
      outboxes.push(await fillOutbox({ rooms, deliveries: o.deliveries, url: rx.url }));
    const bare: { perSec: number; cpuUsPerPost: number }[] = [];
    const bareProcess: { perSec: number; cpuUsPerPost: number }[] = [];
    const runs = outboxes.map(() => [] as Drain[]);
    for (let r = 0; r < o.rounds; r++) {
      bare.push(await bareSender(o.bareSeconds));
      bareProcess.push(await bareSenderProcess(rx, { seconds: o.bareSeconds }));
      for (const [i, ob] of outboxes.entries()) runs[i]?.push(await drain(ob, rx));
    }
    const medians = (xs: { perSec: number; cpuUsPerPost: number }[]) => ({
      perSec: median(xs.map((x) => x.perSec)),
      cpuUsPerPost: median(xs.map((x) => x.cpuUsPerPost)),
    });
    return {
      bare: medians(bare),
      bareProcess: medians(bareProcess),
      drains: outboxes.map((ob, i) => {
        const mine = runs[i] ?? [];
        return {
          rooms: ob.rooms,
          deliveries: ob.deliveries,
          fillMs: ob.fillMs,
          runs: mine,
          perSec: median(mine.map((d) => d.perSec)),
          cpuUsPerCallback: median(mine.map((d) => d.cpuUsPerCallback)),
          mainThreadUsPerCallback: median(mine.map((d) => d.mainThreadUs)),
          threadsUsPerCallback:
            [...mine].sort((a, b) => a.perSec - b.perSec)[Math.floor(mine.length / 2)]?.threads ?? {},
        };
      }),
    };
  } finally {
    for (const ob of outboxes) rmSync(ob.dir, { recursive: true, force: true });
    await rx.close();
  }
}

/**
 * Issue 16: one room's long backlog, sent one at a time in order. The rate of a lane of `long`
 * against a lane of `short` in the same run: the cost of a delivery must not grow with its lane.
 */
export async function benchOneRoom(o: { long: number; short: number; rounds: number }) {
  const rx = await startReceiver();
  const longBox = await fillOutbox({ rooms: 1, deliveries: o.long, url: rx.url });
  const shortBox = await fillOutbox({ rooms: 1, deliveries: o.short, url: rx.url });
  try {
    const long: Drain[] = [];
    const short: Drain[] = [];
    const bare: number[] = [];
    let inOrder = true;
    // Each lane's first `short` callbacks are compared: the same warm-up, behind a lane of `short`
    // and of `long` deliveries.
    for (let r = 0; r < o.rounds; r++) {
      bare.push((await bareSenderProcess(rx, { seconds: 3, inFlight: 1 })).perSec);
      short.push(await drain(shortBox, rx, { window: o.short }));
      inOrder &&= rx.inOrder();
      long.push(await drain(longBox, rx, { window: o.short }));
      inOrder &&= rx.inOrder();
    }
    const figures = (box: Outbox, runs: Drain[]) => ({
      deliveries: box.deliveries,
      runs,
      perSec: median(runs.map((d) => d.perSec)),
      windowPerSec: median(runs.map((d) => d.windowPerSec)),
    });
    return {
      long: figures(longBox, long),
      short: figures(shortBox, short),
      window: o.short,
      bareOneAtATime: median(bare),
      inOrder,
    };
  } finally {
    rmSync(longBox.dir, { recursive: true, force: true });
    rmSync(shortBox.dir, { recursive: true, force: true });
    await rx.close();
  }
}

/** VmHWM (peak) and VmRSS (now) of a process, in MiB, from /proc/<pid>/status (Linux). */
export function memoryOf(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakMiB: kb("VmHWM") / 1024, rssMiB: kb("VmRSS") / 1024 };
}

const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * The server built from the current sources into a directory of its own (the checkout's dist is left
 * alone), laid out as in the repository with the workspace packages it imports built beside it: its
 * entry, to run on plain Node. Memory is measured on it: tsx alone adds tens of MiB to a process,
 * twice with the SQLite writer's thread. Emitted without type checking (`npm run typecheck` does that).
 */
export function buildServer(repo = REPO): { main: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), "roomhook-bench-build-"));
  const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
  const packages = ["protocol", "receiver", "server"];
  for (const pkg of packages) {
    const out = join(root, "packages", pkg);
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        "-p",
        join(repo, "packages", pkg, "tsconfig.build.json"),
        "--outDir",
        join(out, "dist"),
        "--noCheck",
        ...[
          "--composite",
          "false",
          "--declaration",
          "false",
          "--sourceMap",
          "false",
          "--incremental",
          "false",
        ],
      ],
      { stdio: "inherit" },
    );
    if (r.status !== 0) throw new Error(`building ${pkg} failed (tsc exited with ${r.status})`);
    symlinkSync(join(repo, "packages", pkg, "package.json"), join(out, "package.json"));
  }
  symlinkSync(join(repo, "packages", "server", "console"), join(root, "packages", "server", "console"));
  // The dependencies are the checkout's; the workspace packages are the ones just built.
  const modules = join(root, "node_modules");
  mkdirSync(join(modules, "@roomhook"), { recursive: true });
  for (const name of readdirSync(join(REPO, "node_modules")))
    if (name !== "@roomhook") symlinkSync(join(REPO, "node_modules", name), join(modules, name));
  for (const pkg of packages) symlinkSync(join(root, "packages", pkg), join(modules, "@roomhook", pkg));
  return {
    main: join(root, "packages", "server", "dist", "main.js"),
    remove: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const MIB = 1024 * 1024;

/** A gauge of the server's /metrics (0 when absent). */
async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
}

export interface MemoryFigure {
  /** The process just started, on an empty store. */
  empty: { peakMiB: number; rssMiB: number };
  /** The process that made the rooms and queued the deliveries (its peak covers the making). */
  making: { peakMiB: number; rssMiB: number };
  /** A fresh process on the same data, once it loaded the queued deliveries and tried their heads. */
  loaded: { peakMiB: number; rssMiB: number };
  /** Deliveries pending in the outbox (roomhook_outbox_pending) when each figure was read. */
  queued: { making: number; loaded: number };
  /** The main thread's V8 heap (roomhook_nodejs_heap_size_total_bytes) when each figure was read, MiB. */
  heapMiB: { empty: number; making: number; loaded: number };
}

/**
 * DESIGN target 5 (memory): a server process that made `rooms` rooms and has `queued` deliveries
 * waiting, their receiver down (each head failed once and waits for its retry); then a fresh process
 * started on the same data, which loads them. Peaks (VmHWM) and resident sizes (VmRSS) from /proc,
 * beside the same figures of a process just started on an empty store.
 */
export async function benchMemory(o: {
  rooms: number;
  queued: number;
  deadUrl: string;
  /** The server's entry (built JavaScript: see buildServer). */
  main: string;
}): Promise<MemoryFigure> {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-bench-memory-"));
  const settle = () => new Promise((r) => setTimeout(r, 2000));
  try {
    const idle = await startRoomhook(dir, {}, o.main);
    let empty: MemoryFigure["empty"];
    let heapEmpty: number;
    try {
      await settle();
      empty = memoryOf(idle.child.pid ?? 0);
      heapEmpty = (await gauge(idle.url, "roomhook_nodejs_heap_size_total_bytes")) / MIB;
    } finally {
      await idle.stop();
    }
    rmSync(dir, { recursive: true, force: true });

    // Rooms without a callback for their creation; then owner changes over the first `queued` rooms.
    const server = await startRoomhook(dir, {}, o.main);
    let making: MemoryFigure["making"];
    let queuedMaking: number;
    let heapMaking: number;
    try {
      const q = Q();
      await call(server.url, q, "live_config", "set_callback", {
        Url: o.deadUrl,
        CallbackCommandList: ["Live.CallbackAfterChangeOwner"],
      });
      await calls(server.url, `/v4/live_engine_http_srv/create_room?${q}`, o.rooms, (i) => ({
        RoomInfo: { RoomId: `m${i}`, RoomType: "Live", Owner_Account: "o" },
      }));
      await calls(server.url, `/v4/live_engine_http_srv/change_room_owner?${q}`, o.queued, (i) => ({
        RoomId: `m${i % o.rooms}`,
        NewOwner_Account: `u${i}`,
      }));
      await settle();
      queuedMaking = await gauge(server.url, "roomhook_outbox_pending");
      making = memoryOf(server.child.pid ?? 0);
      heapMaking = (await gauge(server.url, "roomhook_nodejs_heap_size_total_bytes")) / MIB;
    } finally {
      await server.stop();
    }
    const restarted = await startRoomhook(dir, {}, o.main);
    try {
      await settle();
      const loaded = memoryOf(restarted.child.pid ?? 0);
      const queuedLoaded = await gauge(restarted.url, "roomhook_outbox_pending");
      const heapLoaded = (await gauge(restarted.url, "roomhook_nodejs_heap_size_total_bytes")) / MIB;
      return {
        empty,
        making,
        loaded,
        queued: { making: queuedMaking, loaded: queuedLoaded },
        heapMiB: { empty: heapEmpty, making: heapMaking, loaded: heapLoaded },
      };
    } finally {
      await restarted.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
