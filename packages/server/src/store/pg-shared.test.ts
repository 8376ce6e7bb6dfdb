import { after, test } from "node:test";
import pg from "pg";
import assert from "node:assert/strict";
import { adminContext as ctx, TEST_NOW as NOW, testRoom } from "../../test/support/fixtures.ts";
import type { PgStore } from "./pg-store.ts";
import { openTestPg } from "../../test/support/stores.ts";
import type { WriteCommand, WriteResults } from "../rooms/commands.ts";
import type { StoredRoomEvent } from "./store.ts";
import { freshDatabase, stopOwnPostgres } from "../../test/support/postgres.ts";

/** Two stores on one database stand for two processes: what they share, and how. */

after(() => stopOwnPostgres());

let url = "";

async function two(
  fn: (a: PgStore<WriteCommand, WriteResults>, b: PgStore<WriteCommand, WriteResults>) => Promise<void>,
): Promise<void> {
  url = await freshDatabase();
  // Opened together: the migrations run once.
  const [a, b] = await Promise.all([
    openTestPg(url, { poolSize: 4, nodeId: "A" }),
    openTestPg(url, { poolSize: 4, nodeId: "B" }),
  ]);
  try {
    await fn(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

function waitFor(what: string, ok: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const tick = () => {
      if (ok()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/** Owner changes get callbacks (to an address nothing listens on: these tests send nothing). */
function switchOnOwnerChanges(store: PgStore<WriteCommand, WriteResults>) {
  return store.write({
    op: "setCallback",
    appId: 1,
    config: { url: "http://127.0.0.1:1/", commands: ["Live.CallbackAfterChangeOwner"] },
    nowMs: NOW,
  });
}

test("a lane is leased to one process at a time; recording the attempt gives it back; a lease runs out", () =>
  two(async (a, b) => {
    await switchOnOwnerChanges(a);
    await a.write({ op: "createRoom", ctx, room: testRoom("L") });
    await a.write({ op: "createRoom", ctx, room: testRoom("M") });
    for (const u of ["o1", "o2"]) {
      await a.write({ op: "changeOwner", ctx, input: { roomId: "L", newOwner: u } });
      await b.write({ op: "changeOwner", ctx, input: { roomId: "M", newOwner: u } });
    }
    const lease = NOW + 10_000;
    const gotA = await a.sharedLanes.claim(NOW, 10, lease);
    assert.deepEqual(gotA.map((d) => [d.roomId, d.seq]).sort(), [
      ["L", 2],
      ["M", 2],
    ]);
    // B finds both lanes leased: nothing to send, although both have deliveries due.
    assert.deepEqual(await b.sharedLanes.claim(NOW, 10, lease), []);
    const headL = gotA.find((d) => d.roomId === "L");
    assert.ok(headL);
    await a.write({
      op: "recordAttempt",
      id: headL.id,
      appId: headL.appId,
      roomId: headL.roomId,
      attempt: { n: 1, startedMs: NOW, durationMs: 1, status: 200 },
      next: { state: "delivered" },
    });
    // L is back, with its next head; M is still A's.
    assert.deepEqual(
      (await b.sharedLanes.claim(NOW, 10, lease + 100_000)).map((d) => [d.roomId, d.seq]),
      [["L", 3]],
    );
    // A dies holding M: when its lease has run out, B takes M over and gets the same head again.
    assert.deepEqual(await b.sharedLanes.claim(lease - 1, 10, lease + 10_000), []);
    assert.deepEqual(
      (await b.sharedLanes.claim(lease, 10, lease + 10_000)).map((d) => [d.roomId, d.seq]),
      [["M", 2]],
    );
    // A's late record of M's head still counts once, and does not take the lane from B.
    const headM = gotA.find((d) => d.roomId === "M");
    assert.ok(headM);
    await a.write({
      op: "recordAttempt",
      id: headM.id,
      appId: headM.appId,
      roomId: headM.roomId,
      attempt: { n: 1, startedMs: NOW, durationMs: 1, status: 200 },
      next: { state: "delivered" },
    });
    assert.deepEqual(await a.sharedLanes.claim(lease + 1, 10, lease + 20_000), []);
    assert.equal((await a.read((tx) => tx.listAttempts(headM.id))).length, 1);
  }));

test("a retried head keeps its lane until it is due; a killed lane is given back empty", () =>
  two(async (a, b) => {
    await switchOnOwnerChanges(a);
    await a.write({ op: "createRoom", ctx, room: testRoom("R") });
    await a.write({ op: "changeOwner", ctx, input: { roomId: "R", newOwner: "x" } });
    await a.write({ op: "changeOwner", ctx, input: { roomId: "R", newOwner: "y" } });
    const [head] = await a.sharedLanes.claim(NOW, 10, NOW + 10_000);
    assert.ok(head);
    await a.write({
      op: "recordAttempt",
      id: head.id,
      appId: head.appId,
      roomId: head.roomId,
      attempt: { n: 1, startedMs: NOW, durationMs: 1, status: 500 },
      next: { state: "pending", nextAttemptMs: NOW + 5000 },
    });
    // The lane waits behind its head: the later delivery is not sent before it.
    assert.deepEqual(await b.sharedLanes.claim(NOW + 4999, 10, NOW + 20_000), []);
    assert.deepEqual(
      (await b.sharedLanes.claim(NOW + 5000, 10, NOW + 20_000)).map((d) => d.id),
      [head.id],
    );
    await b.write({ op: "disableCallback", appId: 1, reason: "410 Gone", nowMs: NOW });
    assert.equal(await b.read(async (tx) => (await tx.listPendingDeliveries()).length), 0);
  }));

test("room events reach the other process in sequence order, large ones too", () =>
  two(async (a, b) => {
    const seenByB: StoredRoomEvent[] = [];
    b.onRoomEvents((events) => seenByB.push(...events));
    await a.write({ op: "createRoom", ctx, room: testRoom("big", "o0", { CustomInfo: "x".repeat(12_000) }) });
    for (let i = 1; i <= 20; i++) {
      const via = i % 2 === 0 ? a : b;
      await via.write({ op: "changeOwner", ctx, input: { roomId: "big", newOwner: `o${i}` } });
    }
    await waitFor("21 events at B", () => seenByB.length >= 21);
    assert.deepEqual(
      seenByB.map((e) => e.seq),
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
    const created = seenByB[0]?.packet;
    assert.ok(created?.CallbackCommand === "Live.CallbackAfterCreateRoom");
    assert.equal(JSON.stringify(created).includes("x".repeat(12_000)), true, "the large event arrived whole");
  }));

test("a batch with events in hundreds of rooms commits, and all of them reach the other process", () =>
  two(async (a, b) => {
    const rooms = Array.from({ length: 300 }, (_, i) => `room-with-a-long-enough-name-${i}`);
    for (const r of rooms) await a.write({ op: "createRoom", ctx, room: testRoom(r, "o0") });
    const seenByB: StoredRoomEvent[] = [];
    b.onRoomEvents((events) => seenByB.push(...events));
    // Written together they commit in few batches, whose references pass PostgreSQL's 8000-byte
    // NOTIFY limit unless they are split.
    await Promise.all(
      rooms.map((r) => a.write({ op: "changeOwner", ctx, input: { roomId: r, newOwner: "o1" } })),
    );
    // Creates may still be arriving at B (NOTIFY is asynchronous): only the owner changes count.
    const changes = () => seenByB.filter((e) => e.packet.CallbackCommand === "Live.CallbackAfterChangeOwner");
    await waitFor("300 owner changes at B", () => changes().length >= 300);
    assert.deepEqual(new Set(changes().map((e) => e.roomId)), new Set(rooms));
    assert.ok(changes().every((e) => e.seq === 2));
  }));

test("a lost listening connection comes back; what it missed comes with the room's next event", () =>
  two(async (a, b) => {
    const seenByB: StoredRoomEvent[] = [];
    b.onRoomEvents((events) => seenByB.push(...events));
    await a.write({ op: "createRoom", ctx, room: testRoom("gap") });
    await waitFor("the create at B", () => seenByB.length === 1);
    // PostgreSQL ends both listening connections and, for a while, takes no new connection to this
    // database (as a restart or a network cut would); the pools' open connections go on working.
    const db = new URL(url).pathname.slice(1);
    const adminUrl = new URL(url);
    adminUrl.pathname = "/postgres"; // a database cannot shut its own door
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS false`);
      const ended = await admin.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN roomhook_settings%'",
      );
      assert.equal(ended.rows[0]?.n, 2, "both stores' listening connections");
      await a.write({ op: "changeOwner", ctx, input: { roomId: "gap", newOwner: "missed" } });
      await new Promise((r) => setTimeout(r, 2500)); // B tries to listen again, and fails, twice
    } finally {
      await admin.query(`ALTER DATABASE ${db} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 1500)); // B listens again
    await a.write({ op: "changeOwner", ctx, input: { roomId: "gap", newOwner: "next" } });
    await waitFor("3 events at B", () => seenByB.length >= 3);
    assert.deepEqual(
      seenByB.map((e) => e.seq),
      [1, 2, 3],
    );
  }));

test("a change of callback settings is told once to the process that made it and once to the others", () =>
  two(async (a, b) => {
    const atA: number[] = [];
    const atB: number[] = [];
    a.onSettingsChanged((app) => atA.push(app));
    b.onSettingsChanged((app) => atB.push(app));
    await switchOnOwnerChanges(a);
    await waitFor("B told", () => atB.length > 0);
    await new Promise((r) => setTimeout(r, 200)); // A's own notification, if it took it, has come by now
    assert.deepEqual(atA, [1]);
    assert.deepEqual(atB, [1]);
  }));
