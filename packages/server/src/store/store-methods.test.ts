import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveError } from "../live-error.ts";
import { adminContext as ctx, TEST_NOW as NOW, testRoom } from "../../test/support/fixtures.ts";
import { migratedDatabase, stopOwnPostgres } from "../../test/support/postgres.ts";
import { openTestPg, openTestSqlite } from "../../test/support/stores.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { OpContext } from "../rooms/room.ts";
import { SqlStoreTx } from "./sql-store.ts";
import type { AttemptNext, AttemptRecord, DeliveryFilter, ReadyDelivery } from "./store.ts";

/**
 * The store contract, one test per method of StoreTx (reads and writes), run on SQLite and PostgreSQL.
 * Writes are reached through the commands that use them, as the server reaches them. The last test
 * checks that no method of the shared implementation is left without its test here.
 */

const CB_URL = "http://127.0.0.1:1/cb";
const ALL = [
  "Live.CallbackAfterCreateRoom",
  "Live.CallbackAfterChangeOwner",
  "Live.CallbackAfterModifyAdmin",
  "Live.CallbackAfterDestroyRoom",
];

const kinds: { name: string; open: () => Promise<{ store: RoomStore; cleanup: () => void }> }[] = [
  {
    name: "SQLite",
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), "roomhook-methods-"));
      return {
        store: await openTestSqlite(dir),
        cleanup: () => {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    open: async () => ({ store: await openTestPg(await migratedDatabase()), cleanup: () => undefined }),
  },
];

after(() => stopOwnPostgres());

const tested = new Set<string>();

const at = (ms: number, more: Partial<OpContext> = {}): OpContext => ({ ...ctx, nowMs: ms, ...more });
const user = (operator: string, node = "n1", ms = NOW): OpContext =>
  at(ms, { operator, platform: "Web", node });

/** Switches every command on for app 1 and returns the deliveries made due from then on. */
async function switchOn(store: RoomStore, commands = ALL): Promise<ReadyDelivery[]> {
  const ready: ReadyDelivery[] = [];
  store.onReadyDeliveries((r) => ready.push(...r));
  await store.write({ op: "setCallback", appId: 1, config: { url: CB_URL, commands }, nowMs: NOW });
  return ready;
}

const isLive = (code: number) => (e: unknown) => e instanceof LiveError && e.code === code;

