import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { RoomhookClient, RoomEvents } from "@roomhook/client";
import { failed, ok, startTestServer, TEST_APP, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";
import { nextEvent, testClient } from "./support/clients.ts";

/**
 * The rest of Tencent Live's room API over REST and the client path (issue 12): members, mutes,
 * metadata, seats, robots, messages, stats, the current create_room, Chat accounts, automatic
 * dissolution and the room quota. Callbacks are compared with the samples of Tencent's pages, key by key.
 */

let t: TestServer;
let rx: Receiver;
const clients: RoomhookClient[] = [];
const EVERY = [
  "Live.CallbackAfterCreateRoom",
  "Live.CallbackAfterDestroyRoom",
  "Live.CallbackAfterSetMetadata",
  "Live.CallbackAfterDelMetadata",
  "Live.CallbackAfterCreateRoomReachingThreshold",
  "Live.CallbackAfterMemberStateChanged",
  "Mic.CallbackAfterSeatInfoChanged",
];

before(async () => {
  // Clients stay online while the tests move the clock by minutes.
  t = await startTestServer({ env: { ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "3600000" } });
  rx = await startReceiver();
  ok(await t.call("set_callback", { Url: rx.url, CallbackCommandList: EVERY }, { service: "live_config" }));
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
  await rx.close();
});

function client(server: TestServer, userId: string) {
  const c = testClient(server, userId, { reconnect: false });
  clients.push(c);
  return c;
}

const next = nextEvent;

/** The callbacks of a command for a room, delivered so far, as parsed bodies with their query. */
async function delivered(command: string, roomId?: string) {
  await t.server.dispatcher.runOnce();
  return rx.received
    .filter((r) => r.query.get("CallbackCommand") === command)
    .map((r) => ({ query: r.query, body: JSON.parse(r.body) as Record<string, unknown> }))
    .filter((r) => roomId === undefined || r.body.RoomId === roomId);
}

const mic = (command: string, body: unknown) => t.call(command, body, { service: "room_engine_http_mic" });

test("create_room as page 63401 has it: SeatTemplate gives the seats, FreeToTake by default, the RoomId answered", async () => {
  const res = ok(
    await t.call("create_room", {
      RoomInfo: {
        RoomId: "tpl-1",
        RoomType: "Live",
        SeatTemplate: "VideoDynamicGrid9Seats",
        MaxSeatCount: 2,
      },
    }),
  );
  assert.deepEqual(res.Response, { RoomId: "tpl-1" });
  const info = ok(await t.call("get_room_info", { RoomId: "tpl-1" })).Response?.RoomInfo as Record<
    string,
    unknown
  >;
  assert.equal(info.SeatTemplate, "VideoDynamicGrid9Seats");
  assert.equal(info.IsSeatEnabled, true);
  assert.equal(info.TakeSeatMode, "FreeToTake");
  assert.equal(info.MaxSeatCount, 9, "a video template's seats; MaxSeatCount is for audio rooms");
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "tpl-2", RoomType: "Live", SeatTemplate: "AudioSalon", MaxSeatCount: 6 },
    }),
  );
  const audio = ok(await mic("get_seat_list", { RoomId: "tpl-2" })).Response?.SeatList as unknown[];
  assert.equal(audio.length, 6);
  const bad = failed(
    await t.call("create_room", { RoomInfo: { RoomId: "tpl-3", RoomType: "Live", SeatTemplate: "Grid" } }),
    100002,
  );
  assert.match(bad.ErrorInfo, /RoomInfo\.SeatTemplate must be one of "VideoDynamicGrid9Seats"/);
});

test('get_room_list takes "0" as a first page, like "", and orders by ViewCount counted on every entry', async () => {
  for (const id of ["view-a", "view-b"])
    ok(await t.call("create_room", { RoomInfo: { RoomId: id, RoomType: "Live", Owner_Account: "host" } }));
  const u1 = client(t, "viewer1");
  const u2 = client(t, "viewer2");
  await u1.login();
  await u2.login();
  await u1.enterRoom("view-b");
  await u1.leaveRoom("view-b");
  await u1.enterRoom("view-b");
  await u2.enterRoom("view-b");
  await u2.enterRoom("view-a");
  const first = async (Next: string) => {
    const r = ok(await t.call("get_room_list", { Next, Count: 20 })).Response as {
      RoomList: { RoomId: string; ViewCount: number }[];
    };
    return r.RoomList.filter((x) => x.RoomId.startsWith("view-")).map((x) => [x.RoomId, x.ViewCount]);
  };
  assert.deepEqual(await first("0"), [
    ["view-b", 3],
    ["view-a", 1],
  ]);
  assert.deepEqual(await first("0"), await first(""));
  failed(await t.call("get_room_list", { Next: "00", Count: 20 }), 100002);
  const stats = ok(await t.call("get_room_stats", { RoomId: "view-b" })).Response;
  assert.deepEqual(stats, {
    TotalViewers: 3,
    TotalGiftsSent: 0,
    TotalGiftCoins: 0,
    TotalUniqueGiftSenders: 0,
    TotalLikesReceived: 0,
    TotalMsgCount: 0,
  });
  assert.deepEqual(ok(await t.call("get_room_statistic", { RoomId: "view-b" })).Response, stats);
  failed(await t.call("get_room_stats", { RoomId: "nope" }), 100004);
});

