import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { loadConfig, ConfigError } from "../src/config.ts";
import { ok, startTestServer, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

/**
 * Operational events (issue 14): roomhook's own events to the operator Url, signed with Standard
 * Webhooks and checked by the `standardwebhooks` package, not by our own code.
 */
const require = createRequire(import.meta.url);
const { Webhook } = require("standardwebhooks") as {
  Webhook: new (secret: string) => { verify(body: string, headers: Record<string, string>): unknown };
};
const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

interface OpEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

let t: TestServer;
let app: Receiver;
let operator: Receiver;
let appAnswer = 200;
let operatorAnswer = 200;
before(async () => {
  app = await startReceiver(() => ({ status: appAnswer }));
  operator = await startReceiver(() => ({ status: operatorAnswer, body: "" }));
  t = await startTestServer({
    env: {
      ROOMHOOK_OPERATOR_URL: `${operator.url}/ops`,
      ROOMHOOK_OPERATOR_SECRET: SECRET,
      ROOMHOOK_OUTBOX_AGE_ALERT: "60",
    },
  });
  // standardwebhooks checks the timestamp against the real clock.
  t.clock.ms = Date.now();
  ok(
    await t.call(
      "set_callback",
      { Url: app.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
});
after(async () => {
  await t.close();
  await app.close();
  await operator.close();
});

/** Every operational event received so far, each checked against its Standard Webhooks signature. */
function events(): OpEvent[] {
  return operator.received.map((r) => {
    const headers = {
      "webhook-id": String(r.headers["webhook-id"]),
      "webhook-timestamp": String(r.headers["webhook-timestamp"]),
      "webhook-signature": String(r.headers["webhook-signature"]),
    };
    assert.doesNotThrow(() => new Webhook(SECRET).verify(r.body, headers), "signature verifies");
    return JSON.parse(r.body) as OpEvent;
  });
}

async function until(type: string, n = 1): Promise<OpEvent[]> {
  for (let i = 0; i < 300; i++) {
    const found = events().filter((e) => e.type === type);
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(
    `no ${type} operational event; got ${events()
      .map((e) => e.type)
      .join(", ")}`,
  );
}

async function change(roomId: string): Promise<void> {
  ok(await t.call("create_room", { RoomInfo: { RoomId: roomId, RoomType: "Live", Owner_Account: "a" } }));
  ok(await t.call("change_room_owner", { RoomId: roomId, NewOwner_Account: "b" }));
}

test("a receiver failing 3 times in a row is reported failing, then recovered when it answers", async () => {
  appAnswer = 500;
  await change("op-1");
  for (let i = 0; i < 3; i++) {
    await t.server.dispatcher.runOnce();
    t.clock.advance(10 * 60_000);
  }
  const [failing] = await until("receiver.failing");
  assert.equal(failing?.data.SDKAppID, 1400000000);
  assert.equal(failing.data.FailedAttempts, 3);
  assert.equal(failing.data.Receiver, new URL(app.url).origin);
  assert.equal(failing.data.LastError, "HTTP 500");
  assert.equal(events().filter((e) => e.type === "receiver.recovered").length, 0);
  appAnswer = 200;
  await t.server.dispatcher.runOnce();
  const [recovered] = await until("receiver.recovered");
  assert.equal(recovered?.data.FailedAttempts, 3);
  assert.ok(Date.parse(recovered.timestamp) > 0);
});

test("a delivery that gives up is reported dead, with its room, command, attempts and reason", async () => {
  appAnswer = 500;
  await change("op-2");
  for (let i = 0; i < 12; i++) {
    await t.server.dispatcher.runOnce();
    t.clock.advance(10 * 60 * 60_000);
  }
  const [dead] = await until("delivery.dead");
  assert.equal(dead?.data.RoomId, "op-2");
  assert.equal(dead.data.CallbackCommand, "Live.CallbackAfterChangeOwner");
  assert.equal(dead.data.Attempts, 12);
  assert.match(String(dead.data.Reason), /HTTP 500 \(after 12 attempts\)/);
  appAnswer = 200;
});

test("a 410 disables the configuration: callback_config.disabled (and the delivery is dead)", async () => {
  appAnswer = 410;
  await change("op-3");
  await t.server.dispatcher.runOnce();
  const [disabled] = await until("callback_config.disabled");
  assert.equal(disabled?.data.Url, app.url);
  assert.match(String(disabled.data.Reason), /410 Gone/);
  const dead = await until("delivery.dead", 2);
  assert.ok(dead.some((e) => e.data.RoomId === "op-3"));
  appAnswer = 200;
  ok(
    await t.call(
      "update_callback",
      { Url: app.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
});

test("the outbox older than the threshold: outbox.delayed once, outbox.recovered when it is young again", async () => {
  const ops = t.server.operator;
  assert.ok(ops);
  await change("op-4");
  await ops.checkOutbox();
  assert.equal(events().filter((e) => e.type === "outbox.delayed").length, 0, "young: nothing to say");
  t.clock.advance(61_000);
  await ops.checkOutbox();
  await ops.checkOutbox();
  const delayed = await until("outbox.delayed");
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events().filter((e) => e.type === "outbox.delayed").length, 1, "said once");
  assert.ok(Number(delayed[0]?.data.OldestPendingAgeSeconds) >= 61);
  assert.equal(delayed[0]?.data.ThresholdSeconds, 60);
  await t.server.dispatcher.runOnce();
  await ops.checkOutbox();
  await until("outbox.recovered");
});

test("an operator Url that fails is tried again; the same event keeps its webhook-id", async () => {
  const before = operator.received.length;
  operatorAnswer = 503;
  appAnswer = 410;
  await change("op-5");
  await t.server.dispatcher.runOnce();
  await operator.waitFor(before + 1);
  operatorAnswer = 200;
  // The first retry waits a second.
  await operator.waitFor(before + 3, 5000);
  const ids = operator.received.slice(before).map((r) => String(r.headers["webhook-id"]));
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.ok(repeated.length >= 1, `an event was sent again with the same id: ${ids.join(" ")}`);
  appAnswer = 200;
});

test("the operator settings are checked at start: a Url without a secret, a bad secret, a Url with a password", () => {
  const load = (env: Record<string, string>) => () => loadConfig({ env, argv: [] });
  assert.throws(load({ ROOMHOOK_OPERATOR_URL: "https://ops.example.com/x" }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /ROOMHOOK_OPERATOR_SECRET/);
    return true;
  });
  assert.throws(
    load({ ROOMHOOK_OPERATOR_URL: "https://ops.example.com/x", ROOMHOOK_OPERATOR_SECRET: "whsec_c2hvcnQ=" }),
    /ROOMHOOK_OPERATOR_SECRET: must be whsec_/,
  );
  assert.throws(
    load({ ROOMHOOK_OPERATOR_URL: "https://u:p@ops.example.com/x", ROOMHOOK_OPERATOR_SECRET: SECRET }),
    /ROOMHOOK_OPERATOR_URL: must not carry a user name or password/,
  );
  assert.throws(
    load({ ROOMHOOK_OPERATOR_URL: "ftp://ops.example.com/", ROOMHOOK_OPERATOR_SECRET: SECRET }),
    /http/,
  );
  assert.equal(
    loadConfig({
      env: { ROOMHOOK_OPERATOR_URL: "https://ops.example.com/x", ROOMHOOK_OPERATOR_SECRET: SECRET },
      argv: [],
    }).operatorUrl,
    "https://ops.example.com/x",
  );
});
