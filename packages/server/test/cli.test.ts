import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { callbackSign } from "@roomhook/protocol";
import { ok, startTestServer, TEST_KEY, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";
import { cliProcesses } from "./support/cli.ts";
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

test("listen prints a callback that trigger caused, and answers OK", async () => {
  const l = await startListen(["--server", t.url, "--no-register"]);
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
    // --user names the new owner as well (the callback-command form's flag).
    const again = await run([
      "trigger",
      "owner-change",
      "--room",
      "cli-1",
      "--user",
      "carol",
      "--url",
      t.url,
    ]);
    assert.equal(again.code, 0, again.err);
    await l.waitFor(/room cli-1: owner bob -> carol by administrator/);
    const list = ok(await t.call("get_delivery_list", { RoomId: "cli-1" }, { service: "roomhook_delivery" }))
      .Response as { DeliveryList: { State: string }[] };
    assert.deepEqual(
      list.DeliveryList.map((d) => d.State),
      ["delivered", "delivered", "delivered"],
    );
  } finally {
    assert.equal(await l.stop(), 0);
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});

test("trigger causes each callback of the room API, and listen prints each", async () => {
  const l = await startListen(["--server", t.url, "--no-register"]);
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
    "--server",
    t.url,
    "--no-register",
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
    const busy = await run(["listen", "--server", t.url, "--no-register", "--port", new URL(l.url).port]);
    assert.equal(busy.code, 1);
    assert.equal(
      busy.err,
      `roomhook listen: port ${new URL(l.url).port} on 127.0.0.1 is in use: choose another with --port\n`,
    );
    const noEq = await run(["listen", "--server", t.url, "--no-register", "--rewrite", "nothing"]);
    assert.equal(noEq.code, 2);
    assert.match(noEq.err, /--rewrite must be FROM=TO/);
    const bad = await run(["listen", "--server", t.url, "--no-register", "--before", "maybe"]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--before must be allow, refuse\[:CODE\] or refuse-matching:REGEX\[:CODE\]/);
  } finally {
    assert.equal(await l.stop(), 0);
    ok(await t.call("delete_callback", {}, { service: "live_config" }));
  }
});

test("listen refuses a foreign SdkAppid, a wrong Sign and a stale RequestTime, with the reason", async () => {
  const l = await startListen(["--server", t.url, "--no-register", "--token", "xxxxyyyy"]);
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
  const l = await startListen(["--server", t.url, "--no-register", "--forward-to", `${rx.url}/app`]);
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
  const l = await startListen([
    "--server",
    t.url,
    "--no-register",
    "--forward-to",
    `${rx.url}/myapp/index.php?option=app1&task=hook`,
  ]);
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
