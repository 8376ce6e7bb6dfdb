import { benchBareSender, benchLatency, benchSustained } from "./delivery.ts";
import { benchBacklogScale, benchMemory, benchOneRoom, buildServer } from "./backlog.ts";
import { benchChangeOwner, formatByConnections } from "./rest-change-owner.ts";
import { benchReceiver } from "./receiver.ts";
import { benchClients } from "./clients.ts";
import { benchScaleOut } from "./scale-out.ts";
import { benchLaneIndex } from "./lanes.ts";
import { benchWaitingRooms, deadPort } from "./waiting.ts";
import { median } from "./support.ts";

/**
 * `npm run bench`: every figure beside a baseline measured in the same run (these machines are shared
 * and noisy). The knobs are listed in docs/benchmarks.md.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? "10");
const rounds = Number(process.env.BENCH_ROUNDS ?? "3");
const backlogSize = Number(process.env.BENCH_BACKLOG ?? "100000");
const backlogRooms = (process.env.BENCH_BACKLOG_ROOMS ?? "1000,100000").split(",").map(Number);
const only = new Set(
  (
    process.env.BENCH_ONLY ??
    "rest,latency,sustained,backlog,oneroom,memory,receiver,clients,scale,lanes,waiting"
  ).split(","),
);

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
const out = (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n\n`);
const pct = (a: number, base: number | undefined) =>
  base === undefined || base === 0 ? "?" : `${((a / base) * 100).toFixed(0)}%`;

/** Every target of DESIGN.md and issue 16, as measured in this run: printed together at the end. */
const targets: { what: string; figure: string; target: string; met: boolean }[] = [];
function ratioTarget(what: string, value: number, base: number, atLeast: number): void {
  const r = value / base;
  targets.push({
    what,
    figure: pct(value, base),
    target: `>= ${(atLeast * 100).toFixed(0)}%`,
    met: r >= atLeast,
  });
}

process.stdout.write(
  `roomhook benchmarks (${rounds} rounds of ${seconds} s where rounds apply, medians)\n\n`,
);

let restRps: number | undefined;
if (only.has("rest")) {
  const owner = await benchChangeOwner({ seconds, rounds });
  restRps = owner.roomhook.rps;
  out([
    `1. REST change_room_owner, valid UserSig, durable commit, ${owner.byConnections[0]?.connections ?? 50} connections`,
    `   bare node:http, same request shape: ${fmt(owner.bare.rps)} req/s  p50 ${owner.bare.p50} ms  p99 ${owner.bare.p99} ms`,
    `   roomhook:                           ${fmt(owner.roomhook.rps)} req/s  p50 ${owner.roomhook.p50} ms  p99 ${owner.roomhook.p99} ms  (errors ${owner.roomhook.errors}, non-2xx ${owner.roomhook.non2xx})`,
    `   ratio: ${(owner.ratio * 100).toFixed(0)}% of bare (target: at least 50%)`,
    `   roomhook at log level info (a JSON line per call, to a file): ${fmt(owner.logged.rps)} req/s, ${(owner.loggedRatio * 100).toFixed(0)}% of the rate at warn`,
    ...formatByConnections(owner),
  ]);
  for (const c of owner.byConnections)
    ratioTarget(
      `1. REST change_room_owner, ${c.connections} connections, of bare node:http`,
      c.roomhook.rps,
      c.bare.rps,
      0.5,
    );
}

let bare: number | undefined;
if (only.has("latency") || only.has("sustained")) {
  bare = await benchBareSender(Math.min(seconds, 5));
  out([`   baseline for delivery: undici Pool, 100 in flight, same receiver: ${fmt(bare)} posts/s`]);
}

