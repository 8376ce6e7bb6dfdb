import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config.ts";

/**
 * The single app of the environment gets a key at first start, kept in the data directory so that
 * UserSigs stay valid across restarts (64 hex characters, the shape of a Tencent console key).
 */
export function resolveAppKeys(config: Config): { sdkAppId: number; secretKey: string; admins: string[] }[] {
  return config.apps.map((app) => {
    if (app.secretKey !== undefined) return { ...app, secretKey: app.secretKey };
    return { ...app, secretKey: loadOrCreateKey(config.dataDir) };
  });
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
