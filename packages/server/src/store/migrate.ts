/** A schema change: numbered, forward-only, run once, in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  /** One or more statements of the engine's own DDL (schema-sqlite.ts, schema-pg.ts). */
  sql: string;
}

/** What the runner needs of an engine's connection. */
export interface MigrationConnection {
  /** Runs DDL text (several statements allowed). */
  exec(sql: string): Promise<void>;
  /** Versions already applied. */
  applied(): Promise<number[]>;
  /** Records a version as applied, inside the migration's transaction. */
  record(m: Migration, nowMs: number): Promise<void>;
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction(fn: () => Promise<void>): Promise<void>;
  /** Runs fn while other processes that migrate the same database wait (PostgreSQL: advisory lock). */
  exclusive(fn: () => Promise<void>): Promise<void>;
}

export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;

/**
 * The one migration runner, for both engines: creates the bookkeeping table, then runs, in version
 * order, each migration not yet applied. Processes that start together run them once (the first
 * holds the exclusive section; the rest find them done). Returns the versions it applied.
 */
export async function migrate(
  conn: MigrationConnection,
  migrations: Migration[],
  nowMs: number,
): Promise<number[]> {
  const ran: number[] = [];
  await conn.exclusive(async () => {
    await conn.exec(MIGRATIONS_TABLE);
    const applied = new Set(await conn.applied());
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await conn.transaction(async () => {
        await conn.exec(m.sql);
        await conn.record(m, nowMs);
      });
      ran.push(m.version);
    }
  });
  return ran;
}