test("get_member_list pages by 1000 with Next; robots are members; add/del/get_robot", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "crowd", RoomType: "Live", Owner_Account: "host", MaxMemberCount: 2000 },
    }),
  );
  for (let i = 0; i < 10; i++) {
    const ids = Array.from({ length: 100 }, (_, j) => `bot${String(i * 100 + j).padStart(4, "0")}`);
    ok(await t.call("add_robot", { RoomId: "crowd", RobotList_Account: ids }));
  }
  failed(await t.call("add_robot", { RoomId: "crowd", RobotList_Account: ["bot-extra"] }), 100013);
  const c = client(t, "zed");
  await c.login();
  await c.enterRoom("crowd");
  const p1 = ok(await t.call("get_member_list", { RoomId: "crowd", Next: "" })).Response as {
    Next: string;
    MemberCount: number;
    MemberList: { Member_Account: string }[];
  };
  assert.equal(p1.MemberCount, 1001);
  assert.equal(p1.MemberList.length, 1000);
  assert.deepEqual(p1.MemberList[0], { Member_Account: "bot0000" });
  assert.notEqual(p1.Next, "");
  const p2 = ok(await t.call("get_member_list", { RoomId: "crowd", Next: p1.Next })).Response as typeof p1;
  assert.deepEqual(p2, { Next: "", MemberCount: 1001, MemberList: [{ Member_Account: "zed" }] });
  failed(await t.call("get_member_list", { RoomId: "crowd", Next: "x" }), 100002);
  failed(await t.call("get_member_list", { RoomId: "nope", Next: "" }), 100004);

  const robots = ok(await t.call("get_robot", { RoomId: "crowd" })).Response?.RobotList_Account as string[];
  assert.equal(robots.length, 1000);
  for (let i = 0; i < 999; i += 100)
    ok(
      await t.call("del_robot", {
        RoomId: "crowd",
        RobotList_Account: robots.slice(i, Math.min(i + 100, 999)),
      }),
    );
  failed(await t.call("del_robot", { RoomId: "crowd", RobotList_Account: robots }), 100002);
  assert.deepEqual(ok(await t.call("get_robot", { RoomId: "crowd" })).Response, {
    RobotList_Account: ["bot0999"],
  });
  const left = await delivered("Live.CallbackAfterMemberStateChanged", "crowd");
  const robotsLeft = left.filter((r) => r.body.EventCause === "Leave");
  assert.deepEqual(
    robotsLeft.map((r) => (r.body.MemberList as unknown[]).length),
    [100, 100, 100, 100, 100, 100, 100, 100, 100, 99],
    "one Leave per call, for the robots it removed",
  );
  assert.equal(robotsLeft[0]?.query.get("OptPlatform"), "RESTAPI");
});

test("metadata: set, get, delete with Tencent's limits and codes; members are pushed, the callbacks match the samples", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "meta", RoomType: "Live", Owner_Account: "host" } }));
  const host = client(t, "host");
  const fan = client(t, "fan");
  await host.login();
  await fan.login();
  await host.enterRoom("meta");
  await fan.enterRoom("meta");
  const pushed = next(fan, "metadataChanged");
  ok(
    await t.call("set_room_metadata", {
      RoomId: "meta",
      Metadata: [
        { Key: "key1", Value: "value1" },
        { Key: "key2", Value: "value2" },
      ],
    }),
  );
  assert.deepEqual({ ...(await pushed), seq: 0 }, {
    event: "metadataChanged",
    roomId: "meta",
    set: [
      { key: "key1", value: "value1" },
      { key: "key2", value: "value2" },
    ],
    deleted: [],
    operator: "administrator",
    seq: 0,
  } as never);
  assert.deepEqual(
    ok(await t.call("get_room_metadata", { RoomId: "meta", Keys: ["key2", "nope"] })).Response,
    {
      Metadata: [{ Key: "key2", Value: "value2" }],
    },
  );
  assert.deepEqual(await fan.getMetadata("meta"), [
    { key: "key1", value: "value1" },
    { key: "key2", value: "value2" },
  ]);
  // The owner sets from their client; a member cannot.
  await host.setMetadata("meta", [{ key: "key3", value: "v" }]);
  await assert.rejects(
    fan.setMetadata("meta", [{ key: "key3", value: "w" }]),
    (e: { code: number }) => e.code === -2301,
  );
  // Limits: codes 100500-100504.
  const tooMany = Array.from({ length: 8 }, (_, i) => ({ Key: `n${i}`, Value: "v" }));
  failed(await t.call("set_room_metadata", { RoomId: "meta", Metadata: tooMany }), 100500);
  failed(
    await t.call("set_room_metadata", { RoomId: "meta", Metadata: [{ Key: "k".repeat(51), Value: "" }] }),
    100504,
  );
  failed(
    await t.call("set_room_metadata", {
      RoomId: "meta",
      Metadata: [{ Key: "big", Value: "é".repeat(1025) }],
    }),
    100501,
  );
  failed(await t.call("set_room_metadata", { RoomId: "meta", Metadata: [{ Key: "k", Value: 1 }] }), 100002);
  failed(await t.call("del_room_metadata", { RoomId: "meta", Keys: ["nope"] }), 100503);
  ok(await t.call("del_room_metadata", { RoomId: "meta", Keys: ["key1", "key2"] }));

  const [set] = await delivered("Live.CallbackAfterSetMetadata", "meta");
  assert.ok(set);
  assert.deepEqual(Object.keys(set.body), [
    "CallbackCommand",
    "Operator_Account",
    "RoomId",
    "Metadata",
    "EventTime",
  ]);
  assert.deepEqual(set.body.Metadata, [
    { Key: "key1", Value: "value1" },
    { Key: "key2", Value: "value2" },
  ]);
  assert.deepEqual(
    [...set.query.keys()],
    ["SdkAppid", "CallbackCommand", "contenttype", "ClientIP", "OptPlatform"],
  );
  const [del] = await delivered("Live.CallbackAfterDelMetadata", "meta");
  assert.deepEqual(del?.body, {
    CallbackCommand: "Live.CallbackAfterDelMetadata",
    Operator_Account: "administrator",
    RoomId: "meta",
    Keys: ["key1", "key2"],
    EventTime: t.clock.now(),
  });
});

