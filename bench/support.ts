import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface Child {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Node.js flags `npm start` gives the server (the root package.json's `start` script: the flags
 * between `node` and the entry). Every roomhook server the bench starts gets them, so the figures are
 * of the server as `npm start` runs it.
 *
 * @throws Error when the start script no longer has that shape (fix this reader with it).
 */
export const SERVER_NODE_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts: { start: string };
  };
  const m = /\bnode((?: --\S+)*) packages\/server\/dist\/main\.js\b/.exec(pkg.scripts.start);
  if (m === null)
    throw new Error(`bench: cannot read the node flags of the start script: ${pkg.scripts.start}`);
  return (m[1] ?? "").split(" ").filter(Boolean);
})();

/** roomhook's own entry (this checkout's or another's, source or built): it gets SERVER_NODE_FLAGS. */
const SERVER_ENTRY = /\/packages\/server\/(src|dist)\/main\.(ts|js)$/;

/** Starts an entry (TypeScript, or built JavaScript) in its own process and waits for "listening on <url>". */
export async function startChild(
  entry: string,
  env: Record<string, string> = {},
  /** Where the child's standard error goes (a file descriptor); default: this process's. */
  stderr: number | "inherit" = "inherit",
): Promise<Child> {
  // A built entry (.js) runs on plain Node; a TypeScript one under tsx.
  const source = entry.endsWith(".ts") ? ["--conditions=roomhook-source", "--import", "tsx"] : [];
  const child = spawn(
    process.execPath,
    [
      ...(SERVER_ENTRY.test(entry) ? SERVER_NODE_FLAGS : []),
      ...(process.env.BENCH_CHILD_ARGS ?? "").split(" ").filter(Boolean),
      ...source,
      entry,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", stderr],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once("exit", (code) => {
      reject(new Error(`${entry} exited with ${code}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => {
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /**
   * CPU of this (the load generator's) process during the run, in cores (1 = one core busy all the
   * time): autocannon shares the machine's cores with the server it loads, so it bounds both sides.
   */
  loadCpu?: number;
}

/** autocannon with 50 connections (or `connections`); `body(i)` gives the i-th request's body. */
export async function load(opts: {
  url: string;
  path: string;
  body: (i: number) => string;
  connections?: number;
  seconds: number;
}): Promise<LoadResult> {
  let i = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 50,
    duration: opts.seconds,
    requests: [
      {
        method: "POST",
        path: opts.path,
        setupRequest: (req) => ({ ...req, body: opts.body(i++) }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    loadCpu: cpuCores(process.cpuUsage(cpu0), performance.now() - t0),
  };
}

/** CPU time (µs, as process.cpuUsage gives it) over a wall time (ms), in cores. */
function cpuCores(used: NodeJS.CpuUsage, wallMs: number): number {
  return (used.user + used.system) / 1000 / wallMs;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The value at quantile q (0..1) of an ascending list; 0 for none. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
