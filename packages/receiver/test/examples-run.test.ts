import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ok, startTestServer, type TestServer } from "../../server/test/support/harness.ts";
import { childEnv } from "../../server/test/support/child-env.ts";

/**
 * `npm run example:<name>` from the repository root, as the README says: each prints where it
 * listens, and a real server's callback sent there is received (printed, or kept by the app backend).
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let t: TestServer;
let dir: string;
before(async () => {
  t = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "roomhook-examples-"));
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function runExample(name: string, env: Record<string, string>) {
  const c = spawn("npm", ["run", "-s", `example:${name}`], {
    cwd: ROOT,
    env: childEnv({ PORT: "0", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  c.stdout.on("data", (d: Buffer) => (out += d.toString()));
  c.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => c.on("exit", resolve));
  return {
    exited,
    errors: () => err,
    async waitFor(re: RegExp): Promise<RegExpExecArray> {
      for (let i = 0; i < 1200; i++) {
        const m = re.exec(out);
        if (m !== null) return m;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail(`no ${String(re)} in ${JSON.stringify(out)} (stderr ${JSON.stringify(err)})`);
    },
    stop() {
      // npm starts the example as its child: the group is stopped.
      if (c.pid !== undefined) process.kill(-c.pid, "SIGTERM");
    },
  };
}

let n = 0;
async function ownerChangeTo(url: string): Promise<string> {
  const cfg = { Url: url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] };
  const r = await t.call("update_callback", cfg, { service: "live_config" });
  if (r.ErrorCode === 100301) ok(await t.call("set_callback", cfg, { service: "live_config" }));
  const room = `ex-${++n}`;
  ok(await t.call("create_room", { RoomInfo: { RoomId: room, RoomType: "Live", Owner_Account: "ann" } }));
  ok(await t.call("change_room_owner", { RoomId: room, NewOwner_Account: "ben" }));
  await t.server.dispatcher.runOnce();
  return room;
}

for (const name of ["express", "fastify", "hono", "node-http"]) {
  test(`npm run example:${name} prints where it listens and prints the owner changes it receives`, async () => {
    const ex = runExample(name, {});
    try {
      const m = await ex.waitFor(/^\S+ example listening on (http:\/\/127\.0\.0\.1:\d+\/callback) /m);
      const room = await ownerChangeTo(m[1]!);
      await ex.waitFor(new RegExp(`^owner change: ${room}: ann -> ben$`, "m"));
    } finally {
      ex.stop();
    }
  });
}

test("npm run example:app-backend prints where it listens and keeps the owner history it receives", async () => {
  const ex = runExample("app-backend", { APP_DB: join(dir, "app.db") });
  try {
    const m = await ex.waitFor(/^app backend listening on (http:\/\/127\.0\.0\.1:\d+): callbacks at (\S+),/m);
    const room = await ownerChangeTo(m[2]!);
    const history = await (await fetch(`${m[1]!}/rooms/${room}/owners`)).json();
    assert.match(JSON.stringify(history), /"ben"/);
  } finally {
    ex.stop();
  }
});

test("an example refuses a bad PORT in one line", async () => {
  const ex = runExample("express", { PORT: "80000" });
  assert.notEqual(await ex.exited, 0);
  assert.match(ex.errors(), /^PORT: must be a TCP port from 0 to 65535, got "80000"$/m);
});

test("an example on a taken port says so in one line, whatever its framework", async () => {
  const { createServer } = await import("node:net");
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const port = String((taken.address() as { port: number }).port);
  try {
    for (const name of ["express", "fastify", "hono", "node-http", "app-backend"]) {
      const ex = runExample(name, { PORT: port, APP_DB: join(dir, `taken-${name}.db`) });
      assert.equal(await ex.exited, 1, name);
      assert.match(ex.errors(), new RegExp(`^port ${port} is in use: set PORT to another one`), name);
      assert.doesNotMatch(ex.errors(), /\n\s+at /, `${name}: no stack trace`);
    }
  } finally {
    taken.close();
  }
});