test("mute_member stops a member's messages until MuteTime passes or 0 lifts it; messages from the App backend reach members in order", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "chat", RoomType: "Live", Owner_Account: "host" } }));
  const fan = client(t, "talker");
  await fan.login();
  await fan.enterRoom("chat");
  const got: RoomEvents["message"][] = [];
  fan.on("message", (m) => got.push(m));
  await fan.sendText("chat", "hello");
  ok(await t.call("mute_member", { RoomId: "chat", MemberList_Account: ["talker"], MuteTime: 60 }));
  await assert.rejects(fan.sendText("chat", "again"), /muted/);
  const list = ok(await t.call("get_muted_member_list", { RoomId: "chat" })).Response;
  assert.deepEqual(list, {
    MutedAccountList: [{ Member_Account: "talker", MutedUntil: Math.floor(t.clock.now() / 1000) + 60 }],
  });
  t.clock.advance(60_000);
  await fan.sendText("chat", "free again");
  ok(await t.call("mute_member", { RoomId: "chat", MemberList_Account: ["talker"], MuteTime: 600 }));
  ok(await t.call("mute_member", { RoomId: "chat", MemberList_Account: ["talker"], MuteTime: 0 }));
  assert.deepEqual(ok(await t.call("get_muted_member_list", { RoomId: "chat" })).Response, {
    MutedAccountList: [],
  });
  failed(await t.call("mute_member", { RoomId: "chat", MemberList_Account: ["talker"] }), 100002);

  ok(
    await t.call("send_text_msg", {
      RoomId: "chat",
      Sender_Account: "host",
      TextContent: "from the backend",
      ExtensionInfo: '{"a":1}',
    }),
  );
  ok(
    await t.call("send_custom_msg", {
      RoomId: "chat",
      Sender_Account: "host",
      BusinessId: "violation_alert",
      Data: "{}",
    }),
  );
  failed(
    await t.call("send_text_msg", {
      RoomId: "chat",
      Sender_Account: "host",
      TextContent: "x",
      ExtensionInfo: "{",
    }),
    100002,
  );
  failed(await t.call("send_text_msg", { RoomId: "chat", Sender_Account: "host" }), 100002);
  failed(await t.call("send_custom_msg", { RoomId: "nope", Sender_Account: "host", Data: "" }), 100004);
  const deadline = Date.now() + 5000;
  while (got.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(
    got.map((m) => [m.sender, m.msgSeq, m.msgBody, m.cloudCustomData]),
    [
      ["talker", 1, [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello" } }], ""],
      ["talker", 2, [{ MsgType: "TIMTextElem", MsgContent: { Text: "free again" } }], ""],
      ["host", 3, [{ MsgType: "TIMTextElem", MsgContent: { Text: "from the backend" } }], '{"a":1}'],
      ["host", 4, [{ MsgType: "TIMCustomElem", MsgContent: { Data: "{}", Desc: "violation_alert" } }], ""],
    ],
  );
  assert.ok(
    got.every((m, i) => i === 0 || m.seq > (got[i - 1]?.seq ?? 0)),
    "in the room's order",
  );
  assert.equal(ok(await t.call("get_room_stats", { RoomId: "chat" })).Response?.TotalMsgCount, 4);
});

test("ban_member removes a banned member who is inside: pushed to them and the room, called back as a Leave", async () => {
  ok(await t.call("create_room", { RoomInfo: { RoomId: "bans", RoomType: "Live", Owner_Account: "host" } }));
  const host = client(t, "banhost");
  const bad = client(t, "troll");
  await host.login();
  await bad.login();
  await host.enterRoom("bans");
  await bad.enterRoom("bans");
  const toldTroll = next(bad, "memberStateChanged", (e) => e.cause === "Leave");
  const toldHost = next(host, "memberStateChanged", (e) => e.cause === "Leave");
  ok(
    await t.call("ban_member", {
      RoomId: "bans",
      MemberList_Account: ["troll"],
      Duration: 60,
      Reason: "x".repeat(1000),
    }),
  );
  for (const e of [await toldTroll, await toldHost]) {
    assert.deepEqual(e.userIds, ["troll"]);
    assert.equal(e.operator, "administrator");
  }
  assert.deepEqual(bad.joinedRooms(), [], "not back in the room after a reconnect");
  assert.deepEqual(
    (await host.getMemberList("bans")).map((m) => m.userId),
    ["banhost"],
  );
  await assert.rejects(bad.enterRoom("bans"), (e: { code: number }) => e.code !== 0);
  const leave = (await delivered("Live.CallbackAfterMemberStateChanged", "bans")).filter(
    (r) => r.body.EventCause === "Leave",
  );
  assert.deepEqual(
    leave.map((r) => r.body.MemberList),
    [[{ Member_Account: "troll" }]],
  );
  failed(
    await t.call("ban_member", {
      RoomId: "bans",
      MemberList_Account: ["x"],
      Duration: 60,
      Reason: "x".repeat(1001),
    }),
    100002,
  );
});

test("seats over room_engine_http_mic and the client: every change is one Mic.CallbackAfterSeatInfoChanged", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: {
        RoomId: "mic",
        RoomType: "Live",
        Owner_Account: "mhost",
        SeatTemplate: "Karaoke",
        MaxSeatCount: 3,
        TakeSeatMode: "ApplyToTake",
      },
    }),
  );
  const host = client(t, "mhost");
  const singer = client(t, "singer");
  await host.login();
  await singer.login();
  await host.enterRoom("mic");
  await singer.enterRoom("mic");
  assert.deepEqual(await singer.takeSeat("mic", 1), { taken: false }, "ApplyToTake: the request waits");
  assert.deepEqual(await host.getSeatApplications("mic"), [{ userId: "singer", index: 1 }]);
  const seated = next(singer, "seatsChanged");
  await host.acceptSeatApplication("mic", "singer");
  assert.deepEqual((await seated).seats[1], {
    index: 1,
    userId: "singer",
    lockTaken: false,
    lockVideo: false,
    lockAudio: false,
  });
  const seats = ok(await mic("get_seat_list", { RoomId: "mic" })).Response;
  assert.deepEqual(seats, {
    SeatList: [
      { Index: 0, IsTakenDisabled: false, IsVideoDisabled: false, IsAudioDisabled: false },
      {
        Index: 1,
        Member_Account: "singer",
        IsTakenDisabled: false,
        IsVideoDisabled: false,
        IsAudioDisabled: false,
      },
      { Index: 2, IsTakenDisabled: false, IsVideoDisabled: false, IsAudioDisabled: false },
    ],
  });
  ok(await mic("move_user_to_seat", { RoomId: "mic", Member_Account: "singer", SeatIndex: 2, Policy: 0 }));
  ok(await mic("lock_seat", { RoomId: "mic", Index: 0, ForbidTaken: true, ForbidAudio: true }));
  failed(await mic("pick_user_on_seat", { RoomId: "mic", Member_Account: "mhost", Index: 0 }), 100200);
  ok(await mic("pick_user_on_seat", { RoomId: "mic", Member_Account: "mhost", Index: 1 }));
  ok(await mic("kick_user_off_seat", { RoomId: "mic", Member_Account: "singer" }));
  failed(
    await mic("kick_user_off_seat", { RoomId: "mic", Member_Account: "singer", Data: "time over" }),
    100206,
  );
  failed(await mic("move_user_to_seat", { RoomId: "mic", Member_Account: "mhost", SeatIndex: 2 }), 100002);
  failed(await mic("get_seat_list", { RoomId: "chat" }), 100211);
  await assert.rejects(
    singer.lockSeat("mic", 2, { lockTaken: true }),
    (e: { code: number }) => e.code === -2301,
  );
  await singer.takeSeat("mic", 2).catch(() => undefined);

  const changes = await delivered("Mic.CallbackAfterSeatInfoChanged", "mic");
  assert.equal(changes.length, 5, "accept, move, lock, pick, kick");
  const lock = changes[2]!;
  assert.deepEqual(Object.keys(lock.body), ["CallbackCommand", "RoomId", "SeatList", "EventTime"]);
  assert.deepEqual((lock.body.SeatList as unknown[])[0], {
    Index: 0,
    IsTakenDisabled: true,
    IsVideoDisabled: false,
    IsAudioDisabled: true,
  });
  assert.equal(changes[0]?.query.get("OptPlatform"), "Web", "the owner's accept, from their client");
});

