import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ok, startTestServer, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver, type Reply } from "./support/receiver.ts";

/**
 * An app's delivery policy (issue 15): `tencent` is what Tencent documents for Live and Chat
 * callbacks, one attempt within 2 s and no retry; `tencent-retry-timeout` tries a timed-out attempt
 * once more. The default, at-least-once, is delivery.test.ts's.
 */
const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open) await o.close();
});

async function setUp(policy: string, answer: (n: number) => Reply): Promise<{ t: TestServer; rx: Receiver }> {
  const t = await startTestServer({ env: { ROOMHOOK_DELIVERY_POLICY: policy } });
  const rx = await startReceiver((_r, n) => answer(n));
  open.push(t, rx);
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  ok(await t.call("create_room", { RoomInfo: { RoomId: "p1", RoomType: "Live", Owner_Account: "a" } }));
  ok(await t.call("change_room_owner", { RoomId: "p1", NewOwner_Account: "b" }));
  return { t, rx };
}

async function deliveries(t: TestServer) {
  return (
    ok(await t.call("get_delivery_list", { RoomId: "p1" }, { service: "roomhook_delivery" })).Response as {
      DeliveryList: { State: string; Attempts: number; LastError?: string }[];
    }
  ).DeliveryList;
}

test("tencent: a failed attempt is the last one; get_callback says the policy", async () => {
  const { t, rx } = await setUp("tencent", () => ({ status: 500 }));
  await t.server.dispatcher.runOnce();
  t.clock.advance(24 * 3600_000);
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, 1, "one attempt, never retried");
  const [d] = await deliveries(t);
  assert.equal(d?.State, "dead");
  assert.equal(d.Attempts, 1);
  assert.match(d.LastError ?? "", /HTTP 500 \(delivery policy tencent: no more attempts\)/);
  const cfg = ok(await t.call("get_callback", {}, { service: "live_config" })).Response as {
    DeliveryPolicy: string;
  };
  assert.equal(cfg.DeliveryPolicy, "tencent");
});

test("tencent-retry-timeout: a timed-out attempt is tried once more at once; a second timeout is the end", async () => {
  const { t, rx } = await setUp("tencent-retry-timeout", (n) => (n === 1 ? "hang" : {}));
  await t.server.dispatcher.runOnce();
  assert.equal(rx.received.length, 2, "the timed-out attempt and its retry");
  const [d] = await deliveries(t);
  assert.equal(d?.State, "delivered");
  assert.equal(d.Attempts, 2);

  const other = await setUp("tencent-retry-timeout", () => "hang");
  await other.t.server.dispatcher.runOnce();
  assert.equal(other.rx.received.length, 2);
  const [dead] = await deliveries(other.t);
  assert.equal(dead?.State, "dead");
  assert.equal(dead.Attempts, 2);
  // A failure that is not a timeout is not retried.
  const failing = await setUp("tencent-retry-timeout", () => ({ status: 503 }));
  await failing.t.server.dispatcher.runOnce();
  assert.equal(failing.rx.received.length, 1);
});
