import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_KEY } from "./support/harness.ts";
import { spawnServer } from "./support/server-process.ts";
import { childEnv } from "./support/child-env.ts";

/**
 * A start-up that cannot go on says why in one line naming the setting to change, never with a
 * stack trace (issue 15): the server is started as `npm start` starts it, in its own process.
 */
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ["--conditions=roomhook-source", "--import", "tsx", MAIN], {
      env: childEnv({ ROOMHOOK_SECRET_KEY: TEST_KEY, ROOMHOOK_LOG_LEVEL: "warn", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => c.kill("SIGKILL"), 30_000);
    c.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** One line, starting `roomhook: `, and no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  const [line = ""] = lines;
  assert.match(line, /^roomhook: /);
  assert.doesNotMatch(line, /\bat .+:\d+:\d+/, "no stack frame");
  return line;
}

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), "roomhook-startup-"));
}

test("a port in use: one line naming ROOMHOOK_PORT", async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const port = (taken.address() as AddressInfo).port;
  const dir = dataDir();
  try {
    const r = await start({ ROOMHOOK_PORT: String(port), ROOMHOOK_DATA: dir });
    assert.equal(r.code, 1);
    assert.match(oneLine(r.stderr), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use.*ROOMHOOK_PORT`));
  } finally {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a second process on the same SQLite data directory is refused; the first goes on", async () => {
  const dir = dataDir();
  const first = await spawnServer({ ROOMHOOK_DATA: dir, ROOMHOOK_SECRET_KEY: TEST_KEY });
  try {
    const r = await start({ ROOMHOOK_PORT: "0", ROOMHOOK_DATA: dir });
    assert.equal(r.code, 1);
    const line = oneLine(r.stderr);
    assert.match(line, /another roomhook process is using the data directory/);
    assert.ok(line.includes(dir));
    assert.match(line, /ROOMHOOK_DATA/);
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200, "the first still serves");
  } finally {
    await first.kill("SIGTERM");
  }
  // Once the first has stopped, the directory is free again; a killed process leaves no stale lock.
  const again = await spawnServer({ ROOMHOOK_DATA: dir, ROOMHOOK_SECRET_KEY: TEST_KEY });
  await again.kill("SIGKILL");
  const after = await spawnServer({ ROOMHOOK_DATA: dir, ROOMHOOK_SECRET_KEY: TEST_KEY });
  await after.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

test("a data directory that cannot be made: one line with the path and ROOMHOOK_DATA", async () => {
  const dir = dataDir();
  try {
    // Under a file: refused even to root, whom permission bits do not stop.
    const r = await start({ ROOMHOOK_PORT: "0", ROOMHOOK_DATA: join(MAIN, "data") });
    assert.equal(r.code, 1);
    const line = oneLine(r.stderr);
    assert.ok(line.includes(join(MAIN, "data")), line);
    assert.match(line, /ROOMHOOK_DATA/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("DATABASE_URL where nothing listens: one line, says PostgreSQL and DATABASE_URL, never the password", async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    closed.close(() => {
      r();
    }),
  );
  const r = await start({
    ROOMHOOK_PORT: "0",
    DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/live`,
  });
  assert.equal(r.code, 1);
  const line = oneLine(r.stderr);
  assert.match(
    line,
    /cannot reach PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/live \(DATABASE_URL/,
  );
  assert.match(line, /ECONNREFUSED/);
  assert.ok(!line.includes("hunter2"));
});

test("through a pipe (a log file, a journal) the banner prints no UserSig; its commands make one when pasted", async () => {
  const dir = dataDir();
  const c = spawn(process.execPath, ["--conditions=roomhook-source", "--import", "tsx", MAIN], {
    env: childEnv({
      ROOMHOOK_SECRET_KEY: TEST_KEY,
      ROOMHOOK_PORT: "0",
      ROOMHOOK_DATA: dir,
      ROOMHOOK_LOG_LEVEL: "warn",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => {
        reject(new Error(`no banner in 30 s: ${text}`));
      }, 30_000);
      c.stdout.on("data", (d: Buffer) => {
        text += d.toString();
        if (/^Console: .*$/m.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      });
    });
    // Pasted into another shell, the command finds this server's data directory; the key given in
    // the environment is said to be needed (and never printed).
    const sig = /^ {2}SIG=\$\((.*)\)$/m.exec(out)?.[1];
    assert.equal(sig, `ROOMHOOK_DATA=${dir} npx roomhook usersig --identifier administrator`);
    assert.match(out, /needs ROOMHOOK_SECRET_KEY set as for this server/);
    assert.ok(!out.includes(TEST_KEY));
    assert.match(out, /usersig=\$SIG&/);
    assert.doesNotMatch(out, /usersig=(?!\$SIG)/, "no UserSig value");
    assert.doesNotMatch(out, /#sdkappid=/, "no sign-in fragment");
    assert.match(out, /^Console: http:\/\/127\.0\.0\.1:\d+\/console\/ \(sign in with administrator/m);
  } finally {
    c.kill("SIGTERM");
    await new Promise((r) => c.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
});