test("Chat accounts and profiles answer in Chat's shape: fields beside ActionStatus, 70402 and 40xxx codes", async () => {
  const im = (command: string, body: unknown) => t.call(command, body, { service: "im_open_login_svc" });
  const profile = (command: string, body: unknown) => t.call(command, body, { service: "profile" });
  ok(await im("account_import", { UserID: "acc1", Nick: "One", FaceUrl: "http://x/1.png" }));
  ok(await im("account_import", { Identifier: "acc0" }));
  const multi = ok(
    await im("multiaccount_import", { AccountList: [{ UserID: "acc2" }, { UserID: "acc3", Nick: "Three" }] }),
  );
  assert.deepEqual(multi.FailAccounts, []);
  assert.equal(multi.Response, undefined, "Chat has no Response object");
  const check = ok(await im("account_check", { CheckItem: [{ UserID: "acc2" }, { UserID: "ghost" }] }));
  assert.deepEqual(check.ResultItem, [
    { UserID: "acc2", ResultCode: 0, ResultInfo: "", AccountStatus: "Imported" },
    { UserID: "ghost", ResultCode: 0, ResultInfo: "", AccountStatus: "NotImported" },
  ]);
  failed(await im("account_import", { UserID: "x".repeat(33) }), 70402);
  failed(await im("account_import", { UserID: "acc9", Nick: "n".repeat(501) }), 40601);
  ok(
    await profile("portrait_set", {
      From_Account: "acc1",
      ProfileItem: [{ Tag: "Tag_Profile_IM_Nick", Value: "Uno" }],
    }),
  );
  failed(
    await profile("portrait_set", {
      From_Account: "ghost",
      ProfileItem: [{ Tag: "Tag_Profile_IM_Nick", Value: "G" }],
    }),
    40003,
  );
  failed(
    await profile("portrait_set", { From_Account: "acc1", ProfileItem: [{ Tag: "Nick", Value: "G" }] }),
    40001,
  );
  const got = ok(
    await profile("portrait_get", {
      To_Account: ["acc1", "ghost"],
      TagList: ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"],
    }),
  );
  assert.deepEqual(got.UserProfileItem, [
    {
      To_Account: "acc1",
      ProfileItem: [
        { Tag: "Tag_Profile_IM_Nick", Value: "Uno" },
        { Tag: "Tag_Profile_IM_Image", Value: "http://x/1.png" },
      ],
      ResultCode: 0,
      ResultInfo: "",
    },
    { To_Account: "ghost", ProfileItem: [], ResultCode: 40003, ResultInfo: "the account does not exist" },
  ]);
  const del = ok(await im("account_delete", { DeleteItem: [{ UserID: "acc2" }, { UserID: "ghost" }] }));
  assert.deepEqual(del.ResultItem, [
    { ResultCode: 0, ResultInfo: "", UserID: "acc2" },
    { ResultCode: 70107, ResultInfo: "the account does not exist", UserID: "ghost" },
  ]);
});

