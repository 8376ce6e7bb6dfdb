import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { failed, ok, startTestServer, TEST_APP, type TestServer } from "./support/harness.ts";

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const events = (roomId: string) => t.server.store.read((tx) => tx.listEvents(TEST_APP, roomId, 0, 100));

test("create_room with defaults, then get_room_info shows every documented field", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "life-1", RoomType: "Live" } }));
  const info = ok(await t.call("get_room_info", { RoomId: "life-1" })).Response?.RoomInfo;
  assert.deepEqual(info, {
    RoomId: "life-1",
    RoomName: "life-1",
    RoomType: "Live",
    Owner_Account: "administrator",
    CreateTime: Math.floor(t.clock.now() / 1000),
    IsSeatEnabled: false,
    TakeSeatMode: "None",
    MaxSeatCount: 0,
    MaxMemberCount: 1000,
    IsMessageDisabled: false,
    CoverURL: "",
    Category: [],
    ActivityStatus: 0,
    ViewCount: 0,
    IsPublicVisible: true,
    IsUnlimitedRoomEnabled: false,
    CustomInfo: "",
    BackgroundURL: "",
    Notice: "",
  });
  const [created] = await events("life-1");
  assert.equal(created?.seq, 1);
  assert.deepEqual(created?.packet, {
    CallbackCommand: "Live.CallbackAfterCreateRoom",
    Operator_Account: "administrator",
    RoomInfo: {
      RoomId: "life-1",
      RoomName: "life-1",
      RoomType: "Live",
      Owner_Account: "administrator",
      MaxMemberCount: 1000,
      IsMessageDisabled: false,
      CustomInfo: "",
      IsSeatEnabled: false,
      TakeSeatMode: "None",
      MaxSeatCount: 0,
      CreateTime: Math.floor(t.clock.now() / 1000),
      IsPublicVisible: true,
      CoverURL: "",
      Category: [],
    },
    EventTime: t.clock.now(),
  });
});

test("create_room of an existing id: 100003, or 100010 when the requested owner already owns it", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "dup", RoomType: "Live", Owner_Account: "alice" } }));
  failed(
    await t.call("create_room", { RoomInfo: { RoomId: "dup", RoomType: "Live", Owner_Account: "bob" } }),
    100003,
  );
  failed(
    await t.call("create_room", { RoomInfo: { RoomId: "dup", RoomType: "Live", Owner_Account: "alice" } }),
    100010,
  );
});

test("update_room_info changes what it names; the event carries RoomId and those fields", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: {
        RoomId: "upd",
        RoomType: "Live",
        IsSeatEnabled: true,
        Category: [1],
        CoverURL: "https://c/1.png",
      },
    }),
  );
  ok(
    await t.call("update_room_info", {
      RoomInfo: { RoomId: "upd", RoomName: "Renamed", Category: [2, 3], Notice: "hi" },
    }),
  );
  const info = ok(await t.call("get_room_info", { RoomId: "upd" })).Response?.RoomInfo as Record<
    string,
    unknown
  >;
  assert.equal(info.RoomName, "Renamed");
  assert.deepEqual(info.Category, [2, 3]);
  assert.equal(info.Notice, "hi");
  assert.equal(info.CoverURL, "https://c/1.png");
  assert.equal(info.TakeSeatMode, "FreeToTake");
  assert.equal(info.MaxSeatCount, 10);
  const last = (await events("upd")).at(-1);
  assert.deepEqual(last?.packet, {
    CallbackCommand: "Live.CallbackAfterUpdateRoomInfo",
    Operator_Account: "administrator",
    RoomInfo: { RoomId: "upd", RoomName: "Renamed", Category: [2, 3], Notice: "hi" },
    EventTime: t.clock.now(),
  });
  failed(await t.call("update_room_info", { RoomInfo: { RoomId: "upd" } }), 100002);
  failed(await t.call("update_room_info", { RoomInfo: { RoomId: "nope", RoomName: "x" } }), 100004);
});

test("destroy_room answers Statistic, records DestroyByUser, and a re-created room continues the sequence", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "gone", RoomType: "Live", Owner_Account: "carol" } }));
  ok(await t.call("modify_admin", { RoomId: "gone", Admin_Account: ["dave"], OpType: "add" }));
  const env = ok(await t.call("destroy_room", { RoomId: "gone" }));
  assert.deepEqual(env.Response, {
    Statistic: {
      TotalViewers: 0,
      TotalGiftsSent: 0,
      TotalGiftCoins: 0,
      TotalUniqueGiftSenders: 0,
      TotalLikesReceived: 0,
    },
  });
  failed(await t.call("get_room_info", { RoomId: "gone" }), 100004);
  failed(await t.call("destroy_room", { RoomId: "gone" }), 100004);
  const destroyed = (await events("gone")).at(-1);
  assert.equal(destroyed?.packet.CallbackCommand, "Live.CallbackAfterDestroyRoom");
  assert.equal((destroyed?.packet as { EventType: string }).EventType, "DestroyByUser");
  assert.equal(destroyed?.seq, 3);
  ok(await t.call("create_room", { RoomInfo: { RoomId: "gone", RoomType: "Live" } }));
  assert.equal((await events("gone")).at(-1)?.seq, 4);
  // Admins did not survive the destroy.
  assert.deepEqual(ok(await t.call("get_admin_list", { RoomId: "gone" })).Response, { Admin_Account: [] });
});

