import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { genUserSig } from "@roomhook/protocol";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { createServer, type RoomhookServer } from "../../src/server.ts";
import { freshDatabase } from "./postgres.ts";

export const TEST_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
export const TEST_APP = 1400000000;
export const TEST_ADMIN = "administrator";

/** A clock the test moves by hand. */
export class ManualClock {
  ms: number;
  constructor(ms = Date.UTC(2026, 0, 1)) {
    this.ms = ms;
  }
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Envelope {
  ActionStatus: "OK" | "FAIL";
  ErrorCode: number;
  ErrorInfo: string;
  RequestId: string;
  Response?: Record<string, unknown>;
  /** Tencent Chat's APIs answer their fields here, beside ActionStatus. */
  [field: string]: unknown;
}

export interface TestServer {
  url: string;
  server: RoomhookServer;
  /** The configuration the server runs with (databaseUrl set on PostgreSQL). */
  config: Config;
  clock: ManualClock;
  dataDir: string;
  /** A REST call as an admin with a fresh UserSig (valid at the test clock's time). */
  call(command: string, body: unknown, opts?: { service?: string; identifier?: string }): Promise<Envelope>;
  /** A raw POST: path and query as given, body as given. */
  raw(
    pathAndQuery: string,
    init?: { method?: string; body?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    text: string;
    json: () => Envelope;
  }>;
  query(opts?: { identifier?: string; sdkAppId?: number; userSig?: string }): string;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    config?: Partial<Config>;
    dispatch?: "auto" | "manual";
    clock?: ManualClock;
    /** Default: ROOMHOOK_TEST_STORE, else SQLite. "pg": a fresh database on the test PostgreSQL. */
    store?: "sqlite" | "pg";
    /** Default: a silent logger. */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-test-"));
  const kind = opts.store ?? (process.env.ROOMHOOK_TEST_STORE === "pg" ? "pg" : "sqlite");
  const databaseUrl = kind === "pg" ? await freshDatabase() : undefined;
  const clock = opts.clock ?? new ManualClock();
  const config: Config = {
    ...loadConfig({
      env: {
        ROOMHOOK_PORT: "0",
        ROOMHOOK_DATA: dataDir,
        ROOMHOOK_SECRET_KEY: TEST_KEY,
        // Retention runs when a test asks (server.retention.runOnce), never on the real timer.
        ROOMHOOK_RETENTION_INTERVAL_SEC: "0",
        ...opts.env,
      },
      argv: [],
    }),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...opts.config,
  };
  const apps = config.apps.map((a) => ({ ...a, secretKey: a.secretKey ?? TEST_KEY }));
  const server = await createServer({
    config,
    apps,
    logger: opts.logger ?? createLogger({ level: "silent" }),
    clock,
    dispatch: opts.dispatch ?? "manual",
  });
  const url = await server.listen();

  const query: TestServer["query"] = (q = {}) => {
    const identifier = q.identifier ?? TEST_ADMIN;
    const sdkAppId = q.sdkAppId ?? TEST_APP;
    const userSig =
      q.userSig ??
      genUserSig({
        sdkAppId,
        key: TEST_KEY,
        identifier,
        expire: 86400,
        time: Math.floor(clock.now() / 1000),
      });
    return `sdkappid=${sdkAppId}&identifier=${encodeURIComponent(identifier)}&usersig=${userSig}&random=${Math.floor(Math.random() * 4294967295)}&contenttype=json`;
  };

  const raw: TestServer["raw"] = async (pathAndQuery, init = {}) => {
    const res = await fetch(url + pathAndQuery, {
      method: init.method ?? "POST",
      body: init.body,
      headers: init.headers,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Envelope };
  };

  return {
    url,
    server,
    config,
    clock,
    dataDir,
    query,
    raw,
    async call(command, body, o = {}) {
      const q = query(o.identifier === undefined ? {} : { identifier: o.identifier });
      const r = await raw(`/v4/${o.service ?? "live_engine_http_srv"}/${command}?${q}`, {
        body: JSON.stringify(body),
      });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
      return r.json();
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts an envelope failed with the code, returning it for further checks. */
export function failed(env: Envelope, code: number): Envelope {
  if (env.ActionStatus !== "FAIL" || env.ErrorCode !== code) {
    throw new Error(`expected FAIL ${code}, got ${JSON.stringify(env)}`);
  }
  if (env.ErrorInfo === "") throw new Error(`FAIL ${code} without ErrorInfo`);
  return env;
}

export function ok(env: Envelope): Envelope {
  if (env.ActionStatus !== "OK" || env.ErrorCode !== 0)
    throw new Error(`expected OK, got ${JSON.stringify(env)}`);
  return env;
}

/**
 * Resolves once `ok()` holds, polled every 20 ms; rejects naming `what` after `ms` (default 30 s).
 * For conditions that a count cannot express: a duplicate counts in `received.length` too, so
 * "n requests arrived" is not "every event arrived".
 */
export function waitUntil(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      if (ok()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}
