import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { checkCallbackSign } from "@roomhook/protocol";
import { failed, ok, startTestServer, TEST_APP, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

const require = createRequire(import.meta.url);
const { Webhook } = require("standardwebhooks") as {
  Webhook: new (secret: string) => { verify(body: string, headers: Record<string, string>): unknown };
};

let t: TestServer;
let rx: Receiver;
before(async () => {
  t = await startTestServer();
  rx = await startReceiver();
});
after(async () => {
  await t.close();
  await rx.close();
});
beforeEach(async () => {
  // Each test starts from no configuration and no token.
  await t.call("delete_callback", {}, { service: "live_config" });
  await t.server.store.write({ op: "deleteSigningSecrets", appId: TEST_APP });
});

const cfg = (command: string, body: unknown) => t.call(command, body, { service: "live_config" });
const ext = (command: string, body: unknown) => t.call(command, body, { service: "roomhook_delivery" });
const ALL = [
  "Live.CallbackAfterCreateRoom",
  "Live.CallbackAfterDestroyRoom",
  "Live.CallbackAfterUpdateRoomInfo",
  "Live.CallbackAfterChangeOwner",
  "Live.CallbackAfterModifyAdmin",
];

test("live_config: set, get, update, delete, with 100300 and 100301", async () => {
  failed(await cfg("get_callback", {}), 100301);
  failed(await cfg("update_callback", { Url: rx.url, CallbackCommandList: [] }), 100301);
  ok(
    await cfg("set_callback", { Url: `${rx.url}/a`, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] }),
  );
  failed(await cfg("set_callback", { Url: `${rx.url}/b`, CallbackCommandList: [] }), 100300);
  assert.deepEqual(ok(await cfg("get_callback", {})).Response, {
    Url: `${rx.url}/a`,
    CallbackCommandList: ["Live.CallbackAfterChangeOwner"],
    DeliveryPolicy: "at-least-once",
  });
  ok(await cfg("update_callback", { Url: `${rx.url}/b`, CallbackCommandList: ALL }));
  assert.deepEqual(ok(await cfg("get_callback", {})).Response, {
    Url: `${rx.url}/b`,
    CallbackCommandList: ALL,
    DeliveryPolicy: "at-least-once",
  });
  ok(await cfg("delete_callback", {}));
  failed(await cfg("delete_callback", {}), 100301);
});