test("an empty room is dissolved by the system after its window; robots keep a room; a return resets the window", async () => {
  for (const id of ["lonely", "robots", "back"])
    ok(
      await t.call("create_room", { RoomInfo: { RoomId: id, RoomType: "Live", Owner_Account: "sys-host" } }),
    );
  ok(await t.call("add_robot", { RoomId: "robots", RobotList_Account: ["r1"] }));
  const u = client(t, "visitor");
  await u.login();
  for (const id of ["lonely", "robots", "back"]) {
    await u.enterRoom(id);
    await u.leaveRoom(id);
  }
  t.clock.advance(20 * 60_000);
  await u.enterRoom("back");
  await u.leaveRoom("back");
  t.clock.advance(10 * 60_000);
  const gone = (await t.server.roomSweeper.sweep()).map((d) => d.roomId);
  assert.ok(gone.includes("lonely"));
  assert.ok(!gone.includes("robots") && !gone.includes("back"));
  failed(await t.call("get_room_info", { RoomId: "lonely" }), 100004);
  ok(await t.call("get_room_info", { RoomId: "back" }));
  const [cb] = await delivered("Live.CallbackAfterDestroyRoom", "lonely");
  assert.ok(cb);
  assert.deepEqual(Object.keys(cb.body), [
    "CallbackCommand",
    "Operator_Account",
    "RoomId",
    "EventType",
    "EventTime",
    "RoomInfo",
    "Statistic",
  ]);
  assert.equal(cb.body.EventType, "DestroyBySystem");
  assert.equal(cb.body.Operator_Account, "@TIM#SYSTEM");
  assert.deepEqual(cb.body.Statistic, {
    TotalViewers: 1,
    TotalGiftsSent: 0,
    TotalGiftCoins: 0,
    TotalUniqueGiftSenders: 0,
    TotalLikesReceived: 0,
  });
  t.clock.advance(20 * 60_000);
  assert.deepEqual(
    (await t.server.roomSweeper.sweep()).map((d) => d.roomId).filter((r) => r === "back"),
    ["back"],
  );
});

test("an app's rules: room quota with the 70% alert, blocked words (100026), imported accounts, an absent owner's room dissolved", async () => {
  const q = await startTestServer({
    env: {
      ROOMHOOK_MAX_ROOMS: "4",
      ROOMHOOK_BLOCKED_WORDS: "forbidden",
      ROOMHOOK_REQUIRE_ACCOUNTS: "true",
      ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC: "600",
      ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "1000",
    },
  });
  const qrx = await startReceiver();
  try {
    ok(
      await q.call("set_callback", { Url: qrx.url, CallbackCommandList: EVERY }, { service: "live_config" }),
    );
    const create = (RoomId: string, extra: Record<string, unknown> = {}) =>
      q.call("create_room", { RoomInfo: { RoomId, RoomType: "Live", Owner_Account: "qhost", ...extra } });
    failed(await create("q0"), 70107);
    ok(await q.call("account_import", { UserID: "qhost" }, { service: "im_open_login_svc" }));
    failed(await create("q0", { RoomName: "a FORBIDDEN name" }), 100026);
    for (const id of ["q1", "q2", "q3", "q4"]) ok(await create(id));
    failed(await create("q5"), 100013);
    failed(await q.call("update_room_info", { RoomInfo: { RoomId: "q1", Notice: "forbidden" } }), 100026);
    failed(await q.call("add_robot", { RoomId: "q1", RobotList_Account: ["not-imported"] }), 70107);
    await q.server.dispatcher.runOnce();
    const alerts = qrx.received.filter(
      (r) => r.query.get("CallbackCommand") === "Live.CallbackAfterCreateRoomReachingThreshold",
    );
    assert.equal(alerts.length, 1, "once, when the count reached 70% of 4 (3 rooms)");
    assert.deepEqual(JSON.parse(alerts[0]!.body), {
      CallbackCommand: "Live.CallbackAfterCreateRoomReachingThreshold",
      Operator_Account: "administrator",
      EventTime: q.clock.now(),
      CurRoomCount: 3,
      MaxRoomCount: 4,
    });

    // The owner's connection is lost and stays lost past the window: the room goes, though a fan is in it.
    const host = client(q, "qhost");
    const fan = client(q, "qfan");
    await host.login();
    await fan.login();
    await host.enterRoom("q1");
    await fan.enterRoom("q1");
    host.close();
    q.clock.advance(2000);
    await fan.getMemberList("q1"); // the fan's heartbeat: only the owner is lost
    await q.server.gateway.sweep();
    assert.equal((await q.server.store.read((r) => r.getMember(TEST_APP, "q1", "qhost")))?.state, "offline");
    q.clock.advance(599_000);
    assert.deepEqual(await q.server.roomSweeper.sweep(), [], "not before the window");
    q.clock.advance(1000);
    assert.deepEqual(await q.server.roomSweeper.sweep(), [
      { appId: TEST_APP, roomId: "q1", reason: "ownerOffline" },
    ]);
    await q.server.dispatcher.runOnce();
    const destroyed = qrx.received.filter(
      (r) => r.query.get("CallbackCommand") === "Live.CallbackAfterDestroyRoom",
    );
    assert.deepEqual(
      destroyed
        .map((r) => JSON.parse(r.body) as { RoomId: string; EventType: string })
        .map((b) => [b.RoomId, b.EventType]),
      [["q1", "DestroyBySystem"]],
    );
  } finally {
    await q.close();
    await qrx.close();
  }
});

