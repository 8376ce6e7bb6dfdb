import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ok, startTestServer, TEST_KEY, type TestServer } from "./support/harness.ts";
import { CLI_ARGS as ARGS, cliProcesses } from "./support/cli.ts";
import { startReceiver } from "./support/receiver.ts";
import { callbackSign } from "@roomhook/protocol";
import { childEnv } from "./support/child-env.ts";

let t: TestServer;
let env: Record<string, string>;
before(async () => {
  t = await startTestServer({ dispatch: "auto" });
  env = childEnv({
    ROOMHOOK_SECRET_KEY: TEST_KEY,
    ROOMHOOK_DATA: t.dataDir,
    // The CLI's default server is the test's own (support/cli.ts).
    ROOMHOOK_HOST: "127.0.0.1",
    ROOMHOOK_PORT: new URL(t.url).port,
  });
});
after(() => t.close());
const { run, startListen } = cliProcesses(() => env);

test("exit codes and help: 0 ok, 1 failure, 2 usage", async () => {
  assert.equal((await run([])).code, 2);
  for (const c of ["usersig", "listen", "trigger"]) {
    const h = await run([c, "--help"]);
    assert.equal(h.code, 0);
    assert.match(h.out, new RegExp(`Usage: roomhook ${c}`));
  }
  assert.equal((await run(["frobnicate"])).code, 2);
  assert.equal((await run(["usersig"])).code, 2);
  assert.equal((await run(["listen", "--server", t.url, "--port", "99999"])).code, 2);
  assert.equal((await run(["trigger", "owner-change", "--room", "x"])).code, 2);
  const both = await run(["trigger", "owner-change", "--room", "x", "--to", "bob", "--user", "carol"]);
  assert.equal(both.code, 2);
  assert.match(both.err, /--to and --user both name the new owner/);
  const noDot = await run(["trigger", "CallbackAfterChangeOwner"]);
  assert.equal(noDot.code, 2);
  assert.match(noDot.err, /trigger what\? a callback command .* \(got CallbackAfterChangeOwner\)/);
  const twoWays = await run(["trigger", "Live.CallbackAfterChangeOwner", "--fixture", "f.json"]);
  assert.equal(twoWays.code, 2);
  assert.match(twoWays.err, /not both/);
  assert.equal(
    (await run(["trigger", "owner-change", "--room", "missing", "--to", "bob", "--url", t.url])).code,
    1,
  );
  const sig = await run(["usersig", "--identifier", "administrator", "--expire", "60"]);
  assert.equal(sig.code, 0);
  assert.match(sig.out.trim(), /^[A-Za-z0-9*\-_]+$/);
});