test("live_config: URL and command list are validated", async () => {
  for (const Url of ["ftp://x/y", "not a url", "javascript:alert(1)", "http://x/#frag", 42, ""]) {
    failed(await cfg("set_callback", { Url, CallbackCommandList: [] }), 100002);
  }
  failed(await cfg("set_callback", { Url: rx.url }), 100002);
  failed(
    await cfg("set_callback", { Url: rx.url, CallbackCommandList: "Live.CallbackAfterChangeOwner" }),
    100002,
  );
  failed(
    await cfg("set_callback", { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterNothing"] }),
    100002,
  );
  failed(await cfg("get_callback", {}), 100301);
});

test("a callback Url with credentials, or with Tencent's own parameters, is refused; its own query travels once", async () => {
  const port = new URL(rx.url).port;
  for (const Url of [`http://cbuser:s3cret@127.0.0.1:${port}/cb`, `http://cbuser@127.0.0.1:${port}/cb`]) {
    const env = failed(await cfg("set_callback", { Url, CallbackCommandList: [] }), 100002);
    assert.match(env.ErrorInfo, /user name or password/);
    assert.doesNotMatch(env.ErrorInfo, /s3cret/, "the password is not repeated back");
  }
  // Tencent's sample Url, and its parameters in other spellings.
  for (const [query, name] of [
    ["SdkAppid=1400000001&CallbackCommand=Live.CallbackAfterCreateRoom&contenttype=json", "SdkAppid"],
    ["x=1&callbackcommand=Live.CallbackAfterCreateRoom", "callbackcommand"],
    ["Sign=abc", "Sign"],
    ["requesttime=1", "requesttime"],
  ]) {
    const env = failed(
      await cfg("set_callback", { Url: `${rx.url}/callback?${query}`, CallbackCommandList: [] }),
      100002,
    );
    assert.match(env.ErrorInfo, new RegExp(`query parameter ${name}\\b`), env.ErrorInfo);
  }
  failed(await cfg("get_callback", {}), 100301);
  ok(
    await cfg("set_callback", {
      Url: `${rx.url}/myapp/index.php?option=app1&task=hook`,
      CallbackCommandList: ALL,
    }),
  );
  failed(
    await cfg("update_callback", { Url: `${rx.url}/cb?OptPlatform=x`, CallbackCommandList: ALL }),
    100002,
  );
  ok(
    await t.call("create_room", { RoomInfo: { RoomId: "own-query", RoomType: "Live", Owner_Account: "a" } }),
  );
  const before = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, before + 1);
  const r = rx.received.at(-1)!;
  assert.equal(r.path, "/myapp/index.php");
  assert.equal(r.query.get("option"), "app1");
  assert.equal(r.query.get("task"), "hook");
  for (const name of ["SdkAppid", "CallbackCommand", "contenttype", "ClientIP", "OptPlatform"])
    assert.equal(r.query.getAll(name).length, 1, name);
  assert.equal(r.headers.authorization, undefined);
});

test("set_callback_token: both fields first, any subset after; get_callback_token 100302 before", async () => {
  const fresh = await startTestServer();
  try {
    const c = (cmd: string, body: unknown) => fresh.call(cmd, body, { service: "live_config" });
    failed(await c("get_callback_token", {}), 100302);
    failed(await c("set_callback_token", { Token: "abc" }), 100002);
    failed(await c("set_callback_token", { Token: "", IsTokenEnable: true }), 100002);
    failed(await c("set_callback_token", { Token: "x".repeat(129), IsTokenEnable: true }), 100002);
    ok(await c("set_callback_token", { Token: "xxxxyyyy", IsTokenEnable: true }));
    assert.deepEqual(ok(await c("get_callback_token", {})).Response, {
      Token: "xxxxyyyy",
      IsTokenEnable: true,
    });
    ok(await c("set_callback_token", { IsTokenEnable: false }));
    assert.deepEqual(ok(await c("get_callback_token", {})).Response, {
      Token: "xxxxyyyy",
      IsTokenEnable: false,
    });
    failed(await c("set_callback_token", {}), 100002);
  } finally {
    await fresh.close();
  }
});

test("the seed: a REST owner change reaches the App backend exactly as Tencent documents it", async () => {
  ok(
    await cfg("set_callback", {
      Url: `${rx.url}/tencent-live`,
      CallbackCommandList: ["Live.CallbackAfterChangeOwner"],
    }),
  );
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "demo-42", RoomType: "Live", Owner_Account: "alice" },
    }),
  );
  t.clock.advance(123);
  ok(await t.call("change_room_owner", { RoomId: "demo-42", NewOwner_Account: "bob" }));
  const before = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, before + 1, "one callback: the create was not switched on");
  const r = rx.received.at(-1)!;

  assert.equal(r.method, "POST");
  assert.equal(r.path, "/tencent-live");
  // Query: Tencent's parameters, in Tencent's order, with Tencent's values.
  assert.deepEqual(
    [...r.query.entries()],
    [
      ["SdkAppid", String(TEST_APP)],
      ["CallbackCommand", "Live.CallbackAfterChangeOwner"],
      ["contenttype", "json"],
      ["ClientIP", "127.0.0.1"],
      ["OptPlatform", "RESTAPI"],
    ],
  );
  assert.equal(r.headers["content-type"], "application/json");
  // Body: the documented packet, field by field, with EventTime in ms and strings for accounts.
  const body = JSON.parse(r.body) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), [
    "CallbackCommand",
    "RoomId",
    "EventTime",
    "Operator_Account",
    "CurrentOwner_Account",
    "OriginalOwner_Account",
  ]);
  assert.equal(body.CallbackCommand, "Live.CallbackAfterChangeOwner");
  assert.equal(body.RoomId, "demo-42");
  assert.equal(body.EventTime, t.clock.now());
  assert.ok(Number.isInteger(body.EventTime) && body.EventTime > 1e12, "milliseconds");
  assert.equal(body.Operator_Account, "administrator");
  assert.equal(body.CurrentOwner_Account, "bob");
  assert.equal(body.OriginalOwner_Account, "alice");
  // Extension headers: stable event id and the room's sequence numbers.
  assert.match(String(r.headers["roomhook-event-id"]), /^evt_/);
  assert.equal(r.headers["roomhook-sequence"], "2");
  assert.equal(r.headers["roomhook-previous-sequence"], "0");
  assert.equal(r.headers["roomhook-attempt"], "1");
  assert.equal(r.headers["webhook-signature"], undefined, "no signing secret, no signature");

  // The delivery log shows the attempt.
  const list = ok(await ext("get_delivery_list", { RoomId: "demo-42" })).Response as {
    DeliveryList: {
      State: string;
      Attempts: number;
      EventId: string;
      AttemptList: { HttpStatus: number; Reply: string }[];
    }[];
  };
  assert.equal(list.DeliveryList.length, 1);
  const d = list.DeliveryList[0]!;
  assert.equal(d.State, "delivered");
  assert.equal(d.EventId, r.headers["roomhook-event-id"]);
  assert.equal(d.AttemptList[0]?.HttpStatus, 200);
  assert.equal(d.AttemptList[0]?.Reply, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}');
});