test("an account written as an 18-digit number (as Tencent's pages write ids) keeps its digits", async () => {
  const body = '{"RoomInfo":{"RoomId":"digits","RoomType":"Live","Owner_Account":144115233775727695}}';
  const r = await t.raw(`/v4/live_engine_http_srv/create_room?${t.query()}`, { body });
  ok(r.json());
  const info = ok(await t.call("get_room_info", { RoomId: "digits" })).Response?.RoomInfo as {
    Owner_Account: string;
  };
  assert.equal(info.Owner_Account, "144115233775727695");
  const add = '{"RoomId":"digits","RobotList_Account":[144115233775727696, 7]}';
  ok((await t.raw(`/v4/live_engine_http_srv/add_robot?${t.query()}`, { body: add })).json());
  assert.deepEqual(ok(await t.call("get_robot", { RoomId: "digits" })).Response, {
    RobotList_Account: ["144115233775727696", "7"],
  });
});

test("the bodies Tencent's own admin console (TUILiveKit_Manager) sends are answered as it reads them", async () => {
  // Its calls, field for field, as its source builds them (packages/common/src/room.ts, chat.ts).
  ok(
    await t.call(
      "account_import",
      { UserID: "mgr-host_robot", Nick: "OBS", FaceUrl: "" },
      { service: "im_open_login_svc" },
    ),
  );
  ok(
    await t.call("create_room", {
      RoomInfo: {
        RoomId: "live_mgr-host",
        RoomType: "Live",
        SeatTemplate: "VideoDynamicGrid9Seats",
        Owner_Account: "mgr-host",
        IsUnlimitedRoomEnabled: true,
        KeepOwnerOnSeat: false,
        RoomName: "Console room",
      },
    }),
  );
  ok(await t.call("set_room_metadata", { RoomId: "live_mgr-host", Metadata: [{ Key: "k", Value: "v" }] }));
  const list = ok(await t.call("get_room_list", { Next: "0", Count: 20, SortDirection: "descend" }))
    .Response as { RoomList: { RoomId: string; CreateTime: number }[]; Next: string };
  const mine = list.RoomList.find((r) => r.RoomId === "live_mgr-host");
  assert.ok(mine !== undefined && mine.CreateTime > 1e9, "listed, with CreateTime in seconds");
  const info = ok(await t.call("get_room_info", { RoomId: "live_mgr-host" })).Response?.RoomInfo as Record<
    string,
    unknown
  >;
  assert.equal(info.SeatTemplate, "VideoDynamicGrid9Seats");
  assert.deepEqual(ok(await t.call("get_room_metadata", { RoomId: "live_mgr-host", Keys: [] })).Response, {
    Metadata: [{ Key: "k", Value: "v" }],
  });
  ok(
    await t.call("update_room_info", {
      RoomInfo: { RoomId: "live_mgr-host", IsUnlimitedRoomEnabled: true, IsMessageDisabled: true },
    }),
  );
  ok(await t.call("add_robot", { RoomId: "live_mgr-host", RobotList_Account: ["mgr-host_robot"] }));
  ok(await mic("pick_user_on_seat", { RoomId: "live_mgr-host", Member_Account: "mgr-host_robot", Index: 0 }));
  const seats = ok(await mic("get_seat_list", { RoomId: "live_mgr-host" })).Response?.SeatList as {
    Index: number;
    Member_Account?: string;
  }[];
  assert.equal(seats[0]?.Member_Account, "mgr-host_robot");
  ok(await mic("kick_user_off_seat", { RoomId: "live_mgr-host", Member_Account: "mgr-host_robot" }));
  assert.deepEqual(ok(await t.call("get_robot", { RoomId: "live_mgr-host" })).Response, {
    RobotList_Account: ["mgr-host_robot"],
  });
  ok(
    await t.call("mute_member", { RoomId: "live_mgr-host", MemberList_Account: ["spammer"], MuteTime: 600 }),
  );
  const muted = ok(await t.call("get_muted_member_list", { RoomId: "live_mgr-host", Offset: 0, Limit: 50 }))
    .Response as { MutedAccountList: { Member_Account: string; MutedUntil: number }[] };
  assert.deepEqual(
    muted.MutedAccountList.map((m) => m.Member_Account),
    ["spammer"],
  );
  ok(
    await t.call("ban_member", {
      RoomId: "live_mgr-host",
      MemberList_Account: ["spammer"],
      Duration: 86400,
      Reason: "spam",
    }),
  );
  const banned = ok(await t.call("get_banned_member_list", { RoomId: "live_mgr-host", Offset: 0, Limit: 50 }))
    .Response as { BannedAccountList: { Member_Account: string; BannedUntil: number }[] };
  assert.deepEqual(
    banned.BannedAccountList.map((b) => b.Member_Account),
    ["spammer"],
  );
  ok(
    await t.call("send_text_msg", {
      RoomId: "live_mgr-host",
      Sender_Account: "admin",
      TextContent: "hi",
      MsgPriority: "Normal",
    }),
  );
  ok(
    await t.call("send_custom_msg", {
      RoomId: "live_mgr-host",
      Sender_Account: "admin",
      BusinessId: "violation_alert",
      Data: JSON.stringify({
        version: "1.0",
        messageSource: "live_background",
        messageType: "violation_alert",
        content: {},
      }),
    }),
  );
  const stats = ok(await t.call("get_room_statistic", { RoomId: "live_mgr-host" })).Response;
  assert.equal(stats?.TotalMsgCount, 2);
  const profile = ok(
    await t.call(
      "portrait_get",
      { To_Account: ["mgr-host_robot"], TagList: ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"] },
      { service: "profile" },
    ),
  );
  assert.equal(profile.ErrorCode, 0);
  assert.deepEqual((profile.UserProfileItem as { ProfileItem: unknown[] }[])[0]?.ProfileItem, [
    { Tag: "Tag_Profile_IM_Nick", Value: "OBS" },
    { Tag: "Tag_Profile_IM_Image", Value: "" },
  ]);
  ok(await t.call("destroy_room", { RoomId: "live_mgr-host" }));
});

test("the owner's and an admin's client: pick, move and kick seats, mute and kick members", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: {
        RoomId: "own-ops",
        RoomType: "Live",
        Owner_Account: "boss",
        SeatTemplate: "AudioSalon",
        MaxSeatCount: 2,
      },
    }),
  );
  const boss = client(t, "boss");
  const helper = client(t, "helper");
  const guest = client(t, "guest");
  for (const c of [boss, helper, guest]) await c.login();
  for (const c of [boss, helper, guest]) await c.enterRoom("own-ops");
  await boss.setAdmin("own-ops", "helper");
  await helper.pickSeat("own-ops", "guest", 0);
  await boss.moveSeat("own-ops", "guest", 1);
  assert.deepEqual(
    (await guest.getSeatList("own-ops")).map((s) => s.userId),
    ["", "guest"],
  );
  await helper.kickSeat("own-ops", "guest");
  await assert.rejects(guest.pickSeat("own-ops", "helper", 0), (e: { code: number }) => e.code === -2301);
  assert.deepEqual(await guest.takeSeat("own-ops"), { taken: true }, "FreeToTake");
  await guest.leaveSeat("own-ops");
  await helper.muteMember("own-ops", "guest", 60);
  await assert.rejects(guest.sendCustom("own-ops", "b", "d"), (e: { code: number; message: string }) =>
    /muted/.test(e.message),
  );
  await boss.muteMember("own-ops", "guest", 0);
  await guest.sendCustom("own-ops", "b", "d");
  const out = next(guest, "memberStateChanged", (e) => e.cause === "Leave");
  await helper.kickMember("own-ops", "guest", 30);
  assert.equal((await out).operator, "helper");
  await assert.rejects(guest.enterRoom("own-ops"), (e: { code: number }) => e.code !== 0);
  t.clock.advance(31_000);
  await guest.enterRoom("own-ops");
});

