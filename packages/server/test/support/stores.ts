import { createLogger } from "../../src/logger.ts";
import { COMMANDS_MODULE, commandRunner } from "../../src/rooms/commands.ts";
import { openPgStore, type PgStore } from "../../src/store/pg-store.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.ts";
import type { WriteCommand, WriteResults } from "../../src/rooms/commands.ts";

/** The stores as the server opens them (with the command registry), for tests that use a store alone. */

export function openTestSqlite(
  dataDir: string,
  opts: { fileName?: string; groupCommitWindowMs?: number; diskFault?: "flush-hangs" | "flush-fails" } = {},
): Promise<SqliteStore<WriteCommand, WriteResults>> {
  return openSqliteStore({ dataDir, runner: commandRunner, runnerModule: COMMANDS_MODULE, ...opts });
}

export function openTestPg(
  url: string,
  opts: { nodeId?: string; poolSize?: number } = {},
): Promise<PgStore<WriteCommand, WriteResults>> {
  return openPgStore({
    url,
    poolSize: opts.poolSize ?? 8,
    nodeId: opts.nodeId ?? "test-node",
    logger: createLogger({ level: "silent" }),
    runner: commandRunner,
  });
}
