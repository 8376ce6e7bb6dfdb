import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveError } from "../live-error.ts";
import { adminContext as ctx, TEST_NOW as NOW, testRoom } from "../../test/support/fixtures.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { ReadyDelivery, StoredRoomEvent } from "./store.ts";
import { openTestPg, openTestSqlite } from "../../test/support/stores.ts";
import { freshDatabase, stopOwnPostgres } from "../../test/support/postgres.ts";

/**
 * The store contract: what rules, dispatcher and gateway rely on, run against SQLite and PostgreSQL
 * alike. A store that passes here can carry the whole server.
 */

const kinds: { name: string; open: () => Promise<{ store: RoomStore; cleanup: () => void }> }[] = [
  {
    name: "SQLite",
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "roomhook-contract-"));
      const store = await openTestSqlite(dir);
      return {
        store,
        cleanup: () => {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    open: async () => ({
      store: await openTestPg(await freshDatabase()),
      cleanup: () => undefined,
    }),
  },
];

after(() => stopOwnPostgres());

async function withStore(
  open: () => Promise<{ store: RoomStore; cleanup: () => void }>,
  fn: (s: RoomStore) => Promise<void>,
) {
  const { store, cleanup } = await open();
  try {
    await fn(store);
  } finally {
    await store.close();
    cleanup();
  }
}