test("switched off, nothing arrives; a change applies to events committed after it", async () => {
  ok(await cfg("set_callback", { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterCreateRoom"] }));
  ok(await t.call("create_room", { RoomInfo: { RoomId: "sw", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("change_room_owner", { RoomId: "sw", NewOwner_Account: "bob" }));
  const n0 = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.deepEqual(
    rx.received.slice(n0).map((r) => r.query.get("CallbackCommand")),
    ["Live.CallbackAfterCreateRoom"],
  );
  ok(await cfg("update_callback", { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] }));
  ok(await t.call("change_room_owner", { RoomId: "sw", NewOwner_Account: "carol" }));
  const n1 = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, n1 + 1);
  const last = rx.received.at(-1)!;
  assert.equal((JSON.parse(last.body) as { CurrentOwner_Account: string }).CurrentOwner_Account, "carol");
  // The previous callback of this room to this app was the create (seq 1); the first change (seq 2) was off.
  assert.equal(last.headers["roomhook-sequence"], "3");
  assert.equal(last.headers["roomhook-previous-sequence"], "1");
  ok(await cfg("delete_callback", {}));
  ok(await t.call("change_room_owner", { RoomId: "sw", NewOwner_Account: "dave" }));
  const n2 = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, n2, "no configuration, nothing sent");
});

test("with a token, Sign and RequestTime follow Tencent's rule; the URL's own query is kept", async () => {
  ok(
    await cfg("set_callback", {
      Url: `${rx.url}/hook?tenant=7&x=a%20b`,
      CallbackCommandList: ["Live.CallbackAfterChangeOwner"],
    }),
  );
  ok(await cfg("set_callback_token", { Token: "xxxxyyyy", IsTokenEnable: true }));
  ok(
    await t.call("create_room", { RoomInfo: { RoomId: "signed", RoomType: "Live", Owner_Account: "alice" } }),
  );
  ok(await t.call("change_room_owner", { RoomId: "signed", NewOwner_Account: "bob" }));
  const n = rx.received.length;
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, n + 1);
  const r = rx.received.at(-1)!;
  assert.deepEqual(
    [...r.query.keys()],
    [
      "tenant",
      "x",
      "SdkAppid",
      "CallbackCommand",
      "contenttype",
      "ClientIP",
      "OptPlatform",
      "Sign",
      "RequestTime",
    ],
  );
  assert.equal(r.query.get("x"), "a b");
  assert.equal(r.query.get("RequestTime"), String(Math.floor(t.clock.now() / 1000)));
  assert.deepEqual(
    checkCallbackSign({
      token: "xxxxyyyy",
      sign: r.query.get("Sign") ?? undefined,
      requestTime: r.query.get("RequestTime") ?? undefined,
      nowSeconds: Math.floor(t.clock.now() / 1000),
    }),
    { ok: true },
  );
  ok(await cfg("set_callback_token", { IsTokenEnable: false }));
});

test("Standard Webhooks signatures verify with the standardwebhooks package, both secrets during a rotation", async () => {
  // standardwebhooks checks the timestamp against the real clock.
  t.clock.ms = Date.now();
  ok(await cfg("set_callback", { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] }));
  const first = (ok(await ext("rotate_signing_secret", {})).Response as { Secret: string }).Secret;
  ok(await t.call("create_room", { RoomInfo: { RoomId: "swh", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("change_room_owner", { RoomId: "swh", NewOwner_Account: "bob" }));
  await t.server.dispatcher.runOnce();
  const headersOf = (r: (typeof rx.received)[number]) => ({
    "webhook-id": String(r.headers["webhook-id"]),
    "webhook-timestamp": String(r.headers["webhook-timestamp"]),
    "webhook-signature": String(r.headers["webhook-signature"]),
  });
  const r1 = rx.received.at(-1)!;
  assert.equal(r1.headers["webhook-id"], r1.headers["roomhook-event-id"]);
  assert.deepEqual(new Webhook(first).verify(r1.body, headersOf(r1)), JSON.parse(r1.body));

  const second = (ok(await ext("rotate_signing_secret", {})).Response as { Secret: string }).Secret;
  const secrets = (
    ok(await ext("get_signing_secrets", {})).Response as {
      SecretList: { Secret: string; ExpireTime?: number }[];
    }
  ).SecretList;
  assert.deepEqual(
    secrets.map((s) => s.Secret),
    [second, first],
  );
  assert.equal(secrets[1]?.ExpireTime, t.clock.now() + 86400_000);
  ok(await t.call("change_room_owner", { RoomId: "swh", NewOwner_Account: "carol" }));
  await t.server.dispatcher.runOnce();
  const r2 = rx.received.at(-1)!;
  assert.equal(String(r2.headers["webhook-signature"]).split(" ").length, 2);
  assert.deepEqual(new Webhook(first).verify(r2.body, headersOf(r2)), JSON.parse(r2.body));
  assert.deepEqual(new Webhook(second).verify(r2.body, headersOf(r2)), JSON.parse(r2.body));

  // After the overlap only the new secret signs.
  t.clock.advance(86400_000 + 1);
  ok(await t.call("change_room_owner", { RoomId: "swh", NewOwner_Account: "dave" }));
  await t.server.dispatcher.runOnce();
  const r3 = rx.received.at(-1)!;
  assert.equal(String(r3.headers["webhook-signature"]).split(" ").length, 1);
});

test("create, update, modify_admin and destroy send their documented packets through the same outbox", async () => {
  ok(await cfg("set_callback", { Url: rx.url, CallbackCommandList: ALL }));
  const n = rx.received.length;
  ok(await t.call("create_room", { RoomInfo: { RoomId: "all", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("update_room_info", { RoomInfo: { RoomId: "all", RoomName: "All" } }));
  ok(await t.call("modify_admin", { RoomId: "all", Admin_Account: ["bob"], OpType: "add" }));
  ok(await t.call("change_room_owner", { RoomId: "all", NewOwner_Account: "carol" }));
  ok(await t.call("destroy_room", { RoomId: "all" }));
  await t.server.dispatcher.runOnce();
  const got = rx.received.slice(n);
  assert.deepEqual(
    got.map((r) => [
      r.query.get("CallbackCommand"),
      r.headers["roomhook-sequence"],
      r.headers["roomhook-previous-sequence"],
    ]),
    [
      ["Live.CallbackAfterCreateRoom", "1", "0"],
      ["Live.CallbackAfterUpdateRoomInfo", "2", "1"],
      ["Live.CallbackAfterModifyAdmin", "3", "2"],
      ["Live.CallbackAfterChangeOwner", "4", "3"],
      ["Live.CallbackAfterDestroyRoom", "5", "4"],
    ],
  );
  for (const r of got) {
    assert.equal(
      (JSON.parse(r.body) as { CallbackCommand: string }).CallbackCommand,
      r.query.get("CallbackCommand"),
    );
  }
  const admin = JSON.parse(got[2]!.body) as Record<string, unknown>;
  assert.deepEqual(admin, {
    CallbackCommand: "Live.CallbackAfterModifyAdmin",
    RoomId: "all",
    Admin_Account: ["bob"],
    opType: "add",
    Operator_Account: "administrator",
    EventTime: t.clock.now(),
  });
  const destroyed = JSON.parse(got[4]!.body) as { EventType: string; RoomInfo: { Owner_Account: string } };
  assert.equal(destroyed.EventType, "DestroyByUser");
  assert.equal(destroyed.RoomInfo.Owner_Account, "carol");
  // The catch-up query returns the same packets, in order.
  const catchUp = ok(await ext("get_room_callbacks", { RoomId: "all", AfterSequence: 2 })).Response as {
    CallbackList: { Sequence: number; Packet: unknown }[];
    HasMore: boolean;
  };
  assert.deepEqual(
    catchUp.CallbackList.map((c) => c.Sequence),
    [3, 4, 5],
  );
  assert.deepEqual(catchUp.CallbackList[0]?.Packet, admin);
  assert.equal(catchUp.HasMore, false);
});