test("listen --server registers itself for every callback, prints the owner change `trigger Live.CallbackAfterChangeOwner` made, and puts the previous configuration back", async () => {
  ok(
    await t.call(
      "set_callback",
      { Url: "http://127.0.0.1:9/previous", CallbackCommandList: ["Live.CallbackAfterCreateRoom"] },
      { service: "live_config" },
    ),
  );
  const l = await startListen(["--server", t.url]);
  try {
    await l.waitFor(
      /registered with http:\/\/127\.0\.0\.1:\d+: every callback comes here \(the previous Url http:\/\/127\.0\.0\.1:9\/previous comes back/,
    );
    const cfg = ok(await t.call("get_callback", {}, { service: "live_config" })).Response as {
      Url: string;
      CallbackCommandList: string[];
    };
    assert.equal(cfg.Url, `${l.url}/roomhook-listen/callback`);
    assert.ok(cfg.CallbackCommandList.includes("Live.CallbackAfterChangeOwner"));
    const r = await run([
      "trigger",
      "Live.CallbackAfterChangeOwner",
      "--room",
      "cli-reg",
      "--override",
      "NewOwner_Account=carol",
      "--server",
      t.url,
    ]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /live_engine_http_srv\/create_room: \{"ActionStatus":"OK"/);
    assert.match(r.out, /live_engine_http_srv\/change_room_owner: \{"ActionStatus":"OK"/);
    await l.waitFor(/Live\.CallbackAfterChangeOwner {2}room cli-reg: owner alice -> carol by administrator/);
    // Again on the same room: the room exists (tolerated), the owner moves on.
    const again = await run([
      "trigger",
      "Live.CallbackAfterChangeOwner",
      "--room",
      "cli-reg",
      "--user",
      "dan",
      "--server",
      t.url,
    ]);
    assert.equal(again.code, 0, again.out + again.err);
    assert.match(
      again.out,
      /create_room: \{"ActionStatus":"FAIL","ErrorCode":100003.*\} {2}\(tolerated: 100003\)$/m,
    );
    await l.waitFor(/room cli-reg: owner carol -> dan/);
  } finally {
    assert.equal(await l.stop(), 0);
  }
  assert.match(
    l.output(),
    /put the previous callback configuration back \(http:\/\/127\.0\.0\.1:9\/previous\)/,
  );
  const back = ok(await t.call("get_callback", {}, { service: "live_config" })).Response as {
    Url: string;
    CallbackCommandList: string[];
  };
  assert.deepEqual(back, {
    Url: "http://127.0.0.1:9/previous",
    CallbackCommandList: ["Live.CallbackAfterCreateRoom"],
    DeliveryPolicy: "at-least-once",
  });
  ok(await t.call("delete_callback", {}, { service: "live_config" }));
});

test("listen puts back only a configuration that is still its own, and never a stopped listen's Url", async () => {
  ok(
    await t.call(
      "set_callback",
      { Url: "http://127.0.0.1:9/mine", CallbackCommandList: ["Live.CallbackAfterCreateRoom"] },
      { service: "live_config" },
    ),
  );
  const url = async () =>
    (ok(await t.call("get_callback", {}, { service: "live_config" })).Response as { Url: string }).Url;
  const first = await startListen(["--server", t.url]);
  await first.waitFor(/registered with /);
  const second = await startListen(["--server", t.url]);
  await second.waitFor(/registered with /);
  assert.match(second.output(), /is another roomhook listen's/);
  // The first stops while the second runs: the configuration is the second's, and stays.
  assert.equal(await first.stop(), 0);
  assert.match(first.output(), /changed since this registered .*: left as it is/);
  assert.equal(await url(), `${second.url}/roomhook-listen/callback`);
  // The second took over from a listen: it has no earlier configuration of a person to put back.
  assert.equal(await second.stop(), 0);
  assert.match(second.output(), /removed the callback configuration/);
  const gone = await t.call("get_callback", {}, { service: "live_config" });
  assert.notEqual(gone.ErrorCode, 0);
});

test("listen checks Sign with the app's token as it is now: enabled after listen started, with or without --no-register", async () => {
  const body = JSON.stringify({
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "forged",
    EventTime: Date.now(),
    Operator_Account: "administrator",
    CurrentOwner_Account: "mallory",
    OriginalOwner_Account: "alice",
  });
  const post = (base: string, query: string) =>
    fetch(
      `${base}/roomhook-listen/callback?SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner${query}`,
      { method: "POST", body },
    ).then((r) => r.status);
  const registered = await startListen(["--server", t.url]);
  const alone = await startListen(["--server", t.url, "--no-register"]);
  try {
    await registered.waitFor(/registered with /);
    await alone.waitFor(/listening on /);
    // No token yet: an unsigned callback is taken.
    assert.equal(await post(registered.url, ""), 200);
    ok(
      await t.call(
        "set_callback_token",
        { Token: "tok-later", IsTokenEnable: true },
        { service: "live_config" },
      ),
    );
    await new Promise((r) => setTimeout(r, 1200)); // listen reads the token at most once a second
    const now = Math.floor(Date.now() / 1000);
    for (const l of [registered, alone]) {
      assert.equal(await post(l.url, ""), 401, "unsigned, with a token enabled");
      assert.equal(await post(l.url, `&Sign=${"ab".repeat(32)}&RequestTime=${now}`), 401, "forged Sign");
      assert.equal(await post(l.url, `&Sign=${callbackSign("tok-later", now)}&RequestTime=${now}`), 200);
    }
    assert.match(registered.output(), /REFUSED {2}sign-missing/);
    assert.match(alone.output(), /REFUSED {2}sign-mismatch/);
  } finally {
    ok(
      await t.call(
        "set_callback_token",
        { Token: "tok-later", IsTokenEnable: false },
        { service: "live_config" },
      ),
    );
    assert.equal(await registered.stop(), 0);
    assert.equal(await alone.stop(), 0);
  }
});

test("listen never enables a disabled callback configuration again when it stops: it removes its own", async () => {
  const gone = await startReceiver(() => ({ status: 410 }));
  try {
    ok(
      await t.call(
        "set_callback",
        { Url: `${gone.url}/cb`, CallbackCommandList: ["Live.CallbackAfterCreateRoom"] },
        { service: "live_config" },
      ),
    );
    ok(
      await t.call("create_room", {
        RoomInfo: { RoomId: "cli-410", RoomType: "Live", Owner_Account: "alice" },
      }),
    );
    const disabled = async () =>
      (
        ok(await t.call("get_callback", {}, { service: "live_config" })).Response as {
          DisabledReason?: string;
        }
      ).DisabledReason;
    for (let i = 0; i < 200 && (await disabled()) === undefined; i++)
      await new Promise((r) => setTimeout(r, 25));
    assert.match((await disabled()) ?? "", /410 Gone/);
    const l = await startListen(["--server", t.url]);
    let code: number | null | undefined;
    try {
      await l.waitFor(/registered with /);
      assert.match(l.output(), /is disabled \(410 Gone.*the configuration is removed, not enabled again/);
    } finally {
      code = await l.stop();
    }
    assert.equal(code, 0);
    assert.match(l.output(), /removed the callback configuration/);
    assert.notEqual((await t.call("get_callback", {}, { service: "live_config" })).ErrorCode, 0);
  } finally {
    await gone.close();
  }
});

test("trigger: a fixture file runs its steps; an unknown callback command and a bad override are usage errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-fixture-"));
  try {
    const file = join(dir, "handover.json");
    writeFileSync(
      file,
      JSON.stringify({
        description: "create, hand over twice, destroy",
        steps: [
          {
            path: "live_engine_http_srv/create_room",
            body: { RoomInfo: { RoomId: "{{room}}", RoomType: "Live", Owner_Account: "{{owner}}" } },
          },
          {
            path: "live_engine_http_srv/change_room_owner",
            body: { RoomId: "{{room}}", NewOwner_Account: "bob" },
          },
          {
            path: "live_engine_http_srv/change_room_owner",
            body: { RoomId: "{{room}}", NewOwner_Account: "{{user}}" },
          },
        ],
      }),
    );
    const r = await run(["trigger", "--fixture", file, "--room", "cli-fx", "--user", "eve", "--url", t.url]);
    assert.equal(r.code, 0, r.out + r.err);
    const info = ok(await t.call("get_room_info", { RoomId: "cli-fx" })).Response as {
      RoomInfo: { Owner_Account: string };
    };
    assert.equal(info.RoomInfo.Owner_Account, "eve");
    // A failing step stops the fixture with exit 1.
    const failing = await run(["trigger", "--fixture", file, "--room", "cli-fx", "--url", t.url]);
    assert.equal(failing.code, 1);
    assert.match(failing.out, /create_room: \{"ActionStatus":"FAIL","ErrorCode":100003/);
    writeFileSync(file, "{}");
    const bad = await run(["trigger", "--fixture", file, "--url", t.url]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /must be \{"description"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const unknown = await run(["trigger", "Live.CallbackAfterDance", "--url", t.url]);
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.err,
    /unknown callback command Live\.CallbackAfterDance; known: Live\.CallbackAfterCreateRoom/,
  );
  const follow = await run(["trigger", "Follow.CallbackAfterFollowAdd", "--url", t.url]);
  assert.equal(follow.code, 2);
  assert.match(follow.err, /cannot be triggered.*follows/);
  const override = await run([
    "trigger",
    "Live.CallbackAfterChangeOwner",
    "--override",
    "nothing",
    "--url",
    t.url,
  ]);
  assert.equal(override.code, 2);
  assert.match(override.err, /--override must be Field=value/);
});

test("deliveries list, show, resend; rooms list, show; --version; migrate", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "cli-d", RoomType: "Live", Owner_Account: "a" } }));
  ok(
    await t.call(
      "set_callback",
      { Url: "http://127.0.0.1:9/nowhere", CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  try {
    ok(await t.call("change_room_owner", { RoomId: "cli-d", NewOwner_Account: "b" }));
    const list = await run(["deliveries", "list", "--room", "cli-d", "--url", t.url]);
    assert.equal(list.code, 0, list.err);
    const m = /^\s*(\d+)\s+(pending|delivered|dead)\s.*Live\.CallbackAfterChangeOwner {2}room cli-d/m.exec(
      list.out,
    );
    assert.ok(m?.[1] !== undefined, list.out);
    const show = await run(["deliveries", "show", m[1], "--url", t.url]);
    assert.equal(show.code, 0, show.err);
    assert.equal((JSON.parse(show.out) as { Delivery: { RoomId: string } }).Delivery.RoomId, "cli-d");
    const resend = await run(["deliveries", "resend", "--url", t.url]);
    assert.equal(resend.code, 2, "an id or --dead");
    const missing = await run(["deliveries", "show", "999999", "--url", t.url]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^roomhook deliveries show: roomhook_delivery\/get_delivery: 100\d{3} /);
    const rooms = await run(["rooms", "list", "cli-", "--url", t.url]);
    assert.match(rooms.out, /^cli-d {2}owner b {2}Live$/m);
    const room = await run(["rooms", "show", "cli-d", "--url", t.url]);
    assert.match(room.out, / a -> b {2}by administrator \(RESTAPI\)/);
  } finally {
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
  const v = await run(["--version"]);
  assert.equal(v.code, 0);
  assert.match(v.out.trim(), /^\d+\.\d+\.\d+$/);
  // `npx roomhook` in the repository: npm's link to the package's bin, which loads the build (dist).
  const bin = fileURLToPath(new URL("../../../node_modules/.bin/roomhook", import.meta.url));
  const npx = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const c = spawn(bin, ["--version"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("exit", (code) => {
      resolve({ code, out, err });
    });
  });
  assert.equal(npx.code, 0, npx.err);
  assert.equal(npx.out, v.out);
  const closed = createNetServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) =>
    closed.close(() => {
      r();
    }),
  );
  const unreachable = await run(["rooms", "list", "--server", `http://127.0.0.1:${port}`]);
  assert.equal(unreachable.code, 1);
  assert.match(
    unreachable.err,
    new RegExp(`cannot reach the server at http://127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED`),
  );
  const dir = mkdtempSync(join(tmpdir(), "roomhook-migrate-"));
  try {
    const mig = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, [...ARGS, "migrate"], {
        env: { ...env, ROOMHOOK_DATA: dir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      c.stdout.on("data", (d: Buffer) => (out += d.toString()));
      c.on("exit", (code) => {
        resolve({ code, out });
      });
    });
    assert.equal(mig.code, 0);
    assert.match(mig.out, /migrations done: SQLite in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("logs tail prints REST calls (refused ones with their reason), room events and delivery attempts as they happen", async () => {
  const c = spawn(process.execPath, [...ARGS, "logs", "tail", "--url", t.url], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  c.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 800 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(out, re);
  };
  ok(
    await t.call(
      "set_callback",
      { Url: "http://127.0.0.1:9/nowhere", CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  try {
    await waitFor(/^tailing /m);
    ok(
      await t.call("create_room", { RoomInfo: { RoomId: "cli-tail", RoomType: "Live", Owner_Account: "a" } }),
    );
    ok(await t.call("change_room_owner", { RoomId: "cli-tail", NewOwner_Account: "b" }));
    const refused = await t.call("get_room_info", { RoomId: "cli-tail-none" });
    await waitFor(
      / call {5}live_engine_http_srv\/create_room {2}by administrator {2}ErrorCode 0 {2}[\d.]+ ms$/m,
    );
    await waitFor(
      new RegExp(
        ` call {5}live_engine_http_srv/get_room_info {2}by administrator {2}ErrorCode ${refused.ErrorCode} {2}${refused.ErrorInfo.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} {2}[\\d.]+ ms$`,
        "m",
      ),
    );
    await waitFor(/ event {4}Live\.CallbackAfterChangeOwner {2}room cli-tail seq \d+ {2}by administrator$/m);
    await waitFor(/ attempt {2}Live\.CallbackAfterChangeOwner {2}room cli-tail seq \d+ {2}#1 /m);
    // What happened before the tail started (the deliveries test's attempt in room cli-d) is not printed.
    assert.doesNotMatch(out, / room cli-d /);
    // The tail's own polling (the *_feed commands) is not in the feed it prints.
    assert.doesNotMatch(out, /_feed/);
  } finally {
    c.kill("SIGINT");
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});