if (only.has("latency")) {
  const l = await benchLatency(seconds);
  out([
    "3. Commit to receiver at 1,000 owner changes/s (open loop), callbacks switched on",
    `   received ${fmt(l.received)} of ${fmt(l.sent)}; latency p50 ${l.p50} ms, p99 ${l.p99} ms (targets: p50 < 5 ms, p99 < 25 ms)`,
  ]);
  targets.push(
    {
      what: "3. commit to receiver at 1,000 changes/s, p50",
      figure: `${l.p50} ms`,
      target: "< 5 ms",
      met: l.p50 < 5,
    },
    {
      what: "3. commit to receiver at 1,000 changes/s, p99",
      figure: `${l.p99} ms`,
      target: "< 25 ms",
      met: l.p99 < 25,
    },
  );
}

if (only.has("sustained")) {
  const s = await benchSustained({ seconds, rounds });
  out([
    `2a. Owner changes at full speed (50 connections), with the owner-change callback on and with none configured (${rounds} rounds each, alternating, medians)`,
    `   callbacks on:  ${fmt(s.changesPerSec)} changes/s; callbacks delivered during the run: ${fmt(s.deliveredPerSecDuringRun)}/s` +
      (restRps === undefined
        ? ""
        : ` (${((s.deliveredPerSecDuringRun / restRps) * 100).toFixed(0)}% of section 1's rate)`),
    `   callbacks off: ${fmt(s.offPerSec)} changes/s`,
    `   with callbacks on: ${pct(s.changesPerSec, s.offPerSec)} of the rate without (target: at least 80%)`,
    `   CPU per owner change (median rounds), on / off: server ${fmt(s.cpu.serverUs)} / ${fmt(s.offCpu.serverUs)} µs (main thread ${fmt(s.cpu.serverMainUs)} / ${fmt(s.offCpu.serverMainUs)}), bench process (autocannon + receiver) ${fmt(s.cpu.benchUs)} / ${fmt(s.offCpu.benchUs)} µs; the machine's cores busy: ${pct(s.cpu.machineBusy, 1)} / ${pct(s.offCpu.machineBusy, 1)}`,
    `   backlog when the load stopped: ${fmt(s.backlogAtEnd)}, drained in ${fmt(s.drainMs)} ms; received ${fmt(s.received)} of ${fmt(s.acked)}, errors ${s.errors}`,
    bare === undefined
      ? ""
      : `   delivered/s as a share of the bare sender: ${pct(s.deliveredPerSecDuringRun, bare)}`,
  ]);
  ratioTarget("2a. owner changes with callbacks on, of the rate without", s.changesPerSec, s.offPerSec, 0.8);
}

if (only.has("backlog")) {
  const b = await benchBacklogScale({
    deliveries: backlogSize,
    rooms: backlogRooms,
    rounds,
    bareSeconds: Math.min(seconds, 5),
  });
  out([
    `2b. Draining a backlog of ${fmt(backlogSize)} deliveries, made by an API-only process, by a fresh process (${rounds} rounds, alternating, medians)`,
    `   bare undici sender, receiver in the same process (section 2's baseline): ${fmt(b.bare.perSec)} posts/s, ${b.bare.cpuUsPerPost} µs CPU per post (sender and receiver)`,
    `   bare undici sender in a process of its own (a drain's topology):        ${fmt(b.bareProcess.perSec)} posts/s, ${b.bareProcess.cpuUsPerPost} µs CPU per post (sender only)`,
    ...b.drains.map(
      (d) =>
        `   ${fmt(d.rooms).padStart(7)} rooms: ${fmt(d.perSec)} callbacks/s, first to last (${pct(d.perSec, b.bare.perSec)} of the bare sender, ${pct(d.perSec, b.bareProcess.perSec)} of the one in its own process); ` +
        `server CPU ${d.cpuUsPerCallback} µs per callback (main thread ${d.mainThreadUsPerCallback}; by thread: ${Object.entries(
          d.threadsUsPerCallback,
        )
          .filter(([, us]) => us >= 1)
          .sort((a, b) => b[1] - a[1])
          .map(([name, us]) => `${name} ${us.toFixed(0)}`)
          .join(", ")}); ` +
        `start to first callback ${d.runs.map((r) => fmt(r.startMs)).join("/")} ms; ` +
        (d.runs.every((r) => r.done && r.inOrder)
          ? "all received, each room in order"
          : "NOT all received in order"),
    ),
    "   target: at least 80% of the bare sender, with 1,000 and with 100,000 rooms",
  ]);
  for (const d of b.drains) {
    ratioTarget(
      `2b. backlog drain, ${fmt(d.rooms)} rooms, of the bare undici sender`,
      d.perSec,
      b.bare.perSec,
      0.8,
    );
    if (!d.runs.every((r) => r.done && r.inOrder))
      targets.push({
        what: `2b. ${fmt(d.rooms)} rooms: every callback once, in order`,
        figure: "no",
        target: "yes",
        met: false,
      });
  }
}

