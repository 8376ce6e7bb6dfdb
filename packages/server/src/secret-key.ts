import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { StartupError, reasonOf, withoutPassword } from "./startup-error.ts";
import type { Config } from "./config.ts";
import { migratePg, pgExecutor } from "./store/pg-store.ts";
import { SQL } from "./store/statements.ts";

/**
 * The single app of the environment gets a key at first start (64 hex characters, the shape of a
 * Tencent console key), kept so that UserSigs stay valid across restarts: in the data directory, or,
 * with PostgreSQL, in the database, so that every process sharing it verifies with the same key.
 */
export async function resolveAppKeys(
  config: Config,
): Promise<{ sdkAppId: number; secretKey: string; admins: string[] }[]> {
  return Promise.all(
    config.apps.map(async (app) => {
      if (app.secretKey !== undefined) return { ...app, secretKey: app.secretKey };
      let secretKey: string;
      try {
        secretKey =
          config.databaseUrl === undefined
            ? loadOrCreateKey(config.dataDir)
            : await loadOrCreatePgKey(config.databaseUrl, app.sdkAppId);
      } catch (err) {
        throw config.databaseUrl === undefined
          ? new StartupError(
              `cannot keep the app's secret key in ${config.dataDir} (${reasonOf(err)}): set ROOMHOOK_DATA (or --data) to a directory this user can write, or give the key in ROOMHOOK_SECRET_KEY`,
            )
          : new StartupError(
              `cannot reach PostgreSQL at ${withoutPassword(config.databaseUrl)} (DATABASE_URL or --database-url) to read the app's secret key: ${reasonOf(err)}; is PostgreSQL running there?`,
            );
      }
      return { ...app, secretKey };
    }),
  );
}

async function loadOrCreatePgKey(url: string, sdkAppId: number): Promise<string> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await migratePg(pool);
    // The first process to start writes it; the others (and restarts) read the same one.
    const x = pgExecutor(pool);
    await x.run(SQL.putAppKey, [sdkAppId, randomBytes(32).toString("hex"), Date.now()]);
    const key = (await x.all<{ secret_key: string }>(SQL.getAppKey, [sdkAppId]))[0]?.secret_key;
    if (key === undefined) throw new Error("the generated secret key was not stored");
    return key;
  } finally {
    await pool.end();
  }
}

export function secretKeyPath(dataDir: string): string {
  return join(dataDir, "secret-key");
}

function loadOrCreateKey(dataDir: string): string {
  const path = secretKeyPath(dataDir);
  try {
    const key = readFileSync(path, "utf8").trim();
    if (key.length >= 16) return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("hex");
  // "wx": never overwrite a key another process wrote a moment ago.
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(path, "utf8").trim();
    throw e;
  }
  chmodSync(path, 0o600);
  return key;
}