test("inputs a breaker tried: lone surrogates, the owner or a banned user as robot, repeated ids, seat counts, odd tags, huge numbers", async () => {
  const raw = async (service: string, command: string, body: string) =>
    (await t.raw(`/v4/${service}/${command}?${t.query()}`, { body })).json();
  ok(await t.call("create_room", { RoomInfo: { RoomId: "odd", RoomType: "Live", Owner_Account: "alice" } }));
  // A lone surrogate half would be stored as U+FFFD: two keys or ids would become one.
  for (const body of [
    '{"RoomId":"odd","Metadata":[{"Key":"z\\ud800","Value":"x"}]}',
    '{"RoomId":"odd","Metadata":[{"Key":"z","Value":"x\\udc00"}]}',
  ])
    assert.match(
      failed(await raw("live_engine_http_srv", "set_room_metadata", body), 100002).ErrorInfo,
      /lone surrogate/,
    );
  failed(
    await raw("live_engine_http_srv", "add_robot", '{"RoomId":"odd","RobotList_Account":["r\\ud800"]}'),
    100002,
  );
  failed(
    await raw(
      "live_engine_http_srv",
      "mute_member",
      '{"RoomId":"odd","MemberList_Account":["u\\ud801"],"MuteTime":5}',
    ),
    100002,
  );
  failed(
    await raw("live_engine_http_srv", "get_room_metadata", '{"RoomId":"odd","Keys":["k\\ud800"]}'),
    100002,
  );
  // The owner cannot be the room's robot; a banned user cannot come back as one.
  failed(await t.call("add_robot", { RoomId: "odd", RobotList_Account: ["alice"] }), 100002);
  ok(await t.call("ban_member", { RoomId: "odd", MemberList_Account: ["carol"], Duration: 100 }));
  failed(await t.call("add_robot", { RoomId: "odd", RobotList_Account: ["carol"] }), 100016);
  // Numbers beyond 2^53: an account keeps its digits; anywhere else they are numbers out of range.
  assert.match(
    failed(
      await raw(
        "live_engine_http_srv",
        "mute_member",
        '{"RoomId":"odd","MemberList_Account":["u"],"MuteTime":99999999999999999999}',
      ),
      100002,
    ).ErrorInfo,
    /MuteTime must be an integer, got a number beyond 2\^53/,
  );
  failed(
    await raw(
      "live_engine_http_srv",
      "set_room_metadata",
      '{"RoomId":"odd","Metadata":[{"Key":"k","Value":123456789012345678901}]}',
    ),
    100002,
  );
  failed(
    await raw(
      "live_engine_http_srv",
      "send_text_msg",
      '{"RoomId":"odd","Sender_Account":-123456789012345678901,"TextContent":"x"}',
    ),
    100002,
  );
  // Seats: a template's room has seats, at least one; a room without seats has none.
  failed(
    await t.call("create_room", {
      RoomInfo: { RoomId: "s0", RoomType: "Live", SeatTemplate: "AudioSalon", MaxSeatCount: 0 },
    }),
    100002,
  );
  failed(
    await t.call("create_room", {
      RoomInfo: { RoomId: "s0", RoomType: "Live", IsSeatEnabled: true, MaxSeatCount: 0 },
    }),
    100002,
  );
  failed(
    await t.call("create_room", {
      RoomInfo: { RoomId: "s0", RoomType: "Live", SeatTemplate: "Karaoke", IsSeatEnabled: false },
    }),
    100002,
  );
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "s0", RoomType: "Live", IsSeatEnabled: false, MaxSeatCount: 5 },
    }),
  );
  assert.equal(
    (ok(await t.call("get_room_info", { RoomId: "s0" })).Response?.RoomInfo as { MaxSeatCount: number })
      .MaxSeatCount,
    0,
  );
  // Chat: an id given twice is deleted once; a batch imports what it can; tags are Chat's.
  const im = (command: string, body: unknown) => t.call(command, body, { service: "im_open_login_svc" });
  const profile = (command: string, body: unknown) => t.call(command, body, { service: "profile" });
  ok(await im("account_import", { UserID: "twice" }));
  assert.deepEqual(
    ok(await im("account_delete", { DeleteItem: [{ UserID: "twice" }, { UserID: "twice" }] })).ResultItem,
    [
      { ResultCode: 0, ResultInfo: "", UserID: "twice" },
      { ResultCode: 70107, ResultInfo: "the account does not exist", UserID: "twice" },
    ],
  );
  assert.deepEqual(
    ok(
      await im("multiaccount_import", {
        AccountList: [{ UserID: "fine1" }, { UserID: "" }, { UserID: "x".repeat(33) }],
      }),
    ).FailAccounts,
    ["", "x".repeat(33)],
  );
  assert.deepEqual(ok(await im("account_check", { CheckItem: [{ UserID: "fine1" }] })).ResultItem, [
    { UserID: "fine1", ResultCode: 0, ResultInfo: "", AccountStatus: "Imported" },
  ]);
  assert.deepEqual(ok(await im("multiaccount_import", { Accounts: ["fine2", " "] })).FailAccounts, [" "]);
  failed(await im("multiaccount_import", { Accounts: ["a"], AccountList: [{ UserID: "b" }] }), 70402);
  for (const item of [
    { Tag: "Tag_Profile_Foo", Value: "x" },
    { Tag: "Tag_Profile_", Value: "x" },
    { Tag: "Tag_Profile_IM_Bogus", Value: 7 },
    { Tag: "Tag_Profile_IM_AllowType", Value: "whatever" },
    { Tag: "Tag_Profile_IM_Level", Value: "high" },
    { Tag: "Tag_Profile_IM_Nick", Value: 5 },
  ])
    failed(await profile("portrait_set", { From_Account: "fine1", ProfileItem: [item] }), 40001);
  ok(
    await profile("portrait_set", {
      From_Account: "fine1",
      ProfileItem: [
        { Tag: "Tag_Profile_IM_Gender", Value: "Gender_Type_Female" },
        { Tag: "Tag_Profile_IM_Level", Value: 3 },
        { Tag: "Tag_Profile_Custom_Role", Value: "host" },
      ],
    }),
  );
  const got = ok(
    await profile("portrait_get", {
      To_Account: ["fine1"],
      TagList: ["Tag_Profile_IM_Level", "Tag_Profile_IM_Level", "Tag_Profile_Custom_Role"],
    }),
  );
  assert.deepEqual((got.UserProfileItem as { ProfileItem: unknown[] }[])[0]?.ProfileItem, [
    { Tag: "Tag_Profile_IM_Level", Value: 3 },
    { Tag: "Tag_Profile_Custom_Role", Value: "host" },
  ]);
});
