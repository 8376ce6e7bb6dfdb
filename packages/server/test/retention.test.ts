import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../src/logger.ts";
import { createRetention, type RetentionPass } from "../src/retention.ts";
import type { RoomStore } from "../src/rooms/commands.ts";
import type { PruneBatch } from "../src/store/store.ts";
import { failed, ok, startTestServer, TEST_APP } from "./support/harness.ts";
import { stopOwnPostgres } from "./support/postgres.ts";
import { startReceiver, type Received } from "./support/receiver.ts";

/**
 * Retention through the running server, with the injected clock, on SQLite and on PostgreSQL: what
 * is old goes, in batches; what is still needed stays, whatever its age; the catch-up query and the
 * PreviousSequence chain still answer after a pass; writes go on while a pass runs.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** The receiver fails the callbacks whose new owner is "doomed"; every other one is delivered. */
let rx: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  rx = await startReceiver((r: Received) =>
    r.body.includes('"CurrentOwner_Account":"doomed"') ? { status: 500, body: "no" } : {},
  );
});
after(async () => {
  await rx.close();
  await stopOwnPostgres();
});

interface Callback {
  Sequence: number;
  PreviousSequence: number;
  State: string;
}

async function setup(store: "sqlite" | "pg", env: Record<string, string> = {}) {
  const t = await startTestServer({ store, env: { ROOMHOOK_CALLBACK_TIMEOUT_MS: "500", ...env } });
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  const ext = (command: string, body: unknown) => t.call(command, body, { service: "roomhook_delivery" });
  return {
    t,
    ext,
    room: async (roomId: string) =>
      ok(
        await t.call("create_room", { RoomInfo: { RoomId: roomId, RoomType: "Live", Owner_Account: "u0" } }),
      ),
    change: async (roomId: string, to: string) =>
      ok(await t.call("change_room_owner", { RoomId: roomId, NewOwner_Account: to })),
    /** The room's callbacks as the catch-up query answers them. */
    callbacks: async (roomId: string, after = 0) =>
      (
        ok(await ext("get_room_callbacks", { RoomId: roomId, AfterSequence: after })).Response as {
          CallbackList: Callback[];
        }
      ).CallbackList,
    deliveries: async (roomId: string) =>
      (
        ok(await ext("get_delivery_list", { RoomId: roomId, Limit: 100 })).Response as {
          DeliveryList: { DeliveryId: number; Sequence: number; State: string }[];
        }
      ).DeliveryList.reverse(),
    events: async (roomId: string) =>
      (await t.server.store.read((r) => r.listEvents(TEST_APP, roomId, 0, 1000))).map((e) => e.seq),
  };
}

const seqs = (l: { Sequence: number }[]) => l.map((c) => c.Sequence);
const states = (l: { Sequence: number; State: string }[]) => l.map((c) => `${c.Sequence}:${c.State}`);

