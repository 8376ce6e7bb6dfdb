import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Node 20's `--test` does not expand globs, so this finds the test files and hands them over.
 * Arguments filter by substring: `npm run test:unit -- change-owner`.
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
if (files.length === 0) {
  process.stderr.write("no test files found\n");
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  [
    "--conditions=roomhook-source",
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-timeout=180000",
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
