import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { callbackSign } from "@roomhook/protocol";
import { ok, startTestServer, TEST_KEY, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const ARGS = ["--conditions=roomhook-source", "--import", "tsx", CLI];

let t: TestServer;
let env: Record<string, string>;
before(async () => {
  t = await startTestServer({ dispatch: "auto" });
  env = { ...process.env, ROOMHOOK_SECRET_KEY: TEST_KEY, ROOMHOOK_DATA: t.dataDir };
});
after(() => t.close());

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [...ARGS, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("exit", (code) => {
      resolve({ code, out, err });
    });
  });
}

/** Starts `roomhook listen`; resolves with its URL, its output so far, and a stop function. */
async function startListen(args: string[]) {
  const c: ChildProcess = spawn(process.execPath, [...ARGS, "listen", "--port", "0", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    c.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    c.on("exit", (code) => {
      reject(new Error(`listen exited ${code}`));
    });
  });
  return {
    url,
    output: () => out,
    async waitFor(re: RegExp) {
      for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
      assert.match(out, re);
    },
    stop: () =>
      new Promise<number | null>((resolve) => {
        c.on("exit", (code) => {
          resolve(code);
        });
        c.kill("SIGINT");
      }),
  };
}

test("listen prints a callback that trigger caused, and answers OK", async () => {
  const l = await startListen([]);
  try {
    ok(
      await t.call(
        "set_callback",
        {
          Url: `${l.url}/callback`,
          CallbackCommandList: ["Live.CallbackAfterChangeOwner", "Live.CallbackAfterCreateRoom"],
        },
        { service: "live_config" },
      ),
    );
    const created = await run([
      "trigger",
      "create-room",
      "--room",
      "cli-1",
      "--owner",
      "alice",
      "--url",
      t.url,
    ]);
    assert.equal(created.code, 0, created.err);
    const changed = await run(["trigger", "owner-change", "--room", "cli-1", "--to", "bob", "--url", t.url]);
    assert.equal(changed.code, 0, changed.err);
    assert.match(changed.out, /"ActionStatus":"OK"/);
    await l.waitFor(
      /Live\.CallbackAfterChangeOwner {2}room cli-1: owner alice -> bob by administrator {2}\[seq 2 \(prev 1\), RESTAPI 127\.0\.0\.1, evt_/,
    );
    const list = ok(await t.call("get_delivery_list", { RoomId: "cli-1" }, { service: "roomhook_delivery" }))
      .Response as { DeliveryList: { State: string }[] };
    assert.deepEqual(
      list.DeliveryList.map((d) => d.State),
      ["delivered", "delivered"],
    );
  } finally {
    assert.equal(await l.stop(), 0);
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});

test("trigger causes each callback of the room API, and listen prints each", async () => {
  const l = await startListen([]);
  try {
    ok(
      await t.call(
        "set_callback",
        {
          Url: `${l.url}/callback`,
          CallbackCommandList: [
            "Live.CallbackAfterUpdateRoomInfo",
            "Live.CallbackAfterSetMetadata",
            "Live.CallbackAfterDelMetadata",
            "Live.CallbackAfterMemberStateChanged",
            "Live.CallbackAfterModifyAdmin",
            "Mic.CallbackAfterSeatInfoChanged",
          ],
        },
        { service: "live_config" },
      ),
    );
    const steps: [string[], RegExp][] = [
      [["create-room", "--seats", "2"], /listening on/],
      [
        ["update-room", "--name", "Show"],
        /Live\.CallbackAfterUpdateRoomInfo {2}room cli-2 updated: RoomName/,
      ],
      [["set-admin", "--user", "ann"], /Live\.CallbackAfterModifyAdmin {2}room cli-2: admins add ann/],
      [
        ["set-metadata", "--key", "k", "--value", "v"],
        /Live\.CallbackAfterSetMetadata {2}room cli-2: metadata set k by administrator/,
      ],
      [["delete-metadata", "--key", "k"], /Live\.CallbackAfterDelMetadata {2}room cli-2: metadata deleted k/],
      [
        ["add-robot", "--user", "bot"],
        /Live\.CallbackAfterMemberStateChanged {2}room cli-2: bot Online \(Enter\)/,
      ],
      [
        ["lock-seat", "--index", "1"],
        /Mic\.CallbackAfterSeatInfoChanged {2}room cli-2: seats 0=free 1=locked/,
      ],
      [["remove-robot", "--user", "bot"], /room cli-2: bot Offline \(Leave\)/],
    ];
    for (const [args, printed] of steps) {
      const r = await run(["trigger", ...args, "--room", "cli-2", "--url", t.url]);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.out}${r.err}`);
      await l.waitFor(printed);
    }
    const bad = await run(["trigger", "lock-seat", "--room", "cli-2", "--index", "x", "--url", t.url]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--index must be a whole number/);
    const what = await run(["trigger", "dance", "--room", "cli-2", "--url", t.url]);
    assert.equal(what.code, 2);
    assert.match(what.err, /trigger what\? .*create-room, update-room, owner-change/);
  } finally {
    assert.equal(await l.stop(), 0);
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});

test("listen --before answers before-callbacks by its rule and prints each decision", async () => {
  const l = await startListen([
    "--before",
    "refuse-matching:spam|universe:10150",
    "--rewrite",
    "hel+o=HELLO",
  ]);
  try {
    ok(
      await t.call(
        "set_callback",
        {
          Url: `${l.url}/callback`,
          CallbackCommandList: ["Group.CallbackBeforeSendMsg", "Live.CallbackBeforeSendGift"],
        },
        { service: "live_config" },
      ),
    );
    ok(
      await t.call("create_room", {
        RoomInfo: { RoomId: "cli-before", RoomType: "Live", Owner_Account: "h" },
      }),
    );
    const msg = (TextContent: string) =>
      t.call("send_text_msg", { RoomId: "cli-before", Sender_Account: "h", TextContent });
    ok(await msg("hello"));
    await l.waitFor(
      /Group\.CallbackBeforeSendMsg {2}room cli-before: h wants to say "hello".*\n {4}answered rewrite "HELLO"/,
    );
    ok(await msg("bye"));
    await l.waitFor(/"bye".*\n {4}answered allow/);
    const refused = await msg("buy spam now");
    assert.equal(refused.ErrorCode, 10150);
    await l.waitFor(/"buy spam now".*\n {4}answered refuse \(ErrorCode 10150\)/);
    ok(
      await t
        .call("copy_default_gift_config", {})
        .catch(() => ({ ActionStatus: "OK", ErrorCode: 0 }) as never),
    );
    const gift = await t.call("send_gift", {
      RoomId: "cli-before",
      GiftId: "universe",
      From_Account: "f",
      ReceiverList_Account: ["h"],
    });
    // 10150 is outside the gift range [102100, 102200]: the sender gets 102004.
    assert.equal(gift.ErrorCode, 102004);
    await l.waitFor(/Live\.CallbackBeforeSendGift {2}room cli-before: f sends 1 x universe/);
    const busy = await run(["listen", "--port", new URL(l.url).port]);
    assert.equal(busy.code, 1);
    assert.equal(
      busy.err,
      `roomhook listen: port ${new URL(l.url).port} on 127.0.0.1 is in use: choose another with --port\n`,
    );
    const noEq = await run(["listen", "--rewrite", "nothing"]);
    assert.equal(noEq.code, 2);
    assert.match(noEq.err, /--rewrite must be FROM=TO/);
    const bad = await run(["listen", "--before", "maybe"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--before must be allow, refuse\[:CODE\] or refuse-matching:REGEX\[:CODE\]/);
  } finally {
    assert.equal(await l.stop(), 0);
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});

test("listen refuses a foreign SdkAppid, a wrong Sign and a stale RequestTime, with the reason", async () => {
  const l = await startListen(["--token", "xxxxyyyy"]);
  try {
    const body = JSON.stringify({
      CallbackCommand: "Live.CallbackAfterChangeOwner",
      RoomId: "r",
      EventTime: 1,
      Operator_Account: "a",
      CurrentOwner_Account: "b",
      OriginalOwner_Account: "c",
    });
    const now = Math.floor(Date.now() / 1000);
    const post = async (q: string) => {
      const res = await fetch(`${l.url}/callback?${q}`, { method: "POST", body });
      return { status: res.status, body: (await res.json()) as { ActionStatus: string; ErrorInfo: string } };
    };
    const base = "CallbackCommand=Live.CallbackAfterChangeOwner&contenttype=json";
    const good = await post(
      `SdkAppid=1400000000&${base}&Sign=${callbackSign("xxxxyyyy", now)}&RequestTime=${now}`,
    );
    assert.equal(good.status, 200);
    assert.deepEqual(good.body, { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" });
    const foreign = await post(
      `SdkAppid=1400000999&${base}&Sign=${callbackSign("xxxxyyyy", now)}&RequestTime=${now}`,
    );
    assert.equal(foreign.status, 401);
    assert.match(foreign.body.ErrorInfo, /^sdkappid-mismatch/);
    const wrong = await post(
      `SdkAppid=1400000000&${base}&Sign=${callbackSign("guess", now)}&RequestTime=${now}`,
    );
    assert.match(wrong.body.ErrorInfo, /^sign-mismatch/);
    const stale = await post(
      `SdkAppid=1400000000&${base}&Sign=${callbackSign("xxxxyyyy", now - 120)}&RequestTime=${now - 120}`,
    );
    assert.match(stale.body.ErrorInfo, /^sign-stale/);
    await l.waitFor(/REFUSED {2}sign-stale/);
    assert.match(l.output(), /REFUSED {2}sdkappid-mismatch: callback is for SdkAppid 1400000999/);
  } finally {
    await l.stop();
  }
});

/** A destroy callback as roomhook sends it: the query and the body. */
const DESTROY = {
  q: "SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterDestroyRoom&contenttype=json",
  body: JSON.stringify({
    CallbackCommand: "Live.CallbackAfterDestroyRoom",
    RoomId: "r",
    EventType: "DestroyByUser",
    EventTime: 1,
    Operator_Account: "a",
    RoomInfo: {
      RoomId: "r",
      RoomName: "r",
      RoomType: "Live",
      Owner_Account: "a",
      MaxMemberCount: 1000,
      IsMessageDisabled: false,
      CustomInfo: "",
      IsSeatEnabled: true,
      TakeSeatMode: "ApplyToTake",
      MaxSeatCount: 8,
      IsPublicVisible: true,
      CoverURL: "",
      Category: [],
      ActivityStatus: 0,
      BackgroundURL: "",
      IsUnlimitedRoomEnabled: false,
      ViewCount: 0,
    },
  }),
};

test("listen --forward-to passes the callback on as received and returns that answer", async () => {
  const rx: Receiver = await startReceiver(() => ({ status: 503, body: '{"busy":true}' }));
  const l = await startListen(["--forward-to", `${rx.url}/app`]);
  try {
    const { q, body } = DESTROY;
    const res = await fetch(`${l.url}/cb?${q}`, {
      method: "POST",
      body,
      headers: { "roomhook-event-id": "evt_x" },
    });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), '{"busy":true}');
    const got = rx.received[0];
    assert.equal(got?.path, "/app");
    assert.equal(got?.rawQuery, q);
    assert.equal(got?.body, body);
    assert.equal(got?.headers["roomhook-event-id"], "evt_x");
    await l.waitFor(/forwarded to .*: HTTP 503/);
  } finally {
    await l.stop();
    await rx.close();
  }
});

test("listen --forward-to keeps the target's own query and passes on no hop-by-hop header", async () => {
  const rx: Receiver = await startReceiver();
  const l = await startListen(["--forward-to", `${rx.url}/myapp/index.php?option=app1&task=hook`]);
  try {
    const { q, body } = DESTROY;
    // Raw HTTP: a chunked body, Expect: 100-continue, and a Connection header naming another header.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${l.url}/cb?${q}`,
        {
          method: "POST",
          headers: {
            "transfer-encoding": "chunked",
            expect: "100-continue",
            connection: "keep-alive, x-hop",
            "x-hop": "1",
            "keep-alive": "timeout=5",
            "roomhook-event-id": "evt_y",
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on("error", reject);
      req.on("continue", () => req.end(body));
    });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(JSON.parse(answer.text), { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" });
    const got = rx.received[0];
    assert.equal(got?.path, "/myapp/index.php");
    assert.equal(got?.rawQuery, `option=app1&task=hook&${q}`);
    assert.equal(got?.body, body);
    assert.equal(got?.headers["roomhook-event-id"], "evt_y");
    for (const h of ["expect", "x-hop", "keep-alive"]) assert.equal(got?.headers[h], undefined, h);
    await l.waitFor(/forwarded to .*: HTTP 200/);
  } finally {
    await l.stop();
    await rx.close();
  }
});

test("exit codes and help: 0 ok, 1 failure, 2 usage", async () => {
  assert.equal((await run([])).code, 2);
  for (const c of ["usersig", "listen", "trigger"]) {
    const h = await run([c, "--help"]);
    assert.equal(h.code, 0);
    assert.match(h.out, new RegExp(`Usage: roomhook ${c}`));
  }
  assert.equal((await run(["frobnicate"])).code, 2);
  assert.equal((await run(["usersig"])).code, 2);
  assert.equal((await run(["listen", "--port", "99999"])).code, 2);
  assert.equal((await run(["trigger", "owner-change", "--room", "x"])).code, 2);
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
    assert.equal(cfg.Url, `${l.url}/callback`);
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
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.err,
    /unknown callback command Live\.CallbackAfterDance; known: Live\.CallbackAfterCreateRoom/,
  );
  const follow = await run(["trigger", "Follow.CallbackAfterFollowAdd", "--url", t.url]);
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
    for (let i = 0; i < 400 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 25));
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
    // The tail's own polling (the *_feed commands) is not in the feed it prints.
    assert.doesNotMatch(out, /_feed/);
  } finally {
    c.kill("SIGINT");
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});
