import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../src/delivery/retry-schedule.ts";
import { failed, ok, startTestServer } from "./support/harness.ts";
import { startReceiver, type Received, type Reply } from "./support/receiver.ts";

/** The receiver's answer is whatever the current test sets here. */
let answer: (r: Received, n: number) => Reply = () => ({});
let rx: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  rx = await startReceiver((r, n) => answer(r, n));
});
after(() => rx.close());

interface DeliveryView {
  DeliveryId: number;
  State: string;
  Attempts: number;
  NextAttemptTime?: number;
  LastError?: string;
  AttemptList: { HttpStatus?: number; Error?: string; Reply?: string }[];
}

async function setup(opts: { url?: string; env?: Record<string, string> } = {}) {
  const t = await startTestServer({ env: { ROOMHOOK_CALLBACK_TIMEOUT_MS: "300", ...opts.env } });
  ok(
    await t.call(
      "set_callback",
      { Url: opts.url ?? rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  const deliveries = async (roomId: string) =>
    (
      ok(await t.call("get_delivery_list", { RoomId: roomId, Limit: 100 }, { service: "roomhook_delivery" }))
        .Response as {
        DeliveryList: DeliveryView[];
      }
    ).DeliveryList.reverse();
  const change = async (roomId: string, to: string) =>
    ok(await t.call("change_room_owner", { RoomId: roomId, NewOwner_Account: to }));
  const room = async (roomId: string) =>
    ok(await t.call("create_room", { RoomInfo: { RoomId: roomId, RoomType: "Live", Owner_Account: "u0" } }));
  return { t, deliveries, change, room };
}

const owners = (rs: Received[], roomId: string) =>
  rs
    .map((r) => JSON.parse(r.body) as { RoomId: string; CurrentOwner_Account: string })
    .filter((p) => p.RoomId === roomId)
    .map((p) => p.CurrentOwner_Account);

test("500 twice, then 200: retried on the schedule, then delivered; the log has every attempt", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    await room("r500");
    const start = rx.received.length;
    answer = (_r, n) => (n - start <= 2 ? { status: 500, body: "oops" } : {});
    await change("r500", "u1");
    await t.server.dispatcher.runOnce();
    let [d] = await deliveries("r500");
    assert.equal(d?.State, "pending");
    assert.equal(d?.Attempts, 1);
    assert.equal(d?.LastError, "HTTP 500");
    const firstDelay = d.NextAttemptTime! - t.clock.now();
    assert.ok(
      firstDelay >= RETRY_DELAYS_MS[0] * 0.8 && firstDelay <= RETRY_DELAYS_MS[0] * 1.2,
      `delay ${firstDelay}`,
    );
    // Not due yet: nothing is sent.
    t.clock.advance(firstDelay - 1);
    await t.server.dispatcher.runOnce();
    assert.equal(rx.received.length - start, 1);
    t.clock.advance(1);
    await t.server.dispatcher.runOnce();
    assert.equal(rx.received.length - start, 2);
    t.clock.advance(RETRY_DELAYS_MS[1] * 1.2);
    await t.server.dispatcher.runOnce();
    [d] = await deliveries("r500");
    assert.equal(d?.State, "delivered");
    assert.deepEqual(
      d?.AttemptList.map((a) => a.HttpStatus),
      [500, 500, 200],
    );
    assert.equal(d?.AttemptList[0]?.Reply, "oops");
    // Every attempt carried the same event id, and its number.
    const tries = rx.received.slice(start);
    assert.equal(new Set(tries.map((r) => r.headers["roomhook-event-id"])).size, 1);
    assert.deepEqual(
      tries.map((r) => r.headers["roomhook-attempt"]),
      ["1", "2", "3"],
    );
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("a FAIL reply is delivered and not retried (Tencent: after-callback replies are ignored)", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    await room("rfail");
    answer = () => ({ body: '{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"no"}' });
    await change("rfail", "u1");
    await t.server.dispatcher.runOnce();
    const [d] = await deliveries("rfail");
    assert.equal(d?.State, "delivered");
    assert.equal(d?.AttemptList[0]?.Reply, '{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"no"}');
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("each kind of failure is recorded and retried: non-JSON, non-200, redirect, timeout, reset", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    const cases: [Reply, RegExp][] = [
      [{ body: "<html>ok</html>" }, /reply is not JSON/],
      [{ status: 404, body: "{}" }, /HTTP 404/],
      [{ status: 302, body: "", headers: { location: "http://127.0.0.1:1/elsewhere" } }, /HTTP 302/],
      ["hang", /timeout after 300 ms/],
      ["reset", /ECONNRESET|SocketError|UND_ERR_SOCKET|other side closed/],
    ];
    for (const [i, [reply, error]] of cases.entries()) {
      await room(`rf${i}`);
      answer = () => reply;
      await change(`rf${i}`, "u1");
      await t.server.dispatcher.runOnce();
      const [d] = await deliveries(`rf${i}`);
      assert.equal(d?.State, "pending", `case ${i}`);
      assert.match(d?.LastError ?? "", error, `case ${i}`);
      assert.ok((d?.NextAttemptTime ?? 0) > t.clock.now(), `case ${i} retries later`);
    }
    // A redirect is not followed.
    assert.equal(rx.received.filter((r) => r.path === "/elsewhere").length, 0);
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("a refused connection is retried; the receiver coming back gets it", async () => {
  // A port with nothing listening: take one from the OS, then close it.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) =>
    probe.close(() => {
      r();
    }),
  );
  const { t, deliveries, change, room } = await setup({ url: `http://127.0.0.1:${port}/down` });
  try {
    await room("rdown");
    await change("rdown", "u1");
    await t.server.dispatcher.runOnce();
    const [d] = await deliveries("rdown");
    assert.equal(d?.State, "pending");
    assert.match(d?.LastError ?? "", /ECONNREFUSED/);
    // The App backend fixes its URL: pending deliveries go to the URL configured at send time.
    ok(
      await t.call(
        "update_callback",
        { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
        { service: "live_config" },
      ),
    );
    t.clock.advance(10_000);
    await t.server.dispatcher.runOnce();
    assert.equal((await deliveries("rdown"))[0]?.State, "delivered");
  } finally {
    await t.close();
  }
});

test("429 and 503 honour Retry-After within bounds", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    await room("r429");
    answer = () => ({ status: 429, body: "{}", headers: { "retry-after": "120" } });
    await change("r429", "u1");
    await t.server.dispatcher.runOnce();
    let [d] = await deliveries("r429");
    assert.equal(d?.NextAttemptTime, t.clock.now() + 120_000);
    answer = () => ({ status: 503, body: "{}", headers: { "retry-after": "999999" } });
    t.clock.advance(120_000);
    await t.server.dispatcher.runOnce();
    [d] = await deliveries("r429");
    assert.equal(d?.NextAttemptTime, t.clock.now() + 3_600_000, "capped at one hour");
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("410 Gone disables the configuration, says why, and ends what was waiting; update re-enables", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    await room("r410");
    await room("r410b");
    answer = () => ({ status: 410, body: "{}" });
    await change("r410", "u1");
    await t.server.dispatcher.runOnce();
    const [d] = await deliveries("r410");
    assert.equal(d?.State, "dead");
    const cfg = ok(await t.call("get_callback", {}, { service: "live_config" })).Response as {
      DisabledReason?: string;
    };
    assert.match(cfg.DisabledReason ?? "", /410 Gone/);
    answer = () => ({});
    const n = rx.received.length;
    await change("r410b", "u1");
    await t.server.dispatcher.runOnce();
    assert.equal(rx.received.length, n, "disabled: nothing is sent");
    assert.equal((await deliveries("r410b")).length, 0, "and nothing is queued");
    ok(
      await t.call(
        "update_callback",
        { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
        { service: "live_config" },
      ),
    );
    await change("r410b", "u2");
    await t.server.dispatcher.runOnce();
    assert.equal(rx.received.length, n + 1);
    // The dead one comes back by hand.
    ok(await t.call("redeliver", { DeliveryId: d.DeliveryId }, { service: "roomhook_delivery" }));
    await t.server.dispatcher.runOnce();
    assert.equal((await deliveries("r410"))[0]?.State, "delivered");
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("after the last attempt a delivery is dead; redeliver_dead brings back a time range", async () => {
  const { t, deliveries, change, room } = await setup();
  try {
    await room("rdead");
    answer = () => ({ status: 500, body: "{}" });
    const createdAt = t.clock.now();
    await change("rdead", "u1");
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await t.server.dispatcher.runOnce();
      // Past the longest delay with the most jitter (8 h + 20%).
      t.clock.advance(10 * 3600_000);
    }
    const [d] = await deliveries("rdead");
    assert.equal(d?.State, "dead");
    assert.equal(d?.Attempts, MAX_ATTEMPTS);
    assert.match(d?.LastError ?? "", /after 12 attempts/);
    answer = () => ({});
    const ext = (cmd: string, body: unknown) => t.call(cmd, body, { service: "roomhook_delivery" });
    failed(await ext("redeliver", { DeliveryId: 999999 }), 100002);
    const none = ok(
      await ext("redeliver_dead", { StartTime: createdAt + 1, EndTime: createdAt + 2 }),
    ).Response;
    assert.deepEqual(none, { Count: 0, DeliveryIdList: [] });
    const some = ok(await ext("redeliver_dead", { StartTime: createdAt, EndTime: createdAt + 1 })).Response;
    assert.deepEqual(some, { Count: 1, DeliveryIdList: [d.DeliveryId] });
    failed(await ext("redeliver", { DeliveryId: d.DeliveryId }), 100002); // already pending again
    await t.server.dispatcher.runOnce();
    const [again] = await deliveries("rdead");
    assert.equal(again?.State, "delivered");
    assert.equal(again?.Attempts, MAX_ATTEMPTS + 1);
  } finally {
    answer = () => ({});
    await t.close();
  }
});

test("lanes: a room whose receiver fails never delays another room, and each room keeps its order", async () => {
  const { t, change, room } = await setup();
  try {
    await room("slow");
    await room("fast");
    let slowDown = true;
    answer = (r) =>
      (JSON.parse(r.body) as { RoomId: string }).RoomId === "slow" && slowDown
        ? { status: 500, body: "{}" }
        : {};
    const start = rx.received.length;
    for (let i = 1; i <= 5; i++) {
      await change("slow", `s${i}`);
      await change("fast", `f${i}`);
    }
    await t.server.dispatcher.runOnce();
    const first = rx.received.slice(start);
    assert.deepEqual(
      owners(first, "fast"),
      ["f1", "f2", "f3", "f4", "f5"],
      "fast room: all, in order, at once",
    );
    assert.deepEqual(owners(first, "slow"), ["s1"], "slow room: only its head was tried");
    slowDown = false;
    t.clock.advance(10_000);
    await t.server.dispatcher.runOnce();
    const all = rx.received.slice(start);
    assert.deepEqual(
      owners(all, "slow"),
      ["s1", "s1", "s2", "s3", "s4", "s5"],
      "slow room: in order once it recovers",
    );
  } finally {
    answer = () => ({});
    await t.close();
  }
});