for (const kind of kinds) {
  // Each test opens a store of its own: they run four at a time (a SQLite store starts a thread).
  describe(`store methods: ${kind.name}`, { concurrency: 4 }, () => {
    const method = (name: string, fn: (store: RoomStore) => Promise<void>) => {
      tested.add(name);
      test(name, async () => {
        const { store, cleanup } = await kind.open();
        try {
          await fn(store);
        } finally {
          await store.close();
          cleanup();
        }
      });
    };

    method("getRoom", async (store) => {
      assert.equal(await store.read((r) => r.getRoom(1, "g")), undefined);
      const room = testRoom("g", "ann", {
        Category: [3, 1],
        Notice: "<b>héllo</b> 🎉",
        ViewCount: 7,
        IsPublicVisible: false,
      });
      await store.write({ op: "createRoom", ctx, room });
      assert.deepEqual(await store.read((r) => r.getRoom(1, "g")), room);
      assert.equal(await store.read((r) => r.getRoom(2, "g")), undefined, "another app's room");
    });

    method("getOwnerAndBan", async (store) => {
      assert.equal(await store.read((r) => r.getOwnerAndBan(1, "o", "bob", NOW / 1000)), undefined);
      await store.write({ op: "createRoom", ctx, room: testRoom("o", "ann") });
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "o",
        userIds: ["bob"],
        durationSec: 10,
        reason: "",
      });
      const sec = Math.floor(NOW / 1000);
      assert.deepEqual(await store.read((r) => r.getOwnerAndBan(1, "o", "bob", sec)), {
        owner: "ann",
        banned: true,
      });
      assert.deepEqual(await store.read((r) => r.getOwnerAndBan(1, "o", "bob", sec + 10)), {
        owner: "ann",
        banned: false,
      });
      assert.deepEqual(await store.read((r) => r.getOwnerAndBan(1, "o", "cy", sec)), {
        owner: "ann",
        banned: false,
      });
      assert.equal(await store.read((r) => r.getOwnerAndBan(2, "o", "bob", sec)), undefined, "another app");
    });

    method("insertRoom", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("i", "ann") });
      await assert.rejects(
        store.write({ op: "createRoom", ctx, room: testRoom("i", "ann") }),
        isLive(100010),
      );
      await assert.rejects(
        store.write({ op: "createRoom", ctx, room: testRoom("i", "bob") }),
        isLive(100003),
      );
      await store.write({ op: "createRoom", ctx: at(NOW, { appId: 2 }), room: testRoom("i", "bob") });
      assert.equal(
        (await store.read((r) => r.getRoom(2, "i")))?.Owner_Account,
        "bob",
        "room ids are per app",
      );
    });

    method("updateRoom", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("u", "ann") });
      await store.write({
        op: "updateRoom",
        ctx,
        roomId: "u",
        changes: { RoomName: "new", Category: [9], IsPublicVisible: false },
      });
      assert.deepEqual(
        await store.read((r) => r.getRoom(1, "u")),
        testRoom("u", "ann", { RoomName: "new", Category: [9], IsPublicVisible: false }),
      );
    });

    method("transferRoom", async (store) => {
      const ready = await switchOn(store, ["Live.CallbackAfterChangeOwner"]);
      await store.write({ op: "createRoom", ctx, room: testRoom("s", "ann") });
      await store.write({ op: "modifyAdmins", ctx, roomId: "s", userIds: ["bob", "cy"], opType: "add" });
      const r = await store.write({ op: "changeOwner", ctx, input: { roomId: "s", newOwner: "bob" } });
      assert.ok(r.changed);
      assert.equal((await store.read((x) => x.getRoom(1, "s")))?.Owner_Account, "bob");
      assert.deepEqual(
        await store.read((x) => x.listAdmins(1, "s")),
        ["cy"],
        "the new owner is no longer an admin",
      );
      // The event is appended as appendEvent does: next sequence number, and its delivery.
      assert.equal(r.event.seq, 3);
      assert.deepEqual(
        ready.map((d) => [d.roomId, d.seq]),
        [["s", 3]],
      );
      const [e] = await store.read((x) => x.listEvents(1, "s", 2, 10));
      assert.deepEqual(e?.packet, r.event.packet);
      assert.equal(e?.eventId, r.event.eventId);
      // A refused change (banned new owner) writes nothing.
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "s",
        userIds: ["dan"],
        durationSec: 60,
        reason: "",
      });
      await assert.rejects(
        store.write({ op: "changeOwner", ctx, input: { roomId: "s", newOwner: "dan" } }),
        isLive(100016),
      );
      assert.equal((await store.read((x) => x.getRoom(1, "s")))?.Owner_Account, "bob");
      assert.equal((await store.read((x) => x.listEvents(1, "s", 0, 10))).length, 3);
    });

    method("deleteRoom", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("d", "ann") });
      await store.write({ op: "modifyAdmins", ctx, roomId: "d", userIds: ["adm"], opType: "add" });
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "d",
        userIds: ["bad"],
        durationSec: 60,
        reason: "",
      });
      await store.write({ op: "enterRoom", ctx: user("vis"), roomId: "d" });
      await store.write({ op: "destroyRoom", ctx, roomId: "d" });
      assert.equal(await store.read((r) => r.getRoom(1, "d")), undefined);
      assert.deepEqual(await store.read((r) => r.listAdmins(1, "d")), []);
      assert.deepEqual(await store.read((r) => r.listBans(1, "d", NOW / 1000, 0, 10)), []);
      assert.deepEqual(await store.read((r) => r.listMembers(1, "d")), []);
      // Its events stay, and a room re-created with the id continues the sequence.
      const again = await store.write({ op: "createRoom", ctx, room: testRoom("d", "ann") });
      assert.equal(again.seq, 5);
      assert.equal((await store.read((r) => r.listEvents(1, "d", 0, 10))).length, 5);
    });

    method("listPublicRooms", async (store) => {
      for (const [id, views, pub] of [
        ["a", 5, true],
        ["b", 9, true],
        ["c", 5, true],
        ["d", 7, false],
        ["e", 1, true],
      ] as const)
        await store.write({
          op: "createRoom",
          ctx,
          room: testRoom(id, "o", { ViewCount: views, IsPublicVisible: pub }),
        });
      const ids = (rooms: { RoomId: string }[]) => rooms.map((r) => r.RoomId);
      assert.deepEqual(ids(await store.read((r) => r.listPublicRooms(1, undefined, 10))), [
        "b",
        "a",
        "c",
        "e",
      ]);
      assert.deepEqual(ids(await store.read((r) => r.listPublicRooms(1, undefined, 2))), ["b", "a"]);
      assert.deepEqual(
        ids(await store.read((r) => r.listPublicRooms(1, { viewCount: 5, roomId: "a" }, 10))),
        ["c", "e"],
      );
      assert.deepEqual(ids(await store.read((r) => r.listPublicRooms(2, undefined, 10))), []);
    });

    method("listAdmins", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("la", "o") });
      await store.write({ op: "createRoom", ctx, room: testRoom("lb", "o") });
      await store.write({ op: "modifyAdmins", ctx, roomId: "la", userIds: ["zed", "amy"], opType: "add" });
      assert.deepEqual(await store.read((r) => r.listAdmins(1, "la")), ["amy", "zed"]);
      assert.deepEqual(await store.read((r) => r.listAdmins(1, "lb")), []);
    });

    method("addAdmins", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("aa", "o") });
      const first = await store.write({
        op: "modifyAdmins",
        ctx,
        roomId: "aa",
        userIds: ["x", "y"],
        opType: "add",
      });
      assert.ok(first?.packet.CallbackCommand === "Live.CallbackAfterModifyAdmin");
      assert.deepEqual(first.packet.Admin_Account, ["x", "y"]);
      const twice = await store.write({
        op: "modifyAdmins",
        ctx,
        roomId: "aa",
        userIds: ["y", "z"],
        opType: "add",
      });
      assert.ok(twice?.packet.CallbackCommand === "Live.CallbackAfterModifyAdmin");
      assert.deepEqual(twice.packet.Admin_Account, ["z"], "only whose role changed");
      assert.deepEqual(await store.read((r) => r.listAdmins(1, "aa")), ["x", "y", "z"]);
      await assert.rejects(
        store.write({ op: "modifyAdmins", ctx, roomId: "aa", userIds: ["p", "q", "r"], opType: "add" }),
        isLive(100020),
      );
      assert.deepEqual(
        await store.read((r) => r.listAdmins(1, "aa")),
        ["x", "y", "z"],
        "a refused add writes nothing",
      );
    });

    method("removeAdmins", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("ra", "o") });
      await store.write({ op: "modifyAdmins", ctx, roomId: "ra", userIds: ["x", "y"], opType: "add" });
      await store.write({
        op: "modifyAdmins",
        ctx,
        roomId: "ra",
        userIds: ["x", "nobody"],
        opType: "delete",
      });
      assert.deepEqual(await store.read((r) => r.listAdmins(1, "ra")), ["y"]);
      assert.equal(
        await store.write({ op: "modifyAdmins", ctx, roomId: "ra", userIds: ["x"], opType: "delete" }),
        undefined,
        "removing a non-admin changes nothing",
      );
    });

    const nowSec = Math.floor(NOW / 1000);

    method("listBans", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("lb", "o") });
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "lb",
        userIds: ["c", "a"],
        durationSec: 100,
        reason: "spam",
      });
      await store.write({ op: "banMembers", ctx, roomId: "lb", userIds: ["b"], durationSec: 10, reason: "" });
      const bans = await store.read((r) => r.listBans(1, "lb", nowSec, 0, 10));
      assert.deepEqual(bans, [
        { userId: "a", bannedUntil: nowSec + 100, reason: "spam" },
        { userId: "b", bannedUntil: nowSec + 10, reason: "" },
        { userId: "c", bannedUntil: nowSec + 100, reason: "spam" },
      ]);
      assert.deepEqual(
        (await store.read((r) => r.listBans(1, "lb", nowSec + 10, 0, 10))).map((b) => b.userId),
        ["a", "c"],
        "ended bans are not listed",
      );
      assert.deepEqual(
        (await store.read((r) => r.listBans(1, "lb", nowSec, 1, 1))).map((b) => b.userId),
        ["b"],
        "offset and limit",
      );
    });

    method("isBanned", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("ib", "o") });
      await store.write({ op: "banMembers", ctx, roomId: "ib", userIds: ["x"], durationSec: 10, reason: "" });
      assert.equal(await store.read((r) => r.isBanned(1, "ib", "x", nowSec)), true);
      assert.equal(await store.read((r) => r.isBanned(1, "ib", "x", nowSec + 10)), false, "ended");
      assert.equal(await store.read((r) => r.isBanned(1, "ib", "y", nowSec)), false);
      assert.equal(await store.read((r) => r.isBanned(1, "other", "x", nowSec)), false);
    });

    method("putBans", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("pb", "o") });
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "pb",
        userIds: ["x"],
        durationSec: 10,
        reason: "one",
      });
      await store.write({
        op: "banMembers",
        ctx: at(NOW + 5000),
        roomId: "pb",
        userIds: ["x"],
        durationSec: 60,
        reason: "two",
      });
      assert.deepEqual(await store.read((r) => r.listBans(1, "pb", nowSec, 0, 10)), [
        { userId: "x", bannedUntil: nowSec + 65, reason: "two" },
      ]);
      await assert.rejects(
        store.write({ op: "banMembers", ctx, roomId: "pb", userIds: ["o"], durationSec: 10, reason: "" }),
        isLive(100006),
      );
    });

    method("removeBans", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("rb", "o") });
      await store.write({
        op: "banMembers",
        ctx,
        roomId: "rb",
        userIds: ["x", "y"],
        durationSec: 10,
        reason: "",
      });
      await store.write({ op: "unbanMembers", ctx, roomId: "rb", userIds: ["x", "never"] });
      assert.deepEqual(
        (await store.read((r) => r.listBans(1, "rb", nowSec, 0, 10))).map((b) => b.userId),
        ["y"],
      );
    });

    method("appendEvent", async (store) => {
      const ready = await switchOn(store, ["Live.CallbackAfterChangeOwner"]);
      const a = await store.write({ op: "createRoom", ctx, room: testRoom("ea", "o") });
      const b = await store.write({ op: "createRoom", ctx, room: testRoom("eb", "o") });
      assert.deepEqual([a.seq, b.seq], [1, 1], "a sequence per room");
      assert.match(a.eventId, /^evt_/);
      assert.notEqual(a.eventId, b.eventId);
      const c = await store.write({ op: "changeOwner", ctx, input: { roomId: "ea", newOwner: "p" } });
      assert.ok(c.changed);
      assert.equal(c.event.seq, 2);
      // Only the switched-on command got a delivery; its previous callback in the room: none.
      assert.deepEqual(
        ready.map((r) => [r.roomId, r.seq, r.nextAttemptMs]),
        [["ea", 2, NOW]],
      );
      const [d] = await store.read((r) => r.listRoomCallbacks(1, "ea", 0, 10));
      assert.equal(d?.prevSeq, 0);
      assert.equal(d?.eventId, c.event.eventId);
      await store.write({ op: "disableCallback", appId: 1, reason: "HTTP 410", nowMs: NOW });
      await store.write({ op: "changeOwner", ctx, input: { roomId: "ea", newOwner: "q" } });
      assert.equal(ready.length, 1, "a disabled configuration makes no delivery");
    });

    method("listEvents", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("le", "u0") });
      for (const u of ["u1", "u2", "u3"])
        await store.write({ op: "changeOwner", ctx, input: { roomId: "le", newOwner: u } });
      const events = await store.read((r) => r.listEvents(1, "le", 1, 2));
      assert.deepEqual(
        events.map((e) => [e.seq, e.packet.CallbackCommand, e.operator, e.platform, e.clientIp, e.timeMs]),
        [
          [2, "Live.CallbackAfterChangeOwner", "admin", "RESTAPI", "127.0.0.1", NOW],
          [3, "Live.CallbackAfterChangeOwner", "admin", "RESTAPI", "127.0.0.1", NOW],
        ],
      );
      assert.deepEqual(await store.read((r) => r.listEvents(1, "le", 4, 10)), []);
    });

    method("listEventsOf", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("lo", "u0") });
      await store.write({ op: "changeOwner", ctx, input: { roomId: "lo", newOwner: "u1" } });
      await store.write({ op: "modifyAdmins", ctx, roomId: "lo", userIds: ["u2"], opType: "add" });
      await store.write({ op: "changeOwner", ctx, input: { roomId: "lo", newOwner: "u2" } });
      const owners = await store.read((r) => r.listEventsOf(1, "lo", "Live.CallbackAfterChangeOwner", 0, 10));
      assert.deepEqual(
        owners.map((e) => [e.seq, e.packet.CallbackCommand]),
        [
          [2, "Live.CallbackAfterChangeOwner"],
          [4, "Live.CallbackAfterChangeOwner"],
        ],
      );
      const after = await store.read((r) => r.listEventsOf(1, "lo", "Live.CallbackAfterChangeOwner", 2, 1));
      assert.deepEqual(
        after.map((e) => e.seq),
        [4],
      );
      assert.deepEqual(
        await store
          .read((r) => r.listEventsOf(1, "lo", "Live.CallbackAfterChangeOwner", 0, 1))
          .then((l) => l.map((e) => e.seq)),
        [2],
        "limit",
      );
      assert.deepEqual(
        await store.read((r) => r.listEventsOf(2, "lo", "Live.CallbackAfterChangeOwner", 0, 10)),
        [],
      );
    });

    method("listAppEvents", async (store) => {
      assert.deepEqual(await store.read((r) => r.listAppEvents(1, undefined, 10)), []);
      await store.write({ op: "createRoom", ctx, room: testRoom("fa", "u0") });
      await store.write({ op: "createRoom", ctx: at(NOW, { appId: 2 }), room: testRoom("fx", "u0") });
      await store.write({ op: "createRoom", ctx, room: testRoom("fb", "u0") });
      await store.write({ op: "changeOwner", ctx, input: { roomId: "fa", newOwner: "u1" } });
      const all = await store.read((r) => r.listAppEvents(1, 0, 10));
      assert.deepEqual(
        all.map((e) => [e.roomId, e.seq]),
        [
          ["fa", 1],
          ["fb", 1],
          ["fa", 2],
        ],
        "this app's, in the order written",
      );
      assert.ok(
        all.every((e, i) => i === 0 || e.row > (all[i - 1]?.row ?? 0)),
        "rows increase",
      );
      const after = await store.read((r) => r.listAppEvents(1, all[0]?.row, 1));
      assert.deepEqual(
        after.map((e) => [e.roomId, e.seq]),
        [["fb", 1]],
      );
      const newest = await store.read((r) => r.listAppEvents(1, undefined, 2));
      assert.deepEqual(
        newest.map((e) => [e.roomId, e.seq]),
        [
          ["fb", 1],
          ["fa", 2],
        ],
        "without a row: the newest, oldest first",
      );
      assert.equal(newest[1]?.packet.CallbackCommand, "Live.CallbackAfterChangeOwner");
      assert.deepEqual(await store.read((r) => r.listAppEvents(1, all[2]?.row, 10)), []);
    });

    method("searchRooms", async (store) => {
      for (const id of ["b-lobby", "a-lobby", "studio", "LOBBY", "lob_by"])
        await store.write({
          op: "createRoom",
          ctx,
          room: testRoom(id, "u0", { IsPublicVisible: id !== "a-lobby" }),
        });
      await store.write({ op: "createRoom", ctx: at(NOW, { appId: 2 }), room: testRoom("c-lobby", "u0") });
      const ids = async (text: string, after = "", limit = 10) =>
        (await store.read((r) => r.searchRooms(1, text, after, limit))).map((room) => room.RoomId);
      assert.deepEqual(
        await ids("lobby"),
        ["a-lobby", "b-lobby"],
        "private rooms too, case-sensitive, by id",
      );
      assert.deepEqual(await ids("lobby", "a-lobby"), ["b-lobby"]);
      assert.deepEqual(await ids("lobby", "", 1), ["a-lobby"]);
      assert.deepEqual(await ids("_"), ["lob_by"], "a text, not a LIKE pattern");
      assert.deepEqual((await ids("")).length, 5, "every room of the app");
      const [room] = await store.read((r) => r.searchRooms(1, "studio", "", 1));
      assert.deepEqual(room, await store.read((r) => r.getRoom(1, "studio")));
    });

    method("getMember", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("gm", "o") });
      assert.equal(await store.read((r) => r.getMember(1, "gm", "ann")), undefined);
      await store.write({ op: "enterRoom", ctx: user("ann", "n7"), roomId: "gm" });
      assert.deepEqual(await store.read((r) => r.getMember(1, "gm", "ann")), {
        userId: "ann",
        state: "online",
        platform: "Web",
        clientIp: "127.0.0.1",
        sinceMs: NOW,
        node: "n7",
        isRobot: false,
      });
    });

    method("putMember", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("pm", "o") });
      const first = await store.write({ op: "enterRoom", ctx: user("ann", "n1"), roomId: "pm" });
      assert.ok(first?.packet.CallbackCommand === "Live.CallbackAfterMemberStateChanged");
      assert.equal(first.packet.EventCause, "Enter");
      // Entering again through another process moves the member there; no second event.
      assert.equal(
        await store.write({ op: "enterRoom", ctx: user("ann", "n2", NOW + 1), roomId: "pm" }),
        undefined,
      );
      assert.deepEqual((await store.read((r) => r.getMember(1, "pm", "ann")))?.node, "n2");
      await store.write({
        op: "heartbeatLost",
        ctx: at(NOW + 2),
        roomId: "pm",
        userIds: ["ann"],
        node: "n2",
      });
      assert.equal((await store.read((r) => r.getMember(1, "pm", "ann")))?.state, "offline");
      const back = await store.write({ op: "enterRoom", ctx: user("ann", "n2", NOW + 3), roomId: "pm" });
      assert.ok(back?.packet.CallbackCommand === "Live.CallbackAfterMemberStateChanged");
      assert.equal(back.packet.EventCause, "HeartbeatRecover");
    });

    method("removeMember", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("rm", "o") });
      await store.write({ op: "enterRoom", ctx: user("ann"), roomId: "rm" });
      await store.write({ op: "leaveRoom", ctx: user("ann"), roomId: "rm" });
      assert.equal(await store.read((r) => r.getMember(1, "rm", "ann")), undefined);
      await assert.rejects(store.write({ op: "leaveRoom", ctx: user("ann"), roomId: "rm" }), isLive(100005));
    });

    method("listMembers", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("lm", "o") });
      for (const u of ["cat", "ann", "ben"])
        await store.write({ op: "enterRoom", ctx: user(u), roomId: "lm" });
      await store.write({ op: "heartbeatLost", ctx, roomId: "lm", userIds: ["ben"], node: "n1" });
      assert.deepEqual(
        (await store.read((r) => r.listMembers(1, "lm"))).map((m) => m.userId),
        ["ann", "cat"],
      );
    });

    method("touchNode", async (store) => {
      await store.write({ op: "touchNode", nodeId: "a", nowMs: NOW });
      await store.write({ op: "touchNode", nodeId: "b", nowMs: NOW });
      await store.write({ op: "touchNode", nodeId: "a", nowMs: NOW + 100 });
      assert.deepEqual(await store.read((r) => r.listDeadNodes(NOW + 50)), [{ nodeId: "b" }]);
    });

    method("stopNode", async (store) => {
      await store.write({ op: "touchNode", nodeId: "a", nowMs: NOW });
      await store.write({ op: "touchNode", nodeId: "b", nowMs: NOW });
      await store.write({ op: "stopNode", nodeId: "a", nowMs: NOW + 100 });
      // A stopped node is seen at its stop: reaped a heartbeat timeout later, marked as stopped.
      assert.deepEqual(await store.read((r) => r.listDeadNodes(NOW + 50)), [{ nodeId: "b" }]);
      assert.deepEqual(await store.read((r) => r.listDeadNodes(NOW + 200)), [
        { nodeId: "a", stoppedMs: NOW + 100 },
        { nodeId: "b" },
      ]);
    });

    method("listDeadNodes", async (store) => {
      assert.deepEqual(await store.read((r) => r.listDeadNodes(NOW)), []);
      for (const [n, t] of [
        ["z", 1],
        ["y", 2],
        ["x", 30],
      ] as const)
        await store.write({ op: "touchNode", nodeId: n, nowMs: NOW + t });
      assert.deepEqual(
        await store.read((r) => r.listDeadNodes(NOW + 10)),
        [{ nodeId: "y" }, { nodeId: "z" }],
        "by node id",
      );
    });

    method("listNodeMembers", async (store) => {
      for (const id of ["r2", "r1"]) await store.write({ op: "createRoom", ctx, room: testRoom(id, "o") });
      await store.write({ op: "enterRoom", ctx: user("b", "n1"), roomId: "r2" });
      await store.write({ op: "enterRoom", ctx: user("a", "n1"), roomId: "r2" });
      await store.write({ op: "enterRoom", ctx: user("c", "n1"), roomId: "r1" });
      await store.write({ op: "enterRoom", ctx: user("d", "n2"), roomId: "r1" });
      await store.write({ op: "heartbeatLost", ctx, roomId: "r1", userIds: ["c"], node: "n1" });
      assert.deepEqual(await store.read((r) => r.listNodeMembers("n1")), [
        { appId: 1, roomId: "r2", userId: "a" },
        { appId: 1, roomId: "r2", userId: "b" },
      ]);
    });

    method("deleteNode", async (store) => {
      await store.write({ op: "touchNode", nodeId: "gone", nowMs: NOW });
      assert.deepEqual(await store.write({ op: "reapNode", nodeId: "gone", nowMs: NOW + 1 }), []);
      assert.deepEqual(await store.read((r) => r.listDeadNodes(NOW + 10)), []);
    });

    method("getCallbackConfig", async (store) => {
      assert.equal(await store.read((r) => r.getCallbackConfig(1)), undefined);
      await switchOn(store, ["Live.CallbackAfterChangeOwner"]);
      assert.deepEqual(await store.read((r) => r.getCallbackConfig(1)), {
        url: CB_URL,
        commands: ["Live.CallbackAfterChangeOwner"],
      });
      assert.equal(await store.read((r) => r.getCallbackConfig(2)), undefined);
    });

    method("putCallbackConfig", async (store) => {
      await switchOn(store);
      await assert.rejects(
        store.write({ op: "setCallback", appId: 1, config: { url: CB_URL, commands: [] }, nowMs: NOW }),
        isLive(100300),
      );
      await store.write({ op: "disableCallback", appId: 1, reason: "HTTP 410", nowMs: NOW });
      await store.write({
        op: "updateCallback",
        appId: 1,
        config: { url: "http://h/x", commands: [] },
        nowMs: NOW,
      });
      assert.deepEqual(
        await store.read((r) => r.getCallbackConfig(1)),
        { url: "http://h/x", commands: [] },
        "re-enabled",
      );
      await assert.rejects(
        store.write({ op: "updateCallback", appId: 2, config: { url: CB_URL, commands: [] }, nowMs: NOW }),
        isLive(100301),
      );
    });

    method("deleteCallbackConfig", async (store) => {
      await switchOn(store);
      await store.write({ op: "deleteCallback", appId: 1 });
      assert.equal(await store.read((r) => r.getCallbackConfig(1)), undefined);
      await assert.rejects(store.write({ op: "deleteCallback", appId: 1 }), isLive(100301));
    });

    method("disableCallbackConfig", async (store) => {
      await switchOn(store);
      await store.write({
        op: "disableCallback",
        appId: 1,
        reason: "HTTP 410 from receiver",
        nowMs: NOW + 7,
      });
      assert.deepEqual(await store.read((r) => r.getCallbackConfig(1)), {
        url: CB_URL,
        commands: ALL,
        disabledReason: "HTTP 410 from receiver",
        disabledMs: NOW + 7,
      });
    });

    method("getCallbackToken", async (store) => {
      assert.equal(await store.read((r) => r.getCallbackToken(1)), undefined);
      await store.write({ op: "setCallbackToken", appId: 1, token: "tok", enabled: true });
      assert.deepEqual(await store.read((r) => r.getCallbackToken(1)), { token: "tok", enabled: true });
    });

    method("putCallbackToken", async (store) => {
      await assert.rejects(store.write({ op: "setCallbackToken", appId: 1, token: "t" }), isLive(100002));
      await store.write({ op: "setCallbackToken", appId: 1, token: "t1", enabled: true });
      await store.write({ op: "setCallbackToken", appId: 1, enabled: false });
      assert.deepEqual(await store.read((r) => r.getCallbackToken(1)), { token: "t1", enabled: false });
      await store.write({ op: "setCallbackToken", appId: 1, token: "t2" });
      assert.deepEqual(await store.read((r) => r.getCallbackToken(1)), { token: "t2", enabled: false });
    });

    method("listSigningSecrets", async (store) => {
      assert.deepEqual(await store.read((r) => r.listSigningSecrets(1, NOW)), []);
      await store.write({ op: "rotateSigningSecret", appId: 1, secret: "s1", nowMs: NOW, oldExpireMs: NOW });
      await store.write({
        op: "rotateSigningSecret",
        appId: 1,
        secret: "s2",
        nowMs: NOW + 10,
        oldExpireMs: NOW + 100,
      });
      assert.deepEqual(await store.read((r) => r.listSigningSecrets(1, NOW + 50)), [
        { secret: "s2", createdMs: NOW + 10 },
        { secret: "s1", createdMs: NOW, expiresMs: NOW + 100 },
      ]);
      assert.deepEqual(
        (await store.read((r) => r.listSigningSecrets(1, NOW + 100))).map((s) => s.secret),
        ["s2"],
        "an expired secret stops signing",
      );
    });

    method("rotateSigningSecret", async (store) => {
      await store.write({ op: "rotateSigningSecret", appId: 1, secret: "a", nowMs: NOW, oldExpireMs: NOW });
      await store.write({
        op: "rotateSigningSecret",
        appId: 1,
        secret: "b",
        nowMs: NOW + 1,
        oldExpireMs: NOW + 1,
      });
      await store.write({
        op: "rotateSigningSecret",
        appId: 1,
        secret: "c",
        nowMs: NOW + 2,
        oldExpireMs: NOW + 500,
      });
      // a had already stopped at NOW + 1; its expiry is not pushed back by c's rotation.
      assert.deepEqual(
        (await store.read((r) => r.listSigningSecrets(1, NOW + 2))).map((s) => s.secret),
        ["c", "b"],
      );
      assert.deepEqual(await store.read((r) => r.listSigningSecrets(2, NOW + 2)), []);
    });

    method("deleteSigningSecrets", async (store) => {
      await store.write({ op: "rotateSigningSecret", appId: 1, secret: "a", nowMs: NOW, oldExpireMs: NOW });
      await store.write({ op: "rotateSigningSecret", appId: 2, secret: "z", nowMs: NOW, oldExpireMs: NOW });
      await store.write({ op: "deleteSigningSecrets", appId: 1 });
      assert.deepEqual(await store.read((r) => r.listSigningSecrets(1, NOW)), []);
      assert.equal((await store.read((r) => r.listSigningSecrets(2, NOW))).length, 1);
    });

    /** Three owner changes in room "dr" with every callback on: deliveries for seq 2, 3, 4 (and 1). */
    async function deliveries(store: RoomStore): Promise<ReadyDelivery[]> {
      const ready = await switchOn(store);
      await store.write({ op: "createRoom", ctx, room: testRoom("dr", "u0") });
      for (const [i, u] of ["u1", "u2", "u3"].entries())
        await store.write({
          op: "changeOwner",
          ctx: at(NOW + 10 * (i + 1)),
          input: { roomId: "dr", newOwner: u },
        });
      return ready;
    }
    const attempt = (d: ReadyDelivery, n: number, next: AttemptNext, extra: Partial<AttemptRecord> = {}) => ({
      op: "recordAttempt" as const,
      id: d.id,
      appId: d.appId,
      roomId: d.roomId,
      attempt: { n, startedMs: NOW + 100 * n, durationMs: 5, ...extra },
      next,
    });

    method("getDelivery", async (store) => {
      const [d] = await deliveries(store);
      assert.ok(d);
      const got = await store.read((r) => r.getDelivery(1, d.id));
      assert.deepEqual(got, {
        id: d.id,
        appId: 1,
        roomId: "dr",
        seq: 1,
        prevSeq: 0,
        eventId: got?.eventId,
        command: "Live.CallbackAfterCreateRoom",
        state: "pending",
        attempts: 0,
        nextAttemptMs: NOW,
        createdMs: NOW,
      });
      assert.match(got?.eventId ?? "", /^evt_/);
      assert.equal(await store.read((r) => r.getDelivery(2, d.id)), undefined, "another app's delivery");
    });

    method("getDeliveryToSend", async (store) => {
      const ready = await deliveries(store);
      const d = ready[1];
      assert.ok(d);
      const s = await store.read((r) => r.getDeliveryToSend(d.id));
      assert.ok(s);
      const events = await store.read((r) => r.listEvents(1, "dr", 1, 1));
      assert.equal(s.body, JSON.stringify(events[0]?.packet));
      assert.deepEqual([s.clientIp, s.platform, s.seq, s.prevSeq], ["127.0.0.1", "RESTAPI", 2, 1]);
      assert.equal(await store.read((r) => r.getDeliveryToSend(d.id + 1000)), undefined);
    });

    method("getDeliveriesToSend", async (store) => {
      const ready = await deliveries(store);
      assert.equal(ready.length, 4);
      const ids = ready.map((d) => d.id);
      // More ids than one statement takes (64), most of them of no delivery.
      const asked = [...ids, ...Array.from({ length: 96 }, (_, i) => ids[0]! + 1000 + i)].reverse();
      const got = await store.read((r) => r.getDeliveriesToSend(asked));
      assert.deepEqual(
        got.map((d) => d.id).sort((a, b) => a - b),
        ids,
      );
      for (const d of got) assert.deepEqual(d, await store.read((r) => r.getDeliveryToSend(d.id)));
      // The writer's ready notice carried the same delivery, body and origin (nothing read back).
      for (const r of ready)
        assert.deepEqual(
          r.toSend,
          got.find((d) => d.id === r.id),
        );
      assert.deepEqual(await store.read((r) => r.getDeliveriesToSend([])), []);
    });

    method("listDeliveries", async (store) => {
      const ready = await deliveries(store);
      const [d1, d2] = ready;
      assert.ok(d1 && d2);
      await store.write(attempt(d1, 1, { state: "delivered" }, { status: 200 }));
      await store.write({ op: "createRoom", ctx: at(NOW + 50), room: testRoom("other", "o") });
      const ids = async (f: Partial<DeliveryFilter>) =>
        (await store.read((r) => r.listDeliveries(1, { limit: 50, ...f }))).map((d) => [d.roomId, d.seq]);
      assert.deepEqual(
        await ids({}),
        [
          ["other", 1],
          ["dr", 4],
          ["dr", 3],
          ["dr", 2],
          ["dr", 1],
        ],
        "newest first",
      );
      assert.deepEqual(await ids({ state: "delivered" }), [["dr", 1]]);
      assert.deepEqual(await ids({ roomId: "other" }), [["other", 1]]);
      assert.deepEqual(await ids({ command: "Live.CallbackAfterCreateRoom" }), [
        ["other", 1],
        ["dr", 1],
      ]);
      assert.deepEqual(await ids({ fromMs: NOW + 20, toMs: NOW + 50 }), [
        ["dr", 4],
        ["dr", 3],
      ]);
      assert.deepEqual(await ids({ beforeId: d2.id + 1, limit: 1 }), [["dr", 2]]);
      assert.deepEqual(await store.read((r) => r.listDeliveries(2, { limit: 10 })), []);
    });

    method("listAttempts", async (store) => {
      const [d] = await deliveries(store);
      assert.ok(d);
      await store.write(attempt(d, 1, { state: "pending", nextAttemptMs: NOW + 500 }, { error: "timeout" }));
      await store.write(
        attempt(d, 2, { state: "delivered" }, { status: 200, reply: '{"ActionStatus":"OK"}' }),
      );
      assert.deepEqual(await store.read((r) => r.listAttempts(d.id)), [
        { n: 1, startedMs: NOW + 100, durationMs: 5, error: "timeout" },
        { n: 2, startedMs: NOW + 200, durationMs: 5, status: 200, reply: '{"ActionStatus":"OK"}' },
      ]);
      assert.deepEqual(await store.read((r) => r.listAttempts(d.id + 1)), []);
    });

    method("listRecentAttempts", async (store) => {
      const [d1, d2] = await deliveries(store);
      assert.ok(d1 && d2);
      await store.write(attempt(d1, 1, { state: "pending", nextAttemptMs: NOW + 500 }, { status: 500 }));
      await store.write(attempt(d1, 2, { state: "delivered" }, { status: 200 }));
      await store.write(attempt(d2, 1, { state: "dead", reason: "gone" }, { error: "refused" }));
      const got = await store.read((r) => r.listRecentAttempts(1, NOW + 100, 10));
      assert.deepEqual(
        got.map((a) => [a.deliveryId, a.n, a.startedMs, a.state, a.roomId, a.seq, a.command]),
        [
          [d1.id, 2, NOW + 200, "delivered", "dr", 1, "Live.CallbackAfterCreateRoom"],
          [d2.id, 1, NOW + 100, "dead", "dr", 2, "Live.CallbackAfterChangeOwner"],
          [d1.id, 1, NOW + 100, "delivered", "dr", 1, "Live.CallbackAfterCreateRoom"],
        ],
        "newest first; at one moment, the higher delivery id first",
      );
      assert.equal(got[1]?.error, "refused");
      assert.equal(got[2]?.status, 500);
      assert.match(got[0]?.eventId ?? "", /^evt_/);
      const latest = await store.read((r) => r.listRecentAttempts(1, NOW + 101, 10));
      assert.deepEqual(
        latest.map((a) => [a.deliveryId, a.n]),
        [[d1.id, 2]],
        "from StartTime on",
      );
      assert.equal((await store.read((r) => r.listRecentAttempts(1, 0, 1))).length, 1, "limit");
      assert.deepEqual(await store.read((r) => r.listRecentAttempts(2, 0, 10)), [], "another app's");
    });

    method("listPendingDeliveries", async (store) => {
      const ready = await deliveries(store);
      const [d1] = ready;
      assert.ok(d1);
      await store.write(attempt(d1, 1, { state: "dead", reason: "gone" }, { status: 500 }));
      assert.deepEqual(
        await store.read((r) => r.listPendingDeliveries()),
        // A ready notice also carries the delivery to send; the listing is only where each lane is.
        ready.slice(1).map((d) => ({
          id: d.id,
          appId: d.appId,
          roomId: d.roomId,
          seq: d.seq,
          nextAttemptMs: d.nextAttemptMs,
        })),
        "oldest first, pending only",
      );
    });

    method("listRoomCallbacks", async (store) => {
      await deliveries(store);
      const got = await store.read((r) => r.listRoomCallbacks(1, "dr", 1, 2));
      assert.deepEqual(
        got.map((c) => [
          c.seq,
          c.prevSeq,
          (JSON.parse(c.body) as { CurrentOwner_Account: string }).CurrentOwner_Account,
        ]),
        [
          [2, 1, "u1"],
          [3, 2, "u2"],
        ],
      );
      assert.deepEqual(await store.read((r) => r.listRoomCallbacks(2, "dr", 0, 10)), []);
    });

    method("recordAttempt", async (store) => {
      const [d1, d2, d3] = await deliveries(store);
      assert.ok(d1 && d2 && d3);
      await store.write(attempt(d1, 1, { state: "pending", nextAttemptMs: NOW + 999 }, { status: 500 }));
      let got = await store.read((r) => r.getDelivery(1, d1.id));
      assert.deepEqual(
        [got?.state, got?.attempts, got?.nextAttemptMs, got?.lastError],
        ["pending", 1, NOW + 999, "HTTP 500"],
      );
      await store.write(attempt(d1, 2, { state: "delivered" }, { status: 200 }));
      got = await store.read((r) => r.getDelivery(1, d1.id));
      assert.deepEqual(
        [got?.state, got?.attempts, got?.doneMs, got?.lastError],
        ["delivered", 2, NOW + 205, undefined],
      );
      await store.write(
        attempt(d2, 1, { state: "dead", reason: "refused (after 1 attempts)" }, { error: "refused" }),
      );
      got = await store.read((r) => r.getDelivery(1, d2.id));
      assert.deepEqual(
        [got?.state, got?.doneMs, got?.lastError],
        ["dead", NOW + 105, "refused (after 1 attempts)"],
      );
      // Two processes sent the same attempt (a lease ran out): the first record stands.
      await store.write(attempt(d1, 2, { state: "pending", nextAttemptMs: NOW + 5 }, { status: 500 }));
      assert.equal((await store.read((r) => r.listAttempts(d1.id)))[1]?.status, 200);
      assert.equal((await store.read((r) => r.getDelivery(1, d1.id)))?.state, "delivered");
    });

    method("killPendingDeliveries", async (store) => {
      const ready = await deliveries(store);
      const [d1] = ready;
      assert.ok(d1);
      await store.write(attempt(d1, 1, { state: "delivered" }, { status: 200 }));
      await store.write({ op: "disableCallback", appId: 1, reason: "HTTP 410", nowMs: NOW + 1000 });
      const all = await store.read((r) => r.listDeliveries(1, { limit: 10 }));
      assert.deepEqual(
        all.map((d) => [d.seq, d.state, d.lastError ?? null]),
        [
          [4, "dead", "callback configuration disabled: HTTP 410"],
          [3, "dead", "callback configuration disabled: HTTP 410"],
          [2, "dead", "callback configuration disabled: HTTP 410"],
          [1, "delivered", null],
        ],
      );
      assert.deepEqual(await store.read((r) => r.listPendingDeliveries()), []);
    });

    test("an attempt in flight when its configuration was disabled records what happened (docs/delivery.md)", async () => {
      const { store, cleanup } = await kind.open();
      try {
        const [d1, d2] = await deliveries(store);
        assert.ok(d1 && d2);
        await store.write({ op: "disableCallback", appId: 1, reason: "HTTP 410", nowMs: NOW + 1000 });
        // d1's attempt succeeded: the receiver has it, so it is delivered, not dead.
        await store.write(attempt(d1, 1, { state: "delivered" }, { status: 200 }));
        // d2's attempt failed: it stays dead (nothing is retried for a disabled configuration).
        await store.write(attempt(d2, 1, { state: "pending", nextAttemptMs: NOW + 9 }, { status: 500 }));
        const one = await store.read((r) => r.getDelivery(1, d1.id));
        const two = await store.read((r) => r.getDelivery(1, d2.id));
        assert.deepEqual([one?.state, one?.attempts, one?.lastError], ["delivered", 1, undefined]);
        assert.deepEqual([two?.state, two?.lastError], ["dead", "callback configuration disabled: HTTP 410"]);
        assert.equal((await store.read((r) => r.listAttempts(d2.id))).length, 1, "the attempt is in the log");
      } finally {
        await store.close();
        cleanup();
      }
    });

    method("releaseLane", async (store) => {
      const ready = await deliveries(store);
      await store.write({ op: "releaseLane", appId: 1, roomId: "dr" });
      assert.equal(
        (await store.read((r) => r.listPendingDeliveries())).length,
        ready.length,
        "nothing else changes",
      );
      const lanes = store.sharedLanes;
      if (lanes === undefined) return; // lanes in memory: nothing is leased
      const [head] = await lanes.claim(NOW + 100, 10, NOW + 60_000);
      assert.equal(head?.seq, 1);
      assert.deepEqual(await lanes.claim(NOW + 100, 10, NOW + 60_000), [], "leased");
      await store.write({ op: "releaseLane", appId: 1, roomId: "dr" });
      assert.equal((await lanes.claim(NOW + 100, 10, NOW + 60_000))[0]?.id, head.id, "given back");
    });

    method("redeliver", async (store) => {
      const [d1, d2] = await deliveries(store);
      assert.ok(d1 && d2);
      assert.equal(
        await store.write({ op: "redeliver", appId: 1, id: d2.id, nowMs: NOW }),
        undefined,
        "pending already",
      );
      await store.write(attempt(d1, 1, { state: "dead", reason: "x" }, { status: 500 }));
      assert.equal(
        await store.write({ op: "redeliver", appId: 2, id: d1.id, nowMs: NOW }),
        undefined,
        "another app's",
      );
      const again = await store.write({ op: "redeliver", appId: 1, id: d1.id, nowMs: NOW + 77 });
      assert.deepEqual(again, { id: d1.id, appId: 1, roomId: "dr", seq: 1, nextAttemptMs: NOW + 77 });
      const got = await store.read((r) => r.getDelivery(1, d1.id));
      assert.deepEqual([got?.state, got?.doneMs, got?.attempts], ["pending", undefined, 1]);
    });

    method("redeliverDead", async (store) => {
      const [d1, d2, d3] = await deliveries(store);
      assert.ok(d1 && d2 && d3);
      for (const d of [d1, d2])
        await store.write(attempt(d, 1, { state: "dead", reason: "x" }, { status: 500 }));
      await store.write(attempt(d3, 1, { state: "delivered" }, { status: 200 }));
      // d1 was created at NOW, d2 at NOW + 10: only the window's dead ones come back.
      const back = await store.write({
        op: "redeliverDead",
        appId: 1,
        fromMs: NOW + 5,
        toMs: NOW + 100,
        nowMs: NOW + 9,
      });
      assert.deepEqual(back, [{ id: d2.id, appId: 1, roomId: "dr", seq: 2, nextAttemptMs: NOW + 9 }]);
      assert.equal((await store.read((r) => r.getDelivery(1, d1.id)))?.state, "dead");
      assert.equal((await store.read((r) => r.getDelivery(1, d3.id)))?.state, "delivered");
    });

    // The rest of Live's room API (issue 12): counters, empty rooms, mutes, metadata, seats, accounts.
    const seatRoom = (id: string, mode: "FreeToTake" | "ApplyToTake" = "FreeToTake") =>
      testRoom(id, "o", { IsSeatEnabled: true, MaxSeatCount: 3, TakeSeatMode: mode });

    method("countMembers", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("cm", "o") });
      assert.equal(await store.read((r) => r.countMembers(1, "cm")), 0);
      for (const u of ["a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "cm" });
      await store.write({ op: "addRobots", ctx, roomId: "cm", robotIds: ["bot"] });
      await store.write({ op: "heartbeatLost", ctx, roomId: "cm", userIds: ["b"], node: "n1" });
      assert.equal(await store.read((r) => r.countMembers(1, "cm")), 2, "a and the robot: b is offline");
    });

    method("countRooms", async (store) => {
      assert.equal(await store.read((r) => r.countRooms(1)), 0);
      for (const id of ["c1", "c2"]) await store.write({ op: "createRoom", ctx, room: testRoom(id, "o") });
      await store.write({ op: "createRoom", ctx: at(NOW, { appId: 2 }), room: testRoom("c3", "o") });
      assert.equal(await store.read((r) => r.countRooms(1)), 2);
      const policy = { maxRooms: 2, blockedWords: [], requireAccounts: false };
      await assert.rejects(
        store.write({ op: "createRoom", ctx, room: testRoom("c4", "o"), policy }),
        isLive(100013),
      );
    });

    method("getRoomCounters", async (store) => {
      assert.equal(await store.read((r) => r.getRoomCounters(1, "rc")), undefined);
      await store.write({ op: "createRoom", ctx, room: testRoom("rc", "o") });
      assert.deepEqual(await store.read((r) => r.getRoomCounters(1, "rc")), {
        viewCount: 0,
        msgCount: 0,
        emptySinceMs: undefined,
      });
    });

    method("roomEntered", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("re", "o") });
      await store.write({ op: "enterRoom", ctx: user("a"), roomId: "re" });
      await store.write({ op: "leaveRoom", ctx: user("a", "n1", NOW + 1), roomId: "re" });
      await store.write({ op: "enterRoom", ctx: user("a", "n1", NOW + 2), roomId: "re" });
      await store.write({ op: "heartbeatLost", ctx: at(NOW + 3), roomId: "re", userIds: ["a"], node: "n1" });
      await store.write({ op: "enterRoom", ctx: user("a", "n1", NOW + 4), roomId: "re" });
      await store.write({ op: "addRobots", ctx, roomId: "re", robotIds: ["bot"] });
      const c = await store.read((r) => r.getRoomCounters(1, "re"));
      assert.equal(c?.viewCount, 2, "every entry is a view; a recovery and a robot are not");
      assert.equal(c?.emptySinceMs, undefined, "someone is in it");
      assert.equal((await store.read((r) => r.getRoom(1, "re")))?.ViewCount, 2);
    });

    method("roomLeft", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("rl", "o") });
      for (const u of ["a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "rl" });
      await store.write({ op: "leaveRoom", ctx: user("a", "n1", NOW + 5), roomId: "rl" });
      assert.equal((await store.read((r) => r.getRoomCounters(1, "rl")))?.emptySinceMs, undefined);
      await store.write({ op: "heartbeatLost", ctx: at(NOW + 9), roomId: "rl", userIds: ["b"], node: "n1" });
      assert.equal((await store.read((r) => r.getRoomCounters(1, "rl")))?.emptySinceMs, NOW + 9);
      await store.write({ op: "leaveRoom", ctx: user("b", "n1", NOW + 20), roomId: "rl" });
      assert.equal(
        (await store.read((r) => r.getRoomCounters(1, "rl")))?.emptySinceMs,
        NOW + 9,
        "the first moment it was empty stays",
      );
    });

    method("listEmptyRooms", async (store) => {
      for (const id of ["e1", "e2", "e3"]) {
        await store.write({ op: "createRoom", ctx, room: testRoom(id, "o") });
        await store.write({ op: "enterRoom", ctx: user("a"), roomId: id });
      }
      await store.write({ op: "leaveRoom", ctx: user("a", "n1", NOW + 20), roomId: "e2" });
      await store.write({ op: "leaveRoom", ctx: user("a", "n1", NOW + 10), roomId: "e1" });
      await store.write({ op: "leaveRoom", ctx: user("a", "n1", NOW + 30), roomId: "e3" });
      assert.deepEqual(await store.read((r) => r.listEmptyRooms(1, NOW + 20, 10)), ["e1", "e2"]);
      assert.deepEqual(await store.read((r) => r.listEmptyRooms(1, NOW + 20, 1)), ["e1"]);
      assert.deepEqual(await store.read((r) => r.listEmptyRooms(2, NOW + 99, 10)), []);
      // The system's dissolution checks again under the lock: e2 was entered meanwhile.
      await store.write({ op: "enterRoom", ctx: user("b", "n1", NOW + 25), roomId: "e2" });
      const sys = at(NOW + 40, { operator: "@TIM#SYSTEM", platform: "Unknown" });
      const none = await store.write({
        op: "dissolveRoom",
        ctx: sys,
        roomId: "e2",
        reason: "empty",
        sinceMs: NOW + 20,
      });
      assert.equal(none, undefined);
      const gone = await store.write({
        op: "dissolveRoom",
        ctx: sys,
        roomId: "e1",
        reason: "empty",
        sinceMs: NOW + 20,
      });
      assert.ok(gone?.packet.CallbackCommand === "Live.CallbackAfterDestroyRoom");
      assert.equal(gone.packet.EventType, "DestroyBySystem");
      assert.equal(gone.packet.Operator_Account, "@TIM#SYSTEM");
    });

    method("listOwnerAbsentRooms", async (store) => {
      for (const id of ["w1", "w2"]) {
        await store.write({ op: "createRoom", ctx, room: testRoom(id, "own") });
        await store.write({ op: "enterRoom", ctx: user("own"), roomId: id });
        await store.write({ op: "enterRoom", ctx: user("fan"), roomId: id });
      }
      await store.write({
        op: "heartbeatLost",
        ctx: at(NOW + 5),
        roomId: "w1",
        userIds: ["own"],
        node: "n1",
      });
      await store.write({
        op: "heartbeatLost",
        ctx: at(NOW + 6),
        roomId: "w2",
        userIds: ["fan"],
        node: "n1",
      });
      assert.deepEqual(await store.read((r) => r.listOwnerAbsentRooms(1, NOW + 5, 10)), ["w1"]);
      assert.deepEqual(await store.read((r) => r.listOwnerAbsentRooms(1, NOW + 4, 10)), []);
    });

    const message = (from: string, text = "hi") => ({
      from,
      msgBody: [{ MsgType: "TIMTextElem" as const, MsgContent: { Text: text } }],
      cloudCustomData: "",
      random: 7,
      msgId: "m-1-7",
    });

    method("countMessage", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("msg", "o") });
      const e = await store.write({
        op: "sendMessage",
        ctx,
        roomId: "msg",
        message: message("x"),
        byMember: false,
      });
      assert.equal(e.seq, 2);
      assert.deepEqual(e.packet, {
        CallbackCommand: "Group.CallbackAfterSendMsg",
        GroupId: "msg",
        Type: "Live",
        From_Account: "x",
        Operator_Account: "admin",
        Random: 7,
        MsgId: "m-1-7",
        MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hi" } }],
        CloudCustomData: "",
        EventTime: NOW,
        MsgSeq: 1,
        MsgTime: Math.floor(NOW / 1000),
      });
      const second = await store.write({
        op: "sendMessage",
        ctx,
        roomId: "msg",
        message: message("x"),
        byMember: false,
      });
      assert.ok(second.packet.CallbackCommand === "Group.CallbackAfterSendMsg");
      assert.equal(second.packet.MsgSeq, 2);
      assert.equal((await store.read((r) => r.getRoomCounters(1, "msg")))?.msgCount, 2);
      // A member's message: in the room, not muted.
      await assert.rejects(
        store.write({
          op: "sendMessage",
          ctx: user("a"),
          roomId: "msg",
          message: message("a"),
          byMember: true,
        }),
        isLive(100005),
      );
    });

    method("putMutes", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("pmu", "o") });
      await store.write({ op: "enterRoom", ctx: user("a"), roomId: "pmu" });
      await store.write({ op: "muteMembers", ctx, roomId: "pmu", userIds: ["a", "b"], durationSec: 60 });
      await assert.rejects(
        store.write({
          op: "sendMessage",
          ctx: user("a"),
          roomId: "pmu",
          message: message("a"),
          byMember: true,
        }),
        isLive(100017),
      );
      await assert.rejects(
        store.write({ op: "muteMembers", ctx, roomId: "pmu", userIds: ["o"], durationSec: 60 }),
        isLive(100006),
      );
    });

    method("getMute", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("gmu", "o") });
      await store.write({ op: "muteMembers", ctx, roomId: "gmu", userIds: ["a"], durationSec: 60 });
      const nowSec = Math.floor(NOW / 1000);
      assert.equal(await store.read((r) => r.getMute(1, "gmu", "a", nowSec)), nowSec + 60);
      assert.equal(await store.read((r) => r.getMute(1, "gmu", "a", nowSec + 60)), undefined, "over");
      assert.equal(await store.read((r) => r.getMute(1, "gmu", "b", nowSec)), undefined);
    });

    method("listMutes", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("lmu", "o") });
      await store.write({ op: "muteMembers", ctx, roomId: "lmu", userIds: ["c", "a"], durationSec: 60 });
      await store.write({ op: "muteMembers", ctx, roomId: "lmu", userIds: ["b"], durationSec: 10 });
      const nowSec = Math.floor(NOW / 1000);
      assert.deepEqual(await store.read((r) => r.listMutes(1, "lmu", nowSec, 0, 10)), [
        { userId: "a", mutedUntil: nowSec + 60 },
        { userId: "b", mutedUntil: nowSec + 10 },
        { userId: "c", mutedUntil: nowSec + 60 },
      ]);
      assert.deepEqual(
        (await store.read((r) => r.listMutes(1, "lmu", nowSec + 10, 1, 10))).map((m) => m.userId),
        ["c"],
      );
    });

    method("removeMutes", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("rmu", "o") });
      await store.write({ op: "muteMembers", ctx, roomId: "rmu", userIds: ["a", "b"], durationSec: 60 });
      await store.write({ op: "muteMembers", ctx, roomId: "rmu", userIds: ["a"], durationSec: 0 });
      const nowSec = Math.floor(NOW / 1000);
      assert.deepEqual(
        (await store.read((r) => r.listMutes(1, "rmu", nowSec, 0, 10))).map((m) => m.userId),
        ["b"],
      );
    });

    method("listMetadata", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("lmd", "o") });
      assert.deepEqual(await store.read((r) => r.listMetadata(1, "lmd")), []);
      const entries = [
        { Key: "z", Value: "1" },
        { Key: "a", Value: "2" },
      ];
      const e = await store.write({ op: "setMetadata", ctx, roomId: "lmd", entries });
      assert.deepEqual(e.packet, {
        CallbackCommand: "Live.CallbackAfterSetMetadata",
        Operator_Account: "admin",
        RoomId: "lmd",
        Metadata: entries,
        EventTime: NOW,
      });
      assert.deepEqual(await store.read((r) => r.listMetadata(1, "lmd")), [
        { Key: "a", Value: "2" },
        { Key: "z", Value: "1" },
      ]);
    });

    method("putMetadata", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("pmd", "o") });
      const set = (entries: { Key: string; Value: string }[]) =>
        store.write({ op: "setMetadata", ctx, roomId: "pmd", entries });
      await set(Array.from({ length: 9 }, (_, i) => ({ Key: `k${i}`, Value: "v" })));
      await set([{ Key: "k0", Value: "again" }]); // an update, not a tenth key
      await set([{ Key: "k9", Value: "v" }]);
      await assert.rejects(set([{ Key: "k10", Value: "v" }]), isLive(100500));
      await assert.rejects(set([{ Key: "x".repeat(51), Value: "v" }]), isLive(100504));
      await assert.rejects(set([{ Key: "k1", Value: "v".repeat(2049) }]), isLive(100501));
      for (let i = 0; i < 7; i++) await set([{ Key: `k${i}`, Value: "v".repeat(2048) }]);
      await assert.rejects(set([{ Key: "k8", Value: "v".repeat(2048) }]), isLive(100502));
      const md = await store.read((r) => r.listMetadata(1, "pmd"));
      assert.equal(md.find((e) => e.Key === "k8")?.Value, "v", "a refused set leaves the data as it was");
      await store.write({
        op: "setMetadata",
        ctx: user("fan"),
        roomId: "pmd",
        entries: [{ Key: "k9", Value: "x" }],
      });
      await assert.rejects(
        store.write({
          op: "setMetadata",
          ctx: user("fan"),
          roomId: "pmd",
          entries: [{ Key: "k9", Value: "x" }],
          byMember: true,
        }),
        isLive(100006),
      );
    });

    method("removeMetadata", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("rmd", "o") });
      const entries = [
        { Key: "a", Value: "1" },
        { Key: "b", Value: "2" },
      ];
      await store.write({ op: "setMetadata", ctx, roomId: "rmd", entries });
      const e = await store.write({ op: "deleteMetadata", ctx, roomId: "rmd", keys: ["a", "nope", "a"] });
      assert.ok(e.packet.CallbackCommand === "Live.CallbackAfterDelMetadata");
      assert.deepEqual(e.packet.Keys, ["a"], "only what was deleted");
      await assert.rejects(
        store.write({ op: "deleteMetadata", ctx, roomId: "rmd", keys: ["nope"] }),
        isLive(100503),
      );
      await store.write({ op: "destroyRoom", ctx, roomId: "rmd" });
      await store.write({ op: "createRoom", ctx, room: testRoom("rmd", "o") });
      assert.deepEqual(await store.read((r) => r.listMetadata(1, "rmd")), [], "gone with the room");
    });

    method("listSeats", async (store) => {
      await store.write({ op: "createRoom", ctx, room: seatRoom("ls") });
      assert.deepEqual(await store.read((r) => r.listSeats(1, "ls")), []);
      await store.write({ op: "enterRoom", ctx: user("a"), roomId: "ls" });
      await store.write({ op: "pickSeat", ctx, roomId: "ls", userId: "a", index: 2 });
      assert.deepEqual(await store.read((r) => r.listSeats(1, "ls")), [
        { index: 2, userId: "a", isLocked: false, isVideoLocked: false, isAudioLocked: false },
      ]);
    });

    method("putSeat", async (store) => {
      await store.write({ op: "createRoom", ctx, room: seatRoom("ps") });
      await store.write({ op: "createRoom", ctx, room: testRoom("nos", "o") });
      for (const u of ["a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "ps" });
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "nos", userId: "a", index: 0 }),
        isLive(100211),
      );
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "z", index: 0 }),
        isLive(100005),
      );
      const e = await store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "a", index: 0 });
      assert.deepEqual(e.packet, {
        CallbackCommand: "Mic.CallbackAfterSeatInfoChanged",
        RoomId: "ps",
        SeatList: [
          {
            Index: 0,
            Member_Account: "a",
            IsTakenDisabled: false,
            IsVideoDisabled: false,
            IsAudioDisabled: false,
          },
          { Index: 1, IsTakenDisabled: false, IsVideoDisabled: false, IsAudioDisabled: false },
          { Index: 2, IsTakenDisabled: false, IsVideoDisabled: false, IsAudioDisabled: false },
        ],
        EventTime: NOW,
      });
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "b", index: 0 }),
        isLive(100201),
      );
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "a", index: 1 }),
        isLive(100203),
      );
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "b", index: 3 }),
        isLive(100002),
      );
      // Locking a taken seat frees it; a locked seat cannot be taken.
      await store.write({ op: "lockSeat", ctx, roomId: "ps", index: 0, locks: { isLocked: true } });
      await assert.rejects(
        store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "b", index: 0 }),
        isLive(100200),
      );
      assert.deepEqual(await store.read((r) => r.listSeats(1, "ps")), [
        { index: 0, userId: "", isLocked: true, isVideoLocked: false, isAudioLocked: false },
      ]);
      await store.write({ op: "lockSeat", ctx, roomId: "ps", index: 0, locks: { isLocked: false } });
      assert.deepEqual(await store.read((r) => r.listSeats(1, "ps")), [], "a free, unlocked seat has no row");
      // Moves: 0 cancels on a taken seat, 1 forces, 2 swaps.
      await store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "a", index: 0 });
      await store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "b", index: 1 });
      await assert.rejects(
        store.write({ op: "moveSeat", ctx, roomId: "ps", userId: "a", index: 1, policy: 0 }),
        isLive(100201),
      );
      await store.write({ op: "moveSeat", ctx, roomId: "ps", userId: "a", index: 1, policy: 2 });
      const seated = async () =>
        (await store.read((r) => r.listSeats(1, "ps"))).map((s) => [s.index, s.userId]);
      assert.deepEqual(await seated(), [
        [0, "b"],
        [1, "a"],
      ]);
      await store.write({ op: "moveSeat", ctx, roomId: "ps", userId: "a", index: 0, policy: 1 });
      assert.deepEqual(await seated(), [[0, "a"]]);
      await store.write({ op: "kickSeat", ctx, roomId: "ps", userId: "a" });
      await assert.rejects(store.write({ op: "kickSeat", ctx, roomId: "ps", userId: "a" }), isLive(100206));
      // Leaving the room frees the seat.
      await store.write({ op: "pickSeat", ctx, roomId: "ps", userId: "b", index: 2 });
      await store.write({ op: "leaveRoom", ctx: user("b"), roomId: "ps" });
      assert.deepEqual(await seated(), []);
    });

    method("listSeatApplications", async (store) => {
      await store.write({ op: "createRoom", ctx, room: seatRoom("lsa", "ApplyToTake") });
      for (const u of ["a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "lsa" });
      assert.deepEqual(
        await store.write({ op: "requestSeat", ctx: user("b", "n1", NOW + 2), roomId: "lsa", index: 1 }),
        { taken: false },
      );
      await store.write({ op: "requestSeat", ctx: user("a", "n1", NOW + 1), roomId: "lsa", index: -1 });
      assert.deepEqual(await store.read((r) => r.listSeatApplications(1, "lsa")), [
        { userId: "a", index: -1, createdMs: NOW + 1 },
        { userId: "b", index: 1, createdMs: NOW + 2 },
      ]);
    });

    method("putSeatApplication", async (store) => {
      await store.write({ op: "createRoom", ctx, room: seatRoom("psa", "ApplyToTake") });
      for (const u of ["o", "a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "psa" });
      await store.write({ op: "requestSeat", ctx: user("a"), roomId: "psa", index: 1 });
      await assert.rejects(
        store.write({ op: "requestSeat", ctx: user("a"), roomId: "psa", index: 1 }),
        isLive(100202),
      );
      await assert.rejects(
        store.write({
          op: "answerSeatApplication",
          ctx: user("b"),
          roomId: "psa",
          userId: "a",
          accept: true,
        }),
        isLive(100006),
        "only the owner or an admin",
      );
      const e = await store.write({
        op: "answerSeatApplication",
        ctx: user("o"),
        roomId: "psa",
        userId: "a",
        accept: true,
      });
      assert.ok(e?.packet.CallbackCommand === "Mic.CallbackAfterSeatInfoChanged");
      assert.equal(e.packet.SeatList[1]?.Member_Account, "a");
      // The owner takes a seat at once, even in an ApplyToTake room.
      assert.deepEqual(await store.write({ op: "requestSeat", ctx: user("o"), roomId: "psa", index: -1 }), {
        taken: true,
        event: (await store.read((r) => r.listEvents(1, "psa", 0, 100))).at(-1),
      });
    });

    method("removeSeatApplication", async (store) => {
      await store.write({ op: "createRoom", ctx, room: seatRoom("rsa", "ApplyToTake") });
      for (const u of ["o", "a", "b"]) await store.write({ op: "enterRoom", ctx: user(u), roomId: "rsa" });
      await store.write({ op: "requestSeat", ctx: user("a"), roomId: "rsa", index: -1 });
      await store.write({ op: "requestSeat", ctx: user("b"), roomId: "rsa", index: -1 });
      await store.write({ op: "cancelSeatApplication", ctx: user("a"), roomId: "rsa" });
      await assert.rejects(
        store.write({ op: "cancelSeatApplication", ctx: user("a"), roomId: "rsa" }),
        isLive(100204),
      );
      assert.equal(
        await store.write({
          op: "answerSeatApplication",
          ctx: user("o"),
          roomId: "rsa",
          userId: "b",
          accept: false,
        }),
        undefined,
      );
      assert.deepEqual(await store.read((r) => r.listSeatApplications(1, "rsa")), []);
      assert.deepEqual(await store.read((r) => r.listSeats(1, "rsa")), []);
    });

    method("getAccount", async (store) => {
      assert.equal(await store.read((r) => r.getAccount(1, "acc")), undefined);
      await store.write({
        op: "importAccounts",
        appId: 1,
        accounts: [{ userId: "acc", nick: "N" }],
        nowMs: NOW,
      });
      assert.deepEqual(await store.read((r) => r.getAccount(1, "acc")), {
        userId: "acc",
        nick: "N",
        faceUrl: "",
        tags: {},
        createdMs: NOW,
      });
      assert.equal(await store.read((r) => r.getAccount(2, "acc")), undefined, "per app");
    });

    method("putAccount", async (store) => {
      await store.write({
        op: "importAccounts",
        appId: 1,
        accounts: [{ userId: "p", nick: "N", faceUrl: "F" }],
        nowMs: NOW,
      });
      await store.write({
        op: "importAccounts",
        appId: 1,
        accounts: [{ userId: "p", faceUrl: "G" }],
        nowMs: NOW + 5,
      });
      const items = [
        { Tag: "Tag_Profile_IM_Nick", Value: "M" },
        { Tag: "Tag_Profile_Custom_Role", Value: 3 },
      ];
      assert.equal(await store.write({ op: "setProfile", appId: 1, userId: "p", items }), true);
      assert.equal(await store.write({ op: "setProfile", appId: 1, userId: "q", items }), false);
      assert.deepEqual(await store.read((r) => r.getAccount(1, "p")), {
        userId: "p",
        nick: "M",
        faceUrl: "G",
        tags: { Tag_Profile_Custom_Role: 3 },
        createdMs: NOW,
      });
      // With requireAccounts, owners and robots must be imported.
      const policy = { maxRooms: 0, blockedWords: [], requireAccounts: true };
      await assert.rejects(
        store.write({ op: "createRoom", ctx, room: testRoom("pa", "q"), policy }),
        isLive(70107),
      );
      await store.write({ op: "createRoom", ctx, room: testRoom("pa", "p"), policy });
      await assert.rejects(
        store.write({ op: "addRobots", ctx, roomId: "pa", robotIds: ["q"], policy }),
        isLive(70107),
      );
    });

    method("removeAccount", async (store) => {
      await store.write({ op: "importAccounts", appId: 1, accounts: [{ userId: "r" }], nowMs: NOW });
      assert.deepEqual(await store.write({ op: "deleteAccounts", appId: 1, userIds: ["r", "s", "r"] }), [
        true,
        false,
        false,
      ]);
      assert.equal(await store.read((r) => r.getAccount(1, "r")), undefined);
    });

    // Before-callbacks, gifts, battles (issue 13).
    const record = (roomId: string, command: string, startedMs: number) => ({
      appId: 1,
      roomId,
      command,
      eventId: `evt_${startedMs}`,
      packet: `{"RoomId":"${roomId}"}`,
      startedMs,
      durationMs: 3,
      decision: "refuse" as const,
      code: 10016,
    });

    method("recordBeforeCallback", async (store) => {
      await store.write({
        op: "recordBeforeCallback",
        record: {
          ...record("b1", "Group.CallbackBeforeSendMsg", NOW),
          status: 200,
          reply: '{"ErrorCode":1}',
        },
      });
      const [r] = await store.read((x) => x.listBeforeCallbacks(1, { limit: 10 }));
      assert.ok(r?.id !== undefined);
      assert.deepEqual(
        { ...r, id: 0 },
        {
          ...record("b1", "Group.CallbackBeforeSendMsg", NOW),
          id: 0,
          status: 200,
          reply: '{"ErrorCode":1}',
        },
      );
    });

    method("listBeforeCallbacks", async (store) => {
      for (const [room, cmd, t] of [
        ["x", "Group.CallbackBeforeSendMsg", 1],
        ["y", "Live.CallbackBeforeSendGift", 2],
        ["x", "Live.CallbackBeforeSendGift", 3],
      ] as const)
        await store.write({
          op: "recordBeforeCallback",
          record: { ...record(room, cmd, NOW + t), error: "timeout" },
        });
      const all = await store.read((x) => x.listBeforeCallbacks(1, { limit: 10 }));
      assert.deepEqual(
        all.map((r) => r.startedMs - NOW),
        [3, 2, 1],
        "newest first",
      );
      assert.deepEqual(
        (await store.read((x) => x.listBeforeCallbacks(1, { roomId: "x", limit: 10 }))).length,
        2,
      );
      assert.deepEqual(
        (
          await store.read((x) =>
            x.listBeforeCallbacks(1, { command: "Live.CallbackBeforeSendGift", limit: 1 }),
          )
        ).map((r) => r.roomId),
        ["x"],
      );
      const older = await store.read((x) =>
        x.listBeforeCallbacks(1, { beforeId: all[0]?.id ?? 0, limit: 10 }),
      );
      assert.equal(older.length, 2);
      assert.deepEqual(await store.read((x) => x.listBeforeCallbacks(2, { limit: 10 })), []);
    });

    method("getGiftCatalog", async (store) => {
      assert.equal(await store.read((x) => x.getGiftCatalog(1)), undefined);
      await store.write({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "copyDefault" } });
      const c = JSON.parse((await store.read((x) => x.getGiftCatalog(1))) ?? "{}") as {
        gifts: object;
        categories: object;
      };
      assert.equal(Object.keys(c.gifts).length, 15);
      assert.equal(Object.keys(c.categories).length, 3);
      await assert.rejects(
        store.write({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "copyDefault" } }),
        isLive(100002),
        "only on an empty catalog",
      );
    });

    method("putGiftCatalog", async (store) => {
      const gift = {
        GiftId: "g1",
        IconUrl: "",
        ResourceUrl: "",
        Coins: 5,
        Level: 0,
        ExtensionInfo: "",
        DefaultName: "G",
        DefaultDesc: "",
      };
      const change = (ch: Parameters<typeof store.write>[0] extends infer C ? C : never) => store.write(ch);
      await change({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "addGift", gift } });
      await assert.rejects(
        change({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "addGift", gift } }),
        isLive(100002),
      );
      await change({
        op: "changeGiftCatalog",
        appId: 1,
        nowMs: NOW,
        change: {
          kind: "addCategory",
          category: { CategoryId: "c", ExtensionInfo: "", DefaultName: "C", DefaultDesc: "" },
        },
      });
      const r = await store.write({
        op: "changeGiftCatalog",
        appId: 1,
        nowMs: NOW,
        change: { kind: "addRelations", categoryId: "c", giftIds: ["g1", "nope"] },
      });
      assert.deepEqual(r, { invalidGiftIds: ["nope"] });
      await change({
        op: "changeGiftCatalog",
        appId: 1,
        nowMs: NOW,
        change: { kind: "setGiftLanguage", giftId: "g1", language: "en", name: "Gee" },
      });
      await change({
        op: "changeGiftCatalog",
        appId: 1,
        nowMs: NOW,
        change: { kind: "delGift", giftId: "g1" },
      });
      const c = JSON.parse((await store.read((x) => x.getGiftCatalog(1))) ?? "{}") as {
        gifts: object;
        categories: { c: { GiftIdList: string[] } };
      };
      assert.deepEqual(c.gifts, {});
      assert.deepEqual(c.categories.c.GiftIdList, [], "a deleted gift leaves its categories");
      await assert.rejects(
        change({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "delGift", giftId: "g1" } }),
        isLive(102002),
      );
    });

    method("addRoomGift", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("gr", "o") });
      await store.write({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "copyDefault" } });
      const send = (from: string, receivers: string[], count: number) =>
        store.write({
          op: "sendGift",
          ctx,
          roomId: "gr",
          from,
          receivers,
          giftId: "rose",
          count,
          coins: 1,
          byMember: false,
        });
      const e = await send("a", ["o", "b"], 3);
      assert.deepEqual(e.packet, {
        CallbackCommand: "roomhook.Gift",
        RoomId: "gr",
        From_Account: "a",
        ReceiverList_Account: ["o", "b"],
        GiftId: "rose",
        Count: 3,
        Coins: 1,
        EventTime: NOW,
      });
      await send("a", ["o"], 2);
      await send("c", ["o"], 1);
      await assert.rejects(
        store.write({
          op: "sendGift",
          ctx,
          roomId: "gr",
          from: "a",
          receivers: ["o"],
          giftId: "nope",
          count: 1,
          coins: 1,
          byMember: false,
        }),
        isLive(102002),
      );
      await assert.rejects(
        store.write({
          op: "sendGift",
          ctx: user("z"),
          roomId: "gr",
          from: "z",
          receivers: ["o"],
          giftId: "rose",
          count: 1,
          coins: 1,
          byMember: true,
        }),
        isLive(100005),
      );
      assert.deepEqual(await store.read((x) => x.getGiftStats(1, "gr", "o")), {
        gifts: 6,
        coins: 6,
        senders: 2,
      });
    });

    method("getGiftStats", async (store) => {
      await store.write({ op: "createRoom", ctx, room: testRoom("gs", "o") });
      assert.deepEqual(await store.read((x) => x.getGiftStats(1, "gs")), { gifts: 0, coins: 0, senders: 0 });
      await store.write({ op: "changeGiftCatalog", appId: 1, nowMs: NOW, change: { kind: "copyDefault" } });
      await store.write({
        op: "sendGift",
        ctx,
        roomId: "gs",
        from: "a",
        receivers: ["o", "b"],
        giftId: "heart",
        count: 2,
        coins: 5,
        byMember: false,
      });
      assert.deepEqual(await store.read((x) => x.getGiftStats(1, "gs")), { gifts: 4, coins: 20, senders: 1 });
      assert.deepEqual(await store.read((x) => x.getGiftStats(1, "gs", "b")), {
        gifts: 2,
        coins: 10,
        senders: 1,
      });
      await store.write({ op: "destroyRoom", ctx, roomId: "gs" });
      await store.write({ op: "createRoom", ctx, room: testRoom("gs", "o") });
      assert.deepEqual(
        await store.read((x) => x.getGiftStats(1, "gs")),
        { gifts: 0, coins: 0, senders: 0 },
        "gone with the room",
      );
    });

    const battle = async (store: RoomStore, from: string, to: string[]) => {
      for (const id of [from, ...to].filter((r) => r !== "nope"))
        if ((await store.read((x) => x.getRoom(1, id))) === undefined)
          await store.write({ op: "createRoom", ctx, room: testRoom(id, `own-${id}`) });
      return store.write({
        op: "createBattle",
        ctx,
        fromRoomId: from,
        toRoomIds: to,
        durationMs: 60_000,
        extensionInfo: "x",
      });
    };

    method("putBattle", async (store) => {
      const { battleId, results } = await battle(store, "p1", ["p2", "nope"]);
      assert.deepEqual(results, [
        { RoomId: "p2", ResultCode: 0, ResultMessage: "" },
        { RoomId: "nope", ResultCode: 5, ResultMessage: "room nope does not exist" },
      ]);
      const scored = await store.write({
        op: "setBattleScore",
        ctx,
        battleId,
        opType: 1,
        scores: [
          { RoomId: "p1", Score: 5 },
          { RoomId: "p1", Score: 2 },
          { RoomId: "zz", Score: 1 },
        ],
      });
      assert.deepEqual(scored, [
        { RoomId: "p1", ResultCode: 0 },
        { RoomId: "p1", ResultCode: 0 },
        { RoomId: "zz", ResultCode: 100414 },
      ]);
      await store.write({
        op: "setBattleScore",
        ctx,
        battleId,
        opType: 2,
        scores: [{ RoomId: "p2", Score: 3 }],
      });
      const doc = JSON.parse((await store.read((x) => x.getBattle(1, battleId))) ?? "{}") as {
        Scores: object;
        state: string;
      };
      assert.deepEqual([doc.Scores, doc.state], [{ p1: 7, p2: 3 }, "started"]);
      const end = await store.write({
        op: "endBattle",
        ctx: at(NOW + 60_000),
        battleId,
        opType: 0,
        roomIds: ["p1", "p2"],
      });
      assert.ok(end?.packet.CallbackCommand === "Live.CallbackAfterEndBattle");
      assert.deepEqual(
        [end.packet.FromRoomInfo, end.packet.ToRoomList],
        [
          { RoomId: "p1", Score: 7, Owner_Account: "own-p1" },
          [{ RoomId: "p2", Score: 3, Owner_Account: "own-p2" }],
        ],
      );
      assert.equal(
        await store.write({ op: "endBattle", ctx, battleId, opType: 0, roomIds: ["p1", "p2"] }),
        undefined,
        "once",
      );
      await assert.rejects(
        store.write({ op: "setBattleScore", ctx, battleId, opType: 1, scores: [{ RoomId: "p1", Score: 1 }] }),
        isLive(100419),
      );
    });

    method("getBattle", async (store) => {
      assert.equal(await store.read((x) => x.getBattle(1, "nope")), undefined);
      await assert.rejects(
        store.write({ op: "setBattleScore", ctx, battleId: "nope", opType: 1, scores: [] }),
        isLive(100411),
      );
      const { battleId } = await battle(store, "g1", ["g2"]);
      const events = await store.read((x) => x.listEvents(1, "g1", 1, 10));
      assert.deepEqual(
        events.map((e) => e.packet.CallbackCommand),
        ["Live.CallbackAfterCreateBattle", "Live.CallbackAfterStartBattle"],
      );
      assert.ok((await store.read((x) => x.getBattle(1, battleId)))?.includes(battleId));
    });

    method("listDueBattles", async (store) => {
      const { battleId } = await battle(store, "d1", ["d2"]);
      const startSec = Math.floor(NOW / 1000);
      assert.deepEqual(await store.read((x) => x.listDueBattles(startSec * 1000 + 59_999, 10)), []);
      assert.deepEqual(await store.read((x) => x.listDueBattles(startSec * 1000 + 60_000, 10)), [
        { appId: 1, battleId },
      ]);
    });

    method("getRoomBattle", async (store) => {
      const { battleId } = await battle(store, "r1", ["r2"]);
      assert.equal(await store.read((x) => x.getRoomBattle(1, "r2")), battleId);
      await assert.rejects(battle(store, "r3", ["r1"]), isLive(100412), "r1 is busy: no callee left");
      await assert.rejects(battle(store, "r2", ["r3"]), isLive(100415));
    });

    method("putRoomBattle", async (store) => {
      const { battleId } = await battle(store, "q1", ["q2", "q3"]);
      for (const r of ["q1", "q2", "q3"])
        assert.equal(await store.read((x) => x.getRoomBattle(1, r)), battleId);
    });

    method("removeRoomBattle", async (store) => {
      const { battleId } = await battle(store, "e1", ["e2"]);
      await store.write({ op: "endBattle", ctx, battleId, opType: 0, roomIds: ["e1", "e2"] });
      assert.equal(await store.read((x) => x.getRoomBattle(1, "e1")), undefined);
      const again = await battle(store, "e2", ["e1"]);
      assert.notEqual(again.battleId, battleId, "free for a new battle");
    });

    method("getOutboxStats", async (store) => {
      assert.deepEqual(await store.read((x) => x.getOutboxStats()), { pending: 0, dead: 0 });
      const [d1, d2] = await deliveries(store);
      assert.ok(d1 && d2);
      await store.write(attempt(d1, 1, { state: "dead", reason: "x" }, { status: 500 }));
      const s = await store.read((x) => x.getOutboxStats());
      assert.equal(s.dead, 1);
      assert.ok(s.pending >= 1);
      assert.equal(s.oldestPendingMs, NOW + 10, "d2, created 10 ms after d1");
    });

    // Retention (retention.ts): a window of ids per batch; what stays whatever its age.
    method("pruneDeliveries", async (store) => {
      const [d1, d2, d3, d4] = await deliveries(store);
      assert.ok(d1 && d2 && d3 && d4);
      // Each attempt ends at NOW + 105: d1 delivered, d2 dead, d3 waiting for a retry, d4 delivered.
      await store.write(attempt(d1, 1, { state: "delivered" }));
      await store.write(attempt(d2, 1, { state: "dead", reason: "gone" }, { status: 500 }));
      await store.write(attempt(d3, 1, { state: "pending", nextAttemptMs: NOW + 10_000 }, { status: 500 }));
      await store.write(attempt(d4, 1, { state: "delivered" }));
      const prune = (p: { deliveredBeforeMs?: number; deadBeforeMs?: number }, afterId = 0, limit = 100) =>
        store.write({ op: "pruneDeliveries", afterId, limit, ...p });
      const left = async () =>
        (await store.read((r) => r.listDeliveries(1, { roomId: "dr", limit: 10 })))
          .map((d) => d.seq)
          .reverse();
      assert.deepEqual(
        await prune({ deliveredBeforeMs: NOW + 105 }),
        { removed: 0, attempts: 0, lastId: d4.id, done: true },
        "the cutoff is exclusive",
      );
      assert.deepEqual(await prune({ deliveredBeforeMs: NOW + 106 }), {
        removed: 1,
        attempts: 1,
        lastId: d4.id,
        done: true,
      });
      assert.deepEqual(await left(), [2, 3, 4], "d4 is delivered but the last of its room");
      assert.deepEqual(await store.read((r) => r.listAttempts(d1.id)), [], "its attempts went with it");
      assert.equal((await store.read((r) => r.listAttempts(d2.id))).length, 1);
      // The dead have their own cutoff; the pending are never removed.
      assert.equal((await prune({ deadBeforeMs: NOW + 106 })).removed, 1);
      assert.equal((await prune({ deliveredBeforeMs: NOW + 1e9, deadBeforeMs: NOW + 1e9 })).removed, 0);
      assert.deepEqual(await left(), [3, 4]);
      // The kept last delivery carries the chain: the room's next callback follows it.
      await store.write({ op: "changeOwner", ctx: at(NOW + 40), input: { roomId: "dr", newOwner: "u4" } });
      const [d5] = await store.read((r) => r.listDeliveries(1, { roomId: "dr", limit: 1 }));
      assert.deepEqual([d5?.seq, d5?.prevSeq], [5, 4]);
      // A window is the next `limit` rows by id, however many of them stay.
      const w1 = await prune({ deliveredBeforeMs: NOW + 1e9 }, 0, 1);
      assert.deepEqual(w1, { removed: 0, attempts: 0, lastId: d3.id, done: false }, "d3 is pending");
      const w2 = await prune({ deliveredBeforeMs: NOW + 1e9 }, w1.lastId, 1);
      assert.deepEqual(w2, { removed: 1, attempts: 1, lastId: d4.id, done: false }, "no longer the last");
      const w3 = await prune({ deliveredBeforeMs: NOW + 1e9 }, w2.lastId, 1);
      assert.deepEqual(w3, { removed: 0, attempts: 0, lastId: d5?.id, done: false });
      assert.deepEqual(await prune({ deliveredBeforeMs: NOW + 1e9 }, w3.lastId, 1), {
        removed: 0,
        attempts: 0,
        lastId: w3.lastId,
        done: true,
      });
      // A window with a row created at or after the cutoff ends the pass.
      assert.equal((await prune({ deliveredBeforeMs: NOW + 40 }, 0, 1)).done, false);
      assert.equal((await prune({ deliveredBeforeMs: NOW + 40 }, 0, 2)).done, true);
      assert.deepEqual(await left(), [3, 5]);
    });

    method("pruneEvents", async (store) => {
      await switchOn(store, ["Live.CallbackAfterChangeOwner"]);
      const admin = (ms: number, userId: string) =>
        store.write({ op: "modifyAdmins", ctx: at(ms), roomId: "pe", userIds: [userId], opType: "add" });
      const owner = (ms: number, newOwner: string) =>
        store.write({ op: "changeOwner", ctx: at(ms), input: { roomId: "pe", newOwner } });
      await store.write({ op: "createRoom", ctx, room: testRoom("pe", "u0") }); // seq 1, no callback
      await admin(NOW + 10, "a"); // seq 2, no callback
      await owner(NOW + 20, "u1"); // seq 3, its delivery
      await admin(NOW + 30, "b"); // seq 4, the room's last
      await store.write({ op: "createRoom", ctx, room: testRoom("lone", "u0") }); // its only event
      const seqs = async (roomId: string) =>
        (await store.read((r) => r.listEvents(1, roomId, 0, 100))).map((e) => e.seq);
      const prune = (beforeMs: number, afterId = 0, limit = 100) =>
        store.write({ op: "pruneEvents", afterId, limit, beforeMs });
      assert.deepEqual(await prune(NOW + 10), { removed: 1, attempts: 0, lastId: 5, done: true });
      assert.deepEqual(await seqs("pe"), [2, 3, 4]);
      assert.deepEqual(await seqs("lone"), [1], "a room's last event stays");
      const w = await prune(NOW + 1e9, 0, 1);
      assert.deepEqual([w.removed, w.done], [1, false], "a window of one row: seq 2");
      assert.deepEqual(await prune(NOW + 1e9, w.lastId), { removed: 0, attempts: 0, lastId: 5, done: true });
      assert.deepEqual(await seqs("pe"), [3, 4], "seq 3 has its delivery, seq 4 is the room's last");
      // Once its delivery is gone (no longer the room's last), the event may go too.
      await owner(NOW + 40, "u2"); // seq 5
      const [d3] = await store
        .read((r) => r.listDeliveries(1, { roomId: "pe", limit: 10 }))
        .then((l) => l.filter((d) => d.seq === 3));
      assert.ok(d3);
      await store.write({
        op: "recordAttempt",
        id: d3.id,
        appId: 1,
        roomId: "pe",
        attempt: { n: 1, startedMs: NOW + 50, durationMs: 1 },
        next: { state: "delivered" },
      });
      await store.write({ op: "pruneDeliveries", afterId: 0, limit: 100, deliveredBeforeMs: NOW + 1e9 });
      assert.deepEqual((await prune(NOW + 1e9)).removed, 2);
      assert.deepEqual(await seqs("pe"), [5]);
      // The catch-up query still answers with the room's latest callback, and its event.
      const [c] = await store.read((r) => r.listRoomCallbacks(1, "pe", 0, 10));
      assert.deepEqual([c?.seq, c?.prevSeq], [5, 3]);
      assert.match(c?.body ?? "", /"u2"/);
      // Sequence numbers go on from the room's, not from its events left.
      assert.equal((await admin(NOW + 60, "c"))?.seq, 6);
    });

    method("pruneBeforeCallbacks", async (store) => {
      const add = (t: number) =>
        store.write({
          op: "recordBeforeCallback",
          record: record("pb", "Live.CallbackBeforeSendGift", NOW + t),
        });
      for (const t of [1, 2, 3]) await add(t);
      const left = async () => await store.read((x) => x.listBeforeCallbacks(1, { limit: 10 }));
      const prune = (beforeMs: number, afterId = 0, limit = 100) =>
        store.write({ op: "pruneBeforeCallbacks", afterId, limit, beforeMs });
      assert.equal((await prune(NOW + 2)).removed, 1, "only what started before the cutoff");
      const w = await prune(NOW + 100, 0, 1);
      assert.deepEqual([w.removed, w.done], [1, false], "a window of one row");
      assert.deepEqual((await prune(NOW + 100, w.lastId)).removed, 0);
      const [newest] = await left();
      assert.deepEqual(
        [newest?.startedMs, (await left()).length],
        [NOW + 3, 1],
        "the newest record stays, whatever its age: SQLite would hand its id out again",
      );
      await add(4);
      const [next] = await left();
      assert.ok((next?.id ?? 0) > (newest?.id ?? 0), "ids are not reused");
      assert.equal((await prune(NOW + 100)).removed, 1);
      assert.deepEqual(
        (await left()).map((r) => r.startedMs),
        [NOW + 4],
      );
    });
  });
}

test("every method of the shared store implementation has its test above", () => {
  const methods = new Set<string>();
  for (
    let p: object | null = SqlStoreTx.prototype;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  )
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") methods.add(name);
  // PostgreSQL's event ordering reads; private write helpers.
  for (const own of ["listEventsSinceRow", "lastEventRow", "w", "wAll", "append"]) methods.delete(own);
  const missing = [...methods].filter((m) => !tested.has(m)).sort();
  assert.deepEqual(missing, []);
});
