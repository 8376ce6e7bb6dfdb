import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { startPostgres, TEST_PG_ENV } from "../packages/server/test/support/postgres.ts";

/**
 * Node 20's `--test` does not expand globs, so this finds the test files and hands them over.
 * Arguments filter by substring: `npm run test:unit -- change-owner`.
 * It also starts the run's one throwaway PostgreSQL server (each test makes its own database there);
 * when PostgreSQL cannot start, the run fails: the PostgreSQL tests are never skipped.
 */
const roots = ["packages", "scripts", "examples"];
const filters = process.argv.slice(2);
const files: string[] = [];
for (const root of roots) {
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: "utf8" });
  } catch {
    continue;
  }
  for (const e of entries) {
    const path = join(root, e);
    if (!path.endsWith(".test.ts") || path.includes("node_modules") || path.includes(`/dist/`)) continue;
    if (filters.length === 0 || filters.some((f) => path.includes(f))) files.push(path);
  }
}
files.sort();

/**
 * The server's store-heavy suites run a second time on PostgreSQL: each through a small wrapper that
 * sets ROOMHOOK_TEST_STORE=pg (test/support/harness.ts) before importing the suite itself.
 */
const onPostgres = [
  "packages/server/test/change-owner.test.ts",
  "packages/server/test/rooms.test.ts",
  "packages/server/test/callbacks.test.ts",
  "packages/server/test/delivery.test.ts",
  "packages/server/test/gateway.test.ts",
  "packages/server/test/console-api.test.ts",
  "packages/server/test/logs.test.ts",
  "packages/server/test/operator-events.test.ts",
];
const wrapperDir = mkdtempSync(join(tmpdir(), "roomhook-on-postgres-"));
for (const f of onPostgres.filter((f) => files.includes(f))) {
  const wrapper = join(wrapperDir, basename(f).replace(/\.test\.ts$/, ".on-postgres.test.mjs"));
  writeFileSync(
    wrapper,
    `process.env.ROOMHOOK_TEST_STORE = "pg";\nawait import(${JSON.stringify(resolve(f))});\n`,
  );
  files.push(wrapper);
}
if (files.length === 0) {
  process.stderr.write("no test files found\n");
  process.exit(1);
}
// A server that cannot start is one line that says what failed and what to do, not a stack.
const pg = await startPostgres({ durable: false }).catch((err: unknown) => {
  process.stderr.write(`npm test: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void pg.stop().finally(() => process.exit(130));
  });
const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    [
      "--conditions=roomhook-source",
      "--import",
      "tsx",
      "--test",
      "--test-concurrency=2",
      // A hang guard, not a speed check: the largest file (store-methods, both stores) takes minutes on
      // a loaded 2-core machine, and the CLI's files start a process per command.
      "--test-timeout=600000",
      ...files,
    ],
    { stdio: "inherit", env: { ...process.env, [TEST_PG_ENV]: pg.adminUrl } },
  );
  child.once("exit", (c) => {
    resolve(c ?? 1);
  });
});
await pg.stop();
rmSync(wrapperDir, { recursive: true, force: true });
process.exit(code);
