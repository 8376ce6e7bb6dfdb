import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { failed, ok, startTestServer, TEST_APP, type TestServer } from "./support/harness.ts";

let t: TestServer;
before(async () => {
  t = await startTestServer({ env: { ROOMHOOK_ADMIN: "administrator,ops_admin" } });
});
after(() => t.close());

const events = (roomId: string) => t.server.store.read((tx) => tx.listEvents(TEST_APP, roomId, 0, 100));
const owner = async (roomId: string) =>
  (ok(await t.call("get_room_info", { RoomId: roomId })).Response?.RoomInfo as { Owner_Account: string })
    .Owner_Account;

test("change_room_owner: get_room_info shows the new owner at once, and the owner-change record is complete", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "demo-42", RoomType: "Live", Owner_Account: "alice" },
    }),
  );
  t.clock.advance(1234);
  const env = ok(
    await t.call(
      "change_room_owner",
      { RoomId: "demo-42", NewOwner_Account: "bob" },
      { identifier: "ops_admin" },
    ),
  );
  assert.equal(env.Response, undefined, "envelope only");
  assert.equal(await owner("demo-42"), "bob");

  const record = (await events("demo-42")).at(-1);
  assert.ok(record);
  assert.equal(record.seq, 2);
  assert.match(record.eventId, /^evt_[0-9a-z]{9}[0-9a-f]{16}$/);
  assert.equal(record.operator, "ops_admin");
  assert.equal(record.platform, "RESTAPI");
  assert.equal(record.clientIp, "127.0.0.1");
  assert.equal(record.timeMs, t.clock.now());
  // Exactly the packet of Tencent's "Webhook After Room Owner Change".
  assert.deepEqual(record.packet, {
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "demo-42",
    EventTime: t.clock.now(),
    Operator_Account: "ops_admin",
    CurrentOwner_Account: "bob",
    OriginalOwner_Account: "alice",
  });
  assert.deepEqual(Object.keys(record.packet), [
    "CallbackCommand",
    "RoomId",
    "EventTime",
    "Operator_Account",
    "CurrentOwner_Account",
    "OriginalOwner_Account",
  ]);
});

test("the room must exist (100004) and the new owner must be a valid user id (100002)", async () => {
  failed(await t.call("change_room_owner", { RoomId: "missing", NewOwner_Account: "bob" }), 100004);
  ok(await t.call("create_room", { RoomInfo: { RoomId: "v", RoomType: "Live", Owner_Account: "alice" } }));
  for (const bad of ["", " ", "x".repeat(33), "a\u0000b", "@TIM#SYSTEM", null, 1.5, ["bob"], { id: "bob" }]) {
    failed(await t.call("change_room_owner", { RoomId: "v", NewOwner_Account: bad }), 100002);
  }
  failed(await t.call("change_room_owner", { RoomId: "v" }), 100002);
  failed(await t.call("change_room_owner", { NewOwner_Account: "bob" }), 100002);
  assert.equal(await owner("v"), "alice");
  assert.equal((await events("v")).length, 1, "only the create");
});

test("a banned member cannot become owner (100016) until the ban ends or is lifted", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "b", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("ban_member", { RoomId: "b", MemberList_Account: ["mallory"], Duration: 30 }));
  failed(await t.call("change_room_owner", { RoomId: "b", NewOwner_Account: "mallory" }), 100016);
  assert.equal(await owner("b"), "alice");
  t.clock.advance(31_000);
  ok(await t.call("change_room_owner", { RoomId: "b", NewOwner_Account: "mallory" }));
  assert.equal(await owner("b"), "mallory");
});

test("a change to the current owner succeeds and changes nothing: no record", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "same", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("change_room_owner", { RoomId: "same", NewOwner_Account: "alice" }));
  assert.equal(await owner("same"), "alice");
  assert.equal((await events("same")).length, 1);
});

test("an admin who becomes owner leaves the admin list; the old owner is an ordinary member", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "adm", RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["bob", "carol"], OpType: "add" }));
  ok(await t.call("change_room_owner", { RoomId: "adm", NewOwner_Account: "bob" }));
  assert.deepEqual(ok(await t.call("get_admin_list", { RoomId: "adm" })).Response, {
    Admin_Account: ["carol"],
  });
  assert.equal(await owner("adm"), "bob");
});

test("concurrent changes of one room each get their own sequence number; the last committed wins", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "race", RoomType: "Live", Owner_Account: "u0" } }));
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      t.call("change_room_owner", { RoomId: "race", NewOwner_Account: `u${i + 1}` }),
    ),
  );
  results.forEach(ok);
  const changes = (await events("race")).filter(
    (e) => e.packet.CallbackCommand === "Live.CallbackAfterChangeOwner",
  );
  assert.equal(changes.length, 40);
  assert.deepEqual(
    changes.map((e) => e.seq),
    Array.from({ length: 40 }, (_, i) => i + 2),
  );
  // Each record's original owner is the previous record's new owner: a chain with no gap.
  let prev = "u0";
  for (const e of changes) {
    const p = e.packet as { OriginalOwner_Account: string; CurrentOwner_Account: string };
    assert.equal(p.OriginalOwner_Account, prev);
    prev = p.CurrentOwner_Account;
  }
  assert.equal(await owner("race"), prev);
});