test("get_room_list pages public rooms with Next, Count at most 20", async () => {
  for (let i = 0; i < 25; i++) {
    ok(
      await t.call("create_room", {
        RoomInfo: { RoomId: `list-${String(i).padStart(2, "0")}`, RoomType: "Live" },
      }),
    );
  }
  ok(
    await t.call("create_room", { RoomInfo: { RoomId: "hidden", RoomType: "Live", IsPublicVisible: false } }),
  );
  const seen: string[] = [];
  let next = "";
  let pages = 0;
  do {
    const r = ok(await t.call("get_room_list", { Next: next, Count: 7 })).Response as {
      Next: string;
      RoomList: { RoomId: string; Owner_Account: string }[];
    };
    assert.ok(r.RoomList.length <= 7);
    seen.push(...r.RoomList.map((x) => x.RoomId));
    next = r.Next;
    pages++;
  } while (next !== "" && pages < 50);
  assert.equal(seen.includes("hidden"), false);
  assert.equal(new Set(seen).size, seen.length, "no room twice");
  for (let i = 0; i < 25; i++) assert.ok(seen.includes(`list-${String(i).padStart(2, "0")}`));
  failed(await t.call("get_room_list", { Next: "", Count: 21 }), 100002);
  failed(await t.call("get_room_list", { Next: "not-a-cursor" }), 100002);
});

test("modify_admin: add, idempotent re-add, at most 5, owner refused, delete; events name only the changed", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "adm", RoomType: "Live", Owner_Account: "owner1" } }));
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a1", "a2"], OpType: "add" }));
  const before = (await events("adm")).length;
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a1"], OpType: "add" }));
  assert.equal((await events("adm")).length, before, "nothing changed, no event");
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a1", "a3", "a4"], OpType: "add" }));
  assert.deepEqual((await events("adm")).at(-1)?.packet, {
    CallbackCommand: "Live.CallbackAfterModifyAdmin",
    RoomId: "adm",
    Admin_Account: ["a3", "a4"],
    opType: "add",
    Operator_Account: "administrator",
    EventTime: t.clock.now(),
  });
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a5"], OpType: "add" }));
  failed(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a6"], OpType: "add" }), 100020);
  failed(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["owner1"], OpType: "add" }), 100002);
  ok(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["a1", "nobody"], OpType: "delete" }));
  assert.deepEqual(ok(await t.call("get_admin_list", { RoomId: "adm" })).Response, {
    Admin_Account: ["a2", "a3", "a4", "a5"],
  });
  failed(await t.call("modify_admin", { RoomId: "adm", Admin_Account: ["x"], OpType: "Add" }), 100002);
  failed(await t.call("modify_admin", { RoomId: "adm", Admin_Account: [], OpType: "add" }), 100002);
  failed(await t.call("modify_admin", { RoomId: "none", Admin_Account: ["x"], OpType: "add" }), 100004);
  failed(await t.call("get_admin_list", { RoomId: "none" }), 100004);
});

test("ban_member, get_banned_member_list with paging, unban_member, and bans that run out", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "ban", RoomType: "Live", Owner_Account: "boss" } }));
  const nowSec = Math.floor(t.clock.now() / 1000);
  ok(
    await t.call("ban_member", {
      RoomId: "ban",
      MemberList_Account: ["u1", "u2", "u3"],
      Duration: 60,
      Reason: "spam",
    }),
  );
  ok(await t.call("ban_member", { RoomId: "ban", MemberList_Account: ["u4"], Duration: 3600 }));
  const page1 = ok(await t.call("get_banned_member_list", { RoomId: "ban", Offset: 0, Limit: 3 })).Response;
  assert.deepEqual(page1, {
    BannedAccountList: [
      { Member_Account: "u1", BannedUntil: nowSec + 60 },
      { Member_Account: "u2", BannedUntil: nowSec + 60 },
      { Member_Account: "u3", BannedUntil: nowSec + 60 },
    ],
    NextOffset: 3,
  });
  const page2 = ok(await t.call("get_banned_member_list", { RoomId: "ban", Offset: 3, Limit: 3 })).Response;
  assert.deepEqual(page2, {
    BannedAccountList: [{ Member_Account: "u4", BannedUntil: nowSec + 3600 }],
    NextOffset: 0,
  });
  ok(await t.call("unban_member", { RoomId: "ban", MemberList_Account: ["u2"] }));
  t.clock.advance(61_000);
  const after = ok(await t.call("get_banned_member_list", { RoomId: "ban" })).Response;
  assert.deepEqual(after, {
    BannedAccountList: [{ Member_Account: "u4", BannedUntil: nowSec + 3600 }],
    NextOffset: 0,
  });
  failed(await t.call("ban_member", { RoomId: "ban", MemberList_Account: ["boss"], Duration: 60 }), 100006);
  failed(await t.call("ban_member", { RoomId: "ban", MemberList_Account: ["u9"] }), 100002);
  failed(await t.call("ban_member", { RoomId: "ban", MemberList_Account: ["u9"], Duration: 0 }), 100002);
  const many = Array.from({ length: 21 }, (_, i) => `m${i}`);
  failed(await t.call("ban_member", { RoomId: "ban", MemberList_Account: many, Duration: 60 }), 100002);
  failed(await t.call("ban_member", { RoomId: "nope", MemberList_Account: ["u9"], Duration: 60 }), 100004);
  failed(await t.call("get_banned_member_list", { RoomId: "nope" }), 100004);
});