if (only.has("oneroom")) {
  const long = Number(process.env.BENCH_ONE_ROOM ?? "20000");
  const r = await benchOneRoom({ long, short: Math.max(100, Math.round(long / 10)), rounds });
  out([
    `2c. One room's backlog, sent one at a time in order (each attempt recorded before the next is sent)`,
    `   the first ${fmt(r.window)} callbacks of a lane of ${fmt(r.short.deliveries)}: ${fmt(r.short.windowPerSec)}/s; of a lane of ${fmt(r.long.deliveries)}: ${fmt(r.long.windowPerSec)}/s: ${((r.long.windowPerSec / r.short.windowPerSec) * 100).toFixed(0)}% (target: about 100%, the cost of a delivery independent of its lane's length)`,
    `   whole drains, first to last callback: ${fmt(r.short.perSec)}/s and ${fmt(r.long.perSec)}/s`,
    `   bare undici sender, one request at a time, no record: ${fmt(r.bareOneAtATime)} posts/s; ${r.inOrder ? "every callback in order, each once" : "OUT OF ORDER or repeated"}`,
  ]);
  ratioTarget(
    "2c. one room: lane of 10x the length, of the short lane's rate",
    r.long.windowPerSec,
    r.short.windowPerSec,
    0.8,
  );
}

if (only.has("memory")) {
  const rooms = Number(process.env.BENCH_MEMORY_ROOMS ?? "100000");
  const queued = Number(process.env.BENCH_MEMORY_QUEUED ?? "10000");
  const built = buildServer();
  let m: Awaited<ReturnType<typeof benchMemory>>;
  try {
    m = await benchMemory({
      rooms,
      queued,
      deadUrl: `http://127.0.0.1:${await deadPort()}/cb`,
      main: built.main,
    });
  } finally {
    built.remove();
  }
  const mib = (x: { peakMiB: number; rssMiB: number }, heap: number) =>
    `peak ${x.peakMiB.toFixed(0)} MiB, resident ${x.rssMiB.toFixed(0)} MiB (main thread's V8 heap ${heap.toFixed(0)} MiB)`;
  out([
    `5b. Memory of a server process built with tsc, on plain Node (VmHWM and VmRSS from /proc/<pid>/status): ${fmt(rooms)} rooms, ${fmt(queued)} deliveries queued to a receiver that is down`,
    `   just started, empty store: ${mib(m.empty, m.heapMiB.empty)}`,
    `   the process that made the rooms (REST, 50 connections) and the queue: ${mib(m.making, m.heapMiB.making)}; ${fmt(m.queued.making)} pending`,
    `   a fresh process on that data, queue loaded, heads tried: ${mib(m.loaded, m.heapMiB.loaded)}; ${fmt(m.queued.loaded)} pending`,
    "   target: under 200 MB at the peak",
  ]);
  for (const [what, x] of [
    ["the process that made the rooms and the queue", m.making],
    ["a fresh process on that data", m.loaded],
  ] as const)
    targets.push({
      what: `5b. peak memory, ${fmt(rooms)} rooms and ${fmt(queued)} queued: ${what}`,
      figure: `${((x.peakMiB * 1024 * 1024) / 1e6).toFixed(0)} MB`,
      target: "< 200 MB",
      met: x.peakMiB * 1024 * 1024 < 200e6,
    });
}

