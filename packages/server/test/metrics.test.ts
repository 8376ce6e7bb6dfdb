import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import pg from "pg";
import { failed, ok, startTestServer, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

/** The text is read by a real Prometheus parser, not by regular expressions. */
const require = createRequire(import.meta.url);
const parsePrometheus = require("parse-prometheus-text-format") as (text: string) => {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
  }[];
}[];

let t: TestServer;
let rx: Receiver;
let failing = false;
before(async () => {
  t = await startTestServer();
  rx = await startReceiver(() => (failing ? { status: 500 } : {}));
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
});
after(async () => {
  await t.close();
  await rx.close();
});

async function scrape(headers: Record<string, string> = {}, server = t) {
  const res = await fetch(`${server.url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/**
 * A histogram's observations in its first series (this parser keeps neither labels nor counts of a
 * histogram's series: its +Inf bucket is the count).
 */
function observations(families: ReturnType<typeof parsePrometheus>, name: string): number {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `${name} is exported`);
  assert.equal(f.type, "HISTOGRAM");
  return Number(f.metrics[0]?.buckets?.["+Inf"] ?? 0);
}

function value(
  families: ReturnType<typeof parsePrometheus>,
  name: string,
  labels: Record<string, string> = {},
) {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `${name} is exported`);
  const m = f.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m === undefined ? undefined : Number(m.value ?? m.count);
}

test("GET /metrics: an owner change's REST call and its delivery are counted; the outbox is seen", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "m1", RoomType: "Live", Owner_Account: "a" } }));
  ok(await t.call("change_room_owner", { RoomId: "m1", NewOwner_Account: "b" }));
  failed(await t.call("get_room_info", { RoomId: "nope" }), 100004);
  await t.raw(`/v4/not_a_service/whatever?${t.query()}`, { body: "{}" });
  let m = await scrape();
  assert.equal(
    value(m, "roomhook_outbox_pending"),
    1,
    "the owner change's callback waits for the dispatcher",
  );
  await t.server.dispatcher.runOnce();
  m = await scrape();
  const call = { service: "live_engine_http_srv", command: "change_room_owner", code: "0" };
  assert.equal(value(m, "roomhook_http_requests_total", call), 1);
  assert.equal(value(m, "roomhook_http_requests_total", { command: "get_room_info", code: "100004" }), 1);
  assert.equal(
    value(m, "roomhook_http_requests_total", { service: "unknown", command: "unknown", code: "60009" }),
    1,
  );
  assert.ok(observations(m, "roomhook_http_request_duration_seconds") >= 1);
  const delivered = { command: "Live.CallbackAfterChangeOwner", outcome: "delivered" };
  assert.equal(value(m, "roomhook_deliveries_total", delivered), 1);
  assert.equal(observations(m, "roomhook_delivery_lag_seconds"), 1);
  assert.equal(observations(m, "roomhook_delivery_attempt_duration_seconds"), 1);
  assert.equal(value(m, "roomhook_outbox_pending"), 0);
  assert.equal(value(m, "roomhook_outbox_dead"), 0);
  assert.equal(value(m, "roomhook_ws_connections"), 0);
  assert.ok((value(m, "roomhook_process_cpu_user_seconds_total") ?? -1) >= 0, "process metrics");
  // Every write was made durable by some commit: create, change, the attempt's record at least.
  assert.ok(observations(m, "roomhook_store_commit_batch_size") >= 3, "commits observed");
});

test("a failing receiver: failed attempts counted, the oldest pending delivery ages with the clock", async () => {
  failing = true;
  try {
    ok(await t.call("create_room", { RoomInfo: { RoomId: "m2", RoomType: "Live", Owner_Account: "a" } }));
    ok(await t.call("change_room_owner", { RoomId: "m2", NewOwner_Account: "b" }));
    await t.server.dispatcher.runOnce();
    t.clock.advance(90_000);
    const m = await scrape();
    assert.equal(value(m, "roomhook_deliveries_total", { outcome: "failed" }), 1);
    assert.equal(value(m, "roomhook_outbox_pending"), 1);
    assert.ok((value(m, "roomhook_oldest_pending_delivery_age_seconds") ?? 0) >= 90);
  } finally {
    failing = false;
  }
});

test("/healthz and /readyz answer; with ROOMHOOK_METRICS_TOKEN, /metrics wants the bearer token", async () => {
  assert.deepEqual(await (await fetch(`${t.url}/healthz`)).json(), { status: "ok" });
  assert.deepEqual(await (await fetch(`${t.url}/readyz`)).json(), { status: "ready" });
  const s = await startTestServer({ env: { ROOMHOOK_METRICS_TOKEN: "s3cret" } });
  try {
    assert.equal((await fetch(`${s.url}/metrics`)).status, 401);
    assert.equal(
      (await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer wrong!" } })).status,
      401,
    );
    await scrape({ authorization: "Bearer s3cret" }, s);
  } finally {
    await s.close();
  }
});

test("PostgreSQL: /readyz is 503 while the connection that hears other processes' events is down, ready once it is back", async () => {
  const s = await startTestServer({ store: "pg" });
  try {
    assert.equal((await fetch(`${s.url}/readyz`)).status, 200);
    const admin = new pg.Client({ connectionString: s.config.databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query<{ n: string }>(
        "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
      );
      assert.equal(Number(killed.rows[0]?.n), 1, "the listening connection was found and ended");
    } finally {
      await admin.end();
    }
    let down: { status: number; body: { reason?: string } } | undefined;
    for (let i = 0; i < 100 && down === undefined; i++) {
      const r = await fetch(`${s.url}/readyz`);
      if (r.status === 503) down = { status: r.status, body: (await r.json()) as { reason?: string } };
      else await new Promise((res) => setTimeout(res, 10));
    }
    assert.ok(down, "503 while the listener is down");
    assert.match(String(down.body.reason), /listens for other processes' events/);
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      back = (await fetch(`${s.url}/readyz`)).status === 200;
      if (!back) await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(back, "ready again once the listener is back");
  } finally {
    await s.close();
  }
});