for (const kind of ["sqlite", "pg"] as const) {
  describe(`retention on ${kind === "pg" ? "PostgreSQL" : "SQLite"}`, () => {
    test("old delivered callbacks, their attempts and old events go; pending, dead (until their age) and each room's last stay", async () => {
      const { t, ext, room, change, callbacks, deliveries, events } = await setup(kind);
      try {
        for (const r of ["old", "dying", "stuck"]) await room(r);
        // Day 0: three callbacks delivered in "old"; one in "dying" that its receiver refuses.
        for (const u of ["u1", "u2", "u3"]) await change("old", u);
        await change("dying", "doomed");
        await t.server.dispatcher.runOnce();
        assert.deepEqual(states(await deliveries("old")), ["2:delivered", "3:delivered", "4:delivered"]);
        const [firstOld] = await deliveries("old");
        assert.ok(firstOld);
        // Its retries run out (about a day); then the room's next callback is delivered.
        for (let i = 0; i < 13; i++) {
          t.clock.advance(9 * HOUR);
          await t.server.dispatcher.runOnce();
        }
        await change("dying", "u9");
        await t.server.dispatcher.runOnce();
        assert.deepEqual(states(await deliveries("dying")), ["2:dead", "3:delivered"]);
        // A callback that is never sent (the dispatcher does not run again): pending from here on.
        await change("stuck", "u1");

        // Nothing is 7 days old yet.
        assert.deepEqual(await t.server.retention.runOnce(), {
          deliveries: 0,
          attempts: 0,
          events: 0,
          beforeCallbacks: 0,
          batches: 3,
        });

        // Day 12.9: delivered callbacks older than 7 days go with their attempts, but for each room's last.
        t.clock.advance(8 * DAY);
        const p1 = await t.server.retention.runOnce();
        assert.deepEqual([p1.deliveries, p1.attempts, p1.events], [2, 2, 0]);
        const metrics = await (await fetch(`${t.url}/metrics`)).text();
        assert.match(metrics, /^roomhook_retention_removed_total\{table="deliveries"\} 2$/m);
        assert.match(metrics, /^roomhook_retention_removed_total\{table="delivery_attempts"\} 2$/m);
        assert.deepEqual(states(await deliveries("old")), ["4:delivered"]);
        failed(await ext("get_delivery", { DeliveryId: firstOld.DeliveryId }), 100002);
        assert.deepEqual(states(await deliveries("dying")), ["2:dead", "3:delivered"], "dead: 30 days");
        assert.deepEqual(states(await deliveries("stuck")), ["2:pending"], "pending: never");
        // The catch-up query answers from the room's last callback; the chain goes on from it.
        const [last] = await callbacks("old");
        assert.deepEqual([last?.Sequence, last?.PreviousSequence], [4, 3]);
        await change("old", "u4");
        assert.deepEqual(
          (await callbacks("old", 4)).map((c) => [c.Sequence, c.PreviousSequence, c.State]),
          [[5, 4, "pending"]],
        );

        // Day 42.9: the dead one is past 30 days; events past 30 days go unless still needed.
        t.clock.advance(30 * DAY);
        const p2 = await t.server.retention.runOnce();
        assert.deepEqual(states(await deliveries("dying")), ["3:delivered"]);
        assert.deepEqual(states(await deliveries("stuck")), ["2:pending"]);
        assert.deepEqual(states(await deliveries("old")), ["5:pending"], "4 is no longer the last");
        assert.deepEqual([p2.deliveries, p2.attempts], [2, 12 + 1], "the dead one's 12 attempts, 4's one");
        assert.deepEqual(await events("old"), [5], "its delivery's event, and the room's last");
        assert.deepEqual(await events("dying"), [3]);
        assert.deepEqual(await events("stuck"), [2], "a pending delivery's event stays");
        assert.equal(p2.events, 4 + 2 + 1);
        assert.deepEqual(seqs(await callbacks("stuck")), [2]);
        // The sequence goes on from the room's, whatever its events left.
        await change("stuck", "u2");
        assert.deepEqual(
          (await callbacks("stuck")).map((c) => [c.Sequence, c.PreviousSequence]),
          [
            [2, 0],
            [3, 2],
          ],
        );
      } finally {
        await t.close();
      }
    });

    test("a pass runs in batches of the configured size; writes go on between them", async () => {
      const { t, room, change, deliveries, events } = await setup(kind, { ROOMHOOK_RETENTION_BATCH: "10" });
      try {
        const rooms = ["b1", "b2", "b3"];
        for (const r of rooms) await room(r);
        for (let i = 1; i <= 15; i++) for (const r of rooms) await change(r, `u${i}`);
        await t.server.dispatcher.runOnce();
        t.clock.advance(31 * DAY);

        // The server's store, watched: every batch, and whether a batch is in flight.
        const batches: { op: string; b: PruneBatch }[] = [];
        let gate: (() => void) | undefined;
        const held = new Promise<void>((resolve) => {
          gate = resolve;
        });
        let inFlight = 0;
        const store = t.server.store;
        const watched: RoomStore = {
          ...store,
          read: (fn) => store.read(fn),
          write: async (cmd) => {
            if (!cmd.op.startsWith("prune")) return store.write(cmd);
            // The second batch waits until the test's writes are done.
            if (batches.length === 1) await held;
            inFlight++;
            try {
              const b = (await store.write(cmd)) as PruneBatch;
              batches.push({ op: cmd.op, b });
              return b;
            } finally {
              inFlight--;
            }
          },
        } as RoomStore;
        const passes: RetentionPass[] = [];
        const retention = createRetention({
          store: watched,
          clock: t.clock,
          logger: createLogger({ level: "silent" }),
          settings: { deliveredDays: 7, deadDays: 30, eventsDays: 30, batchSize: 10, intervalMs: 0 },
          onPass: (p) => passes.push(p),
        });
        const pass = retention.runOnce();
        while (batches.length === 0) await new Promise((r) => setTimeout(r, 1));
        // Mid-pass, between two batches: owner changes (and their outbox rows) commit and answer.
        assert.equal(inFlight, 0);
        await Promise.all(rooms.map((r) => change(r, "late")));
        assert.equal(batches.length, 1, "the pass is still waiting");
        gate?.();
        const p = await pass;

        // Every delivered callback went (the late ones made seq 16 no longer its room's last before
        // the pass reached it); the late ones wait, with their events.
        for (const r of rooms) {
          assert.deepEqual(states(await deliveries(r)), ["17:pending"]);
          assert.deepEqual(await events(r), [17]);
        }
        assert.equal(p.deliveries, 45);
        assert.equal(p.attempts, 45);
        assert.equal(p.events, 3 + 45);
        assert.deepEqual(passes, [p]);
        // Every batch looked at no more than 10 rows, so removed no more than 10.
        const byOp = (op: string) => batches.filter((b) => b.op === op).map((b) => b.b);
        for (const b of batches) assert.ok(b.b.removed <= 10, JSON.stringify(b));
        assert.equal(byOp("pruneDeliveries").length, 5, "48 deliveries, 10 a batch");
        assert.equal(byOp("pruneEvents").length, 5, "the fifth window reaches the late events");
        assert.equal(byOp("pruneBeforeCallbacks").length, 1);
        assert.equal(p.batches, batches.length);
        assert.deepEqual(
          byOp("pruneDeliveries").map((b) => b.done),
          [false, false, false, false, true],
        );
        // Each batch starts after the last one's window.
        const ids = byOp("pruneDeliveries").map((b) => b.lastId);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
        );
        // A second pass finds nothing more.
        const again = await retention.runOnce();
        assert.deepEqual([again.deliveries, again.events, again.attempts], [0, 0, 0]);
        await retention.close();
      } finally {
        await t.close();
      }
    });
  });
}

test("ages of 0 keep everything; an interval of 0 never starts a pass by itself", async () => {
  const { t, room, change, deliveries } = await setup("sqlite");
  try {
    await room("k");
    for (const u of ["u1", "u2", "u3"]) await change("k", u);
    await t.server.dispatcher.runOnce();
    t.clock.advance(400 * DAY);
    const keep = createRetention({
      store: t.server.store,
      clock: t.clock,
      logger: createLogger({ level: "silent" }),
      settings: { deliveredDays: 0, deadDays: 0, eventsDays: 0, batchSize: 10, intervalMs: 0 },
    });
    assert.deepEqual(await keep.runOnce(), {
      deliveries: 0,
      attempts: 0,
      events: 0,
      beforeCallbacks: 0,
      batches: 0,
    });
    await keep.close();
    assert.equal((await deliveries("k")).length, 3);
  } finally {
    await t.close();
  }
});