if (only.has("receiver")) {
  const r = benchReceiver(Math.min(seconds, 5));
  out([
    "4. Receiver SDK, one core: verify + parse a Live.CallbackAfterChangeOwner",
    `   JSON.parse of the body alone:             ${fmt(r.jsonParse)}/s`,
    `   floor: JSON.parse + sha256 + HMAC-SHA256: ${fmt(r.floor)}/s`,
    `   SdkAppid + parse + schema:                ${fmt(r.plain)}/s`,
    `   + Sign + Standard Webhooks signature:     ${fmt(r.full)}/s: ${((r.full / r.floor) * 100).toFixed(0)}% of the floor (target: at least 70%)`,
  ]);
  ratioTarget("4. receiver verify + parse, of the floor (JSON.parse + sha256 + HMAC)", r.full, r.floor, 0.7);
}

if (only.has("clients")) {
  const c = await benchClients({
    connections: Number(process.env.BENCH_CLIENTS ?? "2000"),
    members: 200,
    seconds: Math.min(seconds, 5),
  });
  out([
    "5. Client connections (WebSocket), logged in",
    `   memory per connection (RSS after full GCs, less the young generation's growth; median of 4 steps after 500 warm-up connections): roomhook ${fmt(c.perConn)} bytes, bare ws server ${fmt(c.barePerConn)} bytes (${(c.perConn / c.barePerConn).toFixed(2)}x)`,
    `   V8 heap per connection (after GC): roomhook ${fmt(c.roomhook.heap)} bytes, bare ws ${fmt(c.bare.heap)} bytes (${(c.roomhook.heap / c.bare.heap).toFixed(2)}x); RSS with the young generation: ${fmt(c.roomhook.rssWithYoung)} / ${fmt(c.bare.rssWithYoung)}; without GC: ${fmt(c.roomhook.rssNoGc)} / ${fmt(c.bare.rssNoGc)}`,
    `   owner changes from a client, one at a time: ${fmt(c.changesPerSec)}/s, each pushed to ${c.members} members: ${fmt(c.pushesPerSec)} pushes/s`,
  ]);
  targets.push({
    what: "5. memory per logged-in WebSocket, of a bare ws server's",
    figure: `${(c.perConn / c.barePerConn).toFixed(2)}x`,
    target: "<= 1.5x",
    met: c.perConn / c.barePerConn <= 1.5,
  });
}

