import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { freshDatabase, stopOwnPostgres } from "../../test/support/postgres.ts";
import { openTestSqlite } from "../../test/support/stores.ts";
import { migratePg } from "./pg-store.ts";

/**
 * The two schemas, after every migration, are one: the same tables, columns (type family,
 * nullability), primary keys and indexes (columns, unique, partial). Only what several processes
 * need is PostgreSQL's alone.
 */
const POSTGRES_ONLY = new Set(["delivery_lanes", "app_keys"]);

interface Shape {
  columns: string[];
  primaryKey: string[];
  indexes: string[];
}

const family = (type: string) => (/int/i.test(type) ? "integer" : type.toLowerCase());

after(() => stopOwnPostgres());

function sqliteShape(path: string): Record<string, Shape> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, Shape> = {};
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    for (const t of tables) {
      type Col = { name: string; type: string; notnull: number; pk: number };
      const cols = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(t) as Col[];
      type Idx = { name: string; unique: number; origin: string; partial: number };
      const idx = (db.prepare(`SELECT * FROM pragma_index_list(?)`).all(t) as Idx[]).filter(
        (i) => i.origin !== "pk",
      );
      out[t] = {
        // A primary key column never holds NULL (SQLite's INTEGER PRIMARY KEY is the rowid).
        columns: cols
          .map((c) => `${c.name} ${family(c.type)} ${c.notnull === 1 || c.pk > 0 ? "not null" : "null"}`)
          .sort(),
        primaryKey: cols
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        indexes: idx
          .map((i) => {
            const on = (
              db
                .prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`)
                .pluck()
                .all(i.name) as string[]
            ).join(",");
            return `(${on})${i.unique === 1 ? " unique" : ""}${i.partial === 1 ? " partial" : ""}`;
          })
          .sort(),
      };
    }
    return out;
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Record<string, Shape>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, Shape> = {};
    const tables = (
      await client.query<{ t: string }>(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      )
    ).rows.map((r) => r.t);
    for (const t of tables) {
      const cols = (
        await client.query<{ name: string; type: string; nullable: string }>(
          `SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = $1`,
          [t],
        )
      ).rows;
      const idx = (
        await client.query<{ cols: string[]; uniq: boolean; pk: boolean; partial: boolean }>(
          `SELECT array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
                  i.indisunique AS uniq, i.indisprimary AS pk, i.indpred IS NOT NULL AS partial
           FROM pg_index i WHERE i.indrelid = $1::regclass`,
          [t],
        )
      ).rows;
      out[t] = {
        columns: cols
          .map((c) => `${c.name} ${family(c.type)} ${c.nullable === "NO" ? "not null" : "null"}`)
          .sort(),
        primaryKey: idx.find((i) => i.pk)?.cols ?? [],
        indexes: idx
          .filter((i) => !i.pk)
          .map((i) => `(${i.cols.join(",")})${i.uniq ? " unique" : ""}${i.partial ? " partial" : ""}`)
          .sort(),
      };
    }
    return out;
  } finally {
    await client.end();
  }
}

test("SQLite and PostgreSQL have one schema after migration: tables, columns, keys, indexes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-schema-"));
  try {
    const store = await openTestSqlite(dir);
    const path = store.path;
    await store.close();
    const lite = sqliteShape(path);

    const url = await freshDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migratePg(pool);
    } finally {
      await pool.end();
    }
    const post = await postgresShape(url);
    for (const t of POSTGRES_ONLY) {
      assert.ok(post[t], `PostgreSQL has ${t}`);
      Reflect.deleteProperty(post, t);
    }
    assert.deepEqual(lite, post);
    // The comparison saw the tables that matter (a broken introspection compares nothing to nothing).
    assert.ok((lite.deliveries?.indexes.length ?? 0) >= 3, "deliveries has its indexes");
    assert.ok(Object.keys(lite).length >= 12, "every table was read");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