for (const kind of kinds) {
  describe(`store contract: ${kind.name}`, () => {
    test("a room's events get consecutive sequence numbers and read back as written", () =>
      withStore(kind.open, async (store) => {
        const seen: StoredRoomEvent[] = [];
        store.onRoomEvents((events) => seen.push(...events));
        const created = await store.write({ op: "createRoom", ctx, room: testRoom("r1", "alice") });
        assert.equal(created.seq, 1);
        const changed = await store.write({
          op: "changeOwner",
          ctx: { ...ctx, nowMs: NOW + 5 },
          input: { roomId: "r1", newOwner: "bob" },
        });
        assert.ok(changed.changed);
        assert.equal(changed.event.seq, 2);
        assert.equal(changed.originalOwner, "alice");
        const r = await store.read((tx) => tx.getRoom(1, "r1"));
        assert.deepEqual(r, { ...testRoom("r1", "bob") });
        const events = await store.read((tx) => tx.listEvents(1, "r1", 0, 10));
        assert.deepEqual(
          events.map((e) => [e.seq, e.packet.CallbackCommand, e.timeMs]),
          [
            [1, "Live.CallbackAfterCreateRoom", NOW],
            [2, "Live.CallbackAfterChangeOwner", NOW + 5],
          ],
        );
        assert.deepEqual(events[1]?.packet, changed.event.packet);
        assert.deepEqual(
          seen.map((e) => e.eventId),
          events.map((e) => e.eventId),
        );
      }));

    test("concurrent owner changes of one room run one at a time: each starts where the last ended", () =>
      withStore(kind.open, async (store) => {
        await store.write({ op: "createRoom", ctx, room: testRoom("hot", "u0") });
        const n = 40;
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            store.write({ op: "changeOwner", ctx, input: { roomId: "hot", newOwner: `u${i + 1}` } }),
          ),
        );
        assert.ok(results.every((r) => r.changed));
        const events = (await store.read((tx) => tx.listEvents(1, "hot", 1, 100))).map((e) => e.packet);
        assert.equal(events.length, n);
        let owner = "u0";
        for (const p of events) {
          assert.equal(p.CallbackCommand, "Live.CallbackAfterChangeOwner");
          if (p.CallbackCommand !== "Live.CallbackAfterChangeOwner") continue;
          assert.equal(p.OriginalOwner_Account, owner, "an owner change read an owner that was not the last");
          owner = p.CurrentOwner_Account;
        }
        assert.equal((await store.read((tx) => tx.getRoom(1, "hot")))?.Owner_Account, owner);
      }));

    test("a rule that fails writes nothing; concurrent creates of one room id: one wins", () =>
      withStore(kind.open, async (store) => {
        await assert.rejects(
          store.write({ op: "changeOwner", ctx, input: { roomId: "nope", newOwner: "b" } }),
          (e: unknown) => e instanceof LiveError && e.code === 100004,
        );
        const tries = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.write({ op: "createRoom", ctx, room: testRoom("same", `owner${i}`) }),
          ),
        );
        assert.equal(tries.filter((t) => t.status === "fulfilled").length, 1);
        for (const t of tries)
          if (t.status === "rejected")
            assert.ok(t.reason instanceof LiveError && t.reason.code === 100003, String(t.reason));
        assert.equal((await store.read((tx) => tx.listEvents(1, "same", 0, 10))).length, 1);
        assert.deepEqual(await store.read((tx) => tx.listEvents(1, "nope", 0, 10)), []);
      }));

    test("the outbox: a switched-on command gets a delivery in its event's transaction", () =>
      withStore(kind.open, async (store) => {
        const ready: ReadyDelivery[] = [];
        store.onReadyDeliveries((r) => ready.push(...r));
        await store.write({ op: "createRoom", ctx, room: testRoom("o", "a") }); // no config yet: no delivery
        await store.write({
          op: "setCallback",
          appId: 1,
          config: { url: "http://127.0.0.1:1/cb", commands: ["Live.CallbackAfterChangeOwner"] },
          nowMs: NOW,
        });
        await store.write({ op: "changeOwner", ctx, input: { roomId: "o", newOwner: "b" } });
        await store.write({ op: "modifyAdmins", ctx, roomId: "o", userIds: ["x"], opType: "add" }); // off
        await store.write({ op: "changeOwner", ctx, input: { roomId: "o", newOwner: "c" } });
        assert.deepEqual(
          ready.map((r) => [r.roomId, r.seq]),
          [
            ["o", 2],
            ["o", 4],
          ],
        );
        const callbacks = await store.read((tx) => tx.listRoomCallbacks(1, "o", 0, 10));
        assert.deepEqual(
          callbacks.map((c) => [c.seq, c.prevSeq, c.state, c.command]),
          [
            [2, 0, "pending", "Live.CallbackAfterChangeOwner"],
            [4, 2, "pending", "Live.CallbackAfterChangeOwner"],
          ],
        );
        const first = ready[0];
        assert.ok(first);
        const toSend = await store.read((tx) => tx.getDeliveryToSend(first.id));
        assert.equal(
          (JSON.parse(toSend?.body ?? "{}") as { CurrentOwner_Account?: string }).CurrentOwner_Account,
          "b",
        );
        await store.write({
          op: "recordAttempt",
          id: first.id,
          appId: first.appId,
          roomId: first.roomId,
          attempt: { n: 1, startedMs: NOW, durationMs: 3, status: 200 },
          next: { state: "delivered" },
        });
        assert.equal((await store.read((tx) => tx.getDelivery(1, first.id)))?.state, "delivered");
        assert.deepEqual(await store.read((tx) => tx.listAttempts(first.id)), [
          { n: 1, startedMs: NOW, durationMs: 3, status: 200 },
        ]);
        const again = await store.write({ op: "redeliver", appId: 1, id: first.id, nowMs: NOW + 9 });
        assert.deepEqual(again, { id: first.id, appId: 1, roomId: "o", seq: 2, nextAttemptMs: NOW + 9 });
        assert.equal(
          await store.read(async (tx) => (await tx.listPendingDeliveries()).length),
          2,
          "redelivered and still pending",
        );
      }));

    test("members: a dead node's members go offline in one callback per room; those who came back stay", () =>
      withStore(kind.open, async (store) => {
        await store.write({ op: "createRoom", ctx, room: testRoom("m", "host") });
        const on = (user: string, node: string) =>
          store.write({
            op: "enterRoom",
            ctx: { ...ctx, operator: user, platform: "Web", node },
            roomId: "m",
          });
        await store.write({ op: "touchNode", nodeId: "n1", nowMs: NOW });
        await store.write({ op: "touchNode", nodeId: "n2", nowMs: NOW + 10_000 });
        await on("ann", "n1");
        await on("ben", "n1");
        await on("cat", "n2");
        await on("ben", "n2"); // ben reconnected through n2
        assert.deepEqual(await store.read((tx) => tx.listDeadNodes(NOW + 5000)), [{ nodeId: "n1" }]);
        const events = await store.write({ op: "reapNode", nodeId: "n1", nowMs: NOW + 20_000 });
        assert.equal(events.length, 1);
        const p = events[0]?.packet;
        assert.ok(p?.CallbackCommand === "Live.CallbackAfterMemberStateChanged");
        assert.equal(p.EventCause, "HeartbeatInterrupt");
        assert.deepEqual(
          p.MemberList.map((m) => m.Member_Account),
          ["ann"],
        );
        assert.deepEqual(
          (await store.read((tx) => tx.listMembers(1, "m"))).map((m) => [m.userId, m.node]),
          [
            ["ben", "n2"],
            ["cat", "n2"],
          ],
        );
        assert.deepEqual(await store.read((tx) => tx.listDeadNodes(NOW + 5000)), []);
        assert.deepEqual(await store.write({ op: "reapNode", nodeId: "n1", nowMs: NOW + 30_000 }), []);
      }));
  });
}