if (only.has("scale")) {
  const { rows, bare } = await benchScaleOut({ seconds, processes: [1, 2, 3] });
  const sqlite = rows.find((r) => r.store === "SQLite");
  const pg1 = rows.find((r) => r.store === "PostgreSQL" && r.processes === 1);
  out([
    "6. Several processes: owner changes and callbacks, 50 connections in all, split over the processes",
    `   bare PostgreSQL client, the same durable writes as one statement each, 16 connections: ${fmt(bare.writesPerSec)} writes/s p50 ${bare.p50} ms p99 ${bare.p99} ms`,
    ...rows.map(
      (r) =>
        `   ${r.store.padEnd(10)} x${r.processes}: ${fmt(r.changesPerSec)} changes/s (${pct(r.changesPerSec, sqlite?.changesPerSec)} of SQLite x1` +
        (r.store === "PostgreSQL"
          ? `, ${pct(r.changesPerSec, bare.writesPerSec)} of bare, ${pct(r.changesPerSec, pg1?.changesPerSec)} of PostgreSQL x1`
          : "") +
        `) p50 ${r.p50} ms p99 ${r.p99} ms; callbacks ${fmt(r.callbacksPerSecDuringRun)}/s during the run, rest drained in ${fmt(r.drainMs)} ms; ` +
        `received ${fmt(r.received)} of ${fmt(r.acked)}, errors ${r.errors}; ` +
        `CPU per change: roomhook ${r.cpuMsPerChange.roomhook} ms` +
        (r.store === "PostgreSQL" ? `, PostgreSQL ${r.cpuMsPerChange.postgres} ms` : ""),
    ),
    "   targets: PostgreSQL x1 >= 50% of SQLite x1 and >= 50% of bare; x3 >= 90% of x1; p99 < 100 ms",
  ]);
  const pg3 = rows.find((r) => r.store === "PostgreSQL" && r.processes === 3);
  if (pg1 !== undefined && sqlite !== undefined) {
    ratioTarget("6. PostgreSQL x1, of SQLite x1", pg1.changesPerSec, sqlite.changesPerSec, 0.5);
    ratioTarget("6. PostgreSQL x1, of a bare PostgreSQL client", pg1.changesPerSec, bare.writesPerSec, 0.5);
  }
  if (pg1 !== undefined && pg3 !== undefined)
    ratioTarget("6. PostgreSQL x3, of x1", pg3.changesPerSec, pg1.changesPerSec, 0.9);
  for (const r of rows.filter((x) => x.store === "PostgreSQL"))
    targets.push({
      what: `6. PostgreSQL x${r.processes}, p99`,
      figure: `${r.p99} ms`,
      target: "< 100 ms",
      met: r.p99 < 100,
    });
}

if (only.has("lanes")) {
  // Alternating rounds, medians compared: one run is at the mercy of the collector and the neighbours.
  const secs = Math.min(seconds, 2);
  const rates: Record<number, number[]> = { 0: [], 100_000: [], 200_000: [] };
  for (let r = 0; r < rounds; r++)
    for (const w of [0, 100_000, 200_000]) rates[w]?.push(benchLaneIndex(w, secs));
  const none = median(rates[0] ?? []);
  const hundred = median(rates[100_000] ?? []);
  const twoHundred = median(rates[200_000] ?? []);
  out([
    "7. The dispatcher's lane index: claims and settles per second in 1,000 busy rooms, others waiting for a retry",
    `   none waiting: ${fmt(none)}/s; 100,000 waiting: ${fmt(hundred)}/s; 200,000 waiting: ${fmt(twoHundred)}/s (medians of ${rounds} rounds)`,
    `   200,000 vs 100,000 waiting: ${((twoHundred / hundred) * 100).toFixed(0)}% (target: about 100%, the cost independent of how many rooms wait; a scan of every lane halves it)`,
  ]);
  ratioTarget("7. lane index, 200,000 rooms waiting, of 100,000", twoHundred, hundred, 0.8);
}

if (only.has("waiting")) {
  const waitingRooms = Number(process.env.BENCH_WAITING ?? "100000");
  const w = await benchWaitingRooms({ seconds, waiting: waitingRooms });
  out([
    `8. create_room with its callback on and the receiver down, 50 connections`,
    `   from an empty outbox: ${fmt(w.none.rps)} req/s (p99 ${w.none.p99} ms); with ${fmt(waitingRooms)} more rooms waiting for a retry: ${fmt(w.waiting.rps)} req/s (p99 ${w.waiting.p99} ms): ${((w.waiting.rps / w.none.rps) * 100).toFixed(0)}% (target: at least 80%)`,
  ]);
  ratioTarget(
    `8. create_room with ${fmt(waitingRooms)} queued to a dead receiver, of the rate with none`,
    w.waiting.rps,
    w.none.rps,
    0.8,
  );
}

if (targets.length > 0) {
  const width = Math.max(...targets.map((t) => t.what.length));
  out([
    "Targets (each measured in this run against its baseline in this run)",
    ...targets.map(
      (t) =>
        `   ${t.met ? "met   " : "MISSED"} ${t.what.padEnd(width)}  ${t.figure.padStart(7)}  (target ${t.target})`,
    ),
  ]);
}
