import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { RestClient, TencentApiError, type RestClientOptions } from "@roomhook/rest-client";
import { startTestServer, TEST_APP, TEST_KEY, type TestServer } from "../../server/test/support/harness.ts";

/**
 * The client against a real roomhook server, in process: each call is the one an App backend makes,
 * checked by the server's own UserSig verification and input rules.
 */

let t: TestServer;
let live: RestClient;

function client(opts: Partial<RestClientOptions> = {}): RestClient {
  return new RestClient({
    sdkAppId: TEST_APP,
    secretKey: TEST_KEY,
    baseUrl: t.url,
    // UserSigs dated by the server's clock, which the tests move.
    now: () => t.clock.now(),
    ...opts,
  });
}

before(async () => {
  t = await startTestServer();
  live = client();
});
after(async () => {
  await t.close();
});

/** Runs `fn`, which must reject with a TencentApiError; answers it. */
async function refused(fn: () => Promise<unknown>): Promise<TencentApiError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof TencentApiError, `expected a TencentApiError, got ${String(err)}`);
    return err;
  }
  assert.fail("the call succeeded");
}

test("a room's life: create, change the owner, read it, list it, destroy it", async () => {
  const created = await live.createRoom({
    RoomInfo: { RoomId: "rc-life", RoomType: "Live", Owner_Account: "alice", RoomName: "Life" },
  });
  assert.deepEqual(created, { RoomId: "rc-life" });

  await live.changeRoomOwner({ RoomId: "rc-life", NewOwner_Account: "bob" }).then((answer: unknown) => {
    assert.equal(answer, undefined, "a command without payload resolves with nothing");
  });

  const { RoomInfo } = await live.getRoomInfo({ RoomId: "rc-life" });
  assert.equal(RoomInfo.RoomId, "rc-life");
  assert.equal(RoomInfo.Owner_Account, "bob");
  assert.equal(RoomInfo.RoomName, "Life");
  assert.equal(RoomInfo.RoomType, "Live");
  assert.equal(RoomInfo.CreateTime, Math.floor(t.clock.now() / 1000));

  const list = await live.getRoomList({ Next: "", Count: 20 });
  assert.equal(list.Next, "");
  const entry = list.RoomList.find((r) => r.RoomId === "rc-life");
  assert.equal(entry?.Owner_Account, "bob");

  const gone = await live.destroyRoom({ RoomId: "rc-life" });
  assert.equal(gone.Statistic?.TotalViewers, 0);
});

test("a refused call rejects with TencentApiError: Tencent's code, ErrorInfo, RequestId and the command", async () => {
  const err = await refused(() => live.getRoomInfo({ RoomId: "rc-nowhere" }));
  assert.equal(err.code, 100004);
  assert.equal(err.service, "live_engine_http_srv");
  assert.equal(err.command, "get_room_info");
  assert.match(err.info, /rc-nowhere/);
  assert.match(err.requestId, /^Id-[0-9a-f]{32}-O-Seq-\d+$/);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "TencentApiError");
  assert.match(err.message, /^live_engine_http_srv\/get_room_info refused: 100004 /);
  assert.ok(err.message.includes(err.requestId));

  await live.createRoom({ RoomInfo: { RoomId: "rc-taken", RoomType: "Live", Owner_Account: "alice" } });
  const taken = await refused(() =>
    live.createRoom({ RoomInfo: { RoomId: "rc-taken", RoomType: "Live", Owner_Account: "carol" } }),
  );
  assert.equal(taken.code, 100003);
});

test("a UserSig made with another key is refused with 70009; one for an identifier that is not an admin, 60010", async () => {
  const wrongKey = client({ secretKey: "not-the-app-key" });
  assert.equal((await refused(() => wrongKey.getRoomList({ Next: "" }))).code, 70009);

  const notAdmin = client({ identifier: "alice" });
  assert.equal((await refused(() => notAdmin.getRoomList({ Next: "" }))).code, 60010);

  const otherApp = client({ sdkAppId: 1400000001 });
  assert.equal((await refused(() => otherApp.getRoomList({ Next: "" }))).code, 60006);
});

test("one UserSig is kept across calls and made again before it expires, by the client's clock", async () => {
  const sigs: string[] = [];
  const counting = client({
    userSigExpireSeconds: 3600,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : input;
      sigs.push(new URL(url).searchParams.get("usersig") ?? "");
      return fetch(input, init);
    },
  });
  await counting.getRoomList({ Next: "" });
  await counting.getRoomList({ Next: "" });
  assert.equal(new Set(sigs).size, 1);
  // 3600 s of validity, renewed when 300 s (the 5-minute cap of a tenth) are left.
  t.clock.advance((3600 - 301) * 1000);
  await counting.getRoomList({ Next: "" });
  assert.equal(new Set(sigs).size, 1);
  t.clock.advance(2000);
  await counting.getRoomList({ Next: "" });
  assert.equal(new Set(sigs).size, 2, "a new UserSig once less than the margin is left");
});

test("Chat commands answer beside ActionStatus: the payload comes back all the same", async () => {
  await live.accountImport({ UserID: "dora", Nick: "Dora" });
  const many = await live.multiaccountImport({ AccountList: [{ UserID: "emil" }, { UserID: "" }] });
  assert.deepEqual(many.FailAccounts, [""]);
  const check = await live.accountCheck({ CheckItem: [{ UserID: "dora" }, { UserID: "zed" }] });
  assert.deepEqual(
    check.ResultItem.map((r) => [r.UserID, r.AccountStatus]),
    [
      ["dora", "Imported"],
      ["zed", "NotImported"],
    ],
  );
  await live.portraitSet({ From_Account: "dora", ProfileItem: [{ Tag: "Tag_Profile_IM_Level", Value: 3 }] });
  const profile = await live.portraitGet({ To_Account: ["dora"], TagList: ["Tag_Profile_IM_Nick"] });
  assert.deepEqual(profile.UserProfileItem[0]?.ProfileItem, [{ Tag: "Tag_Profile_IM_Nick", Value: "Dora" }]);
  const deleted = await live.accountDelete({ DeleteItem: [{ UserID: "emil" }, { UserID: "zed" }] });
  assert.deepEqual(
    deleted.ResultItem.map((r) => r.ResultCode),
    [0, 70107],
  );
  // Chat's own code for bad input.
  assert.equal((await refused(() => live.accountImport({ UserID: "" }))).code, 70402);

  await live.createRoom({ RoomInfo: { RoomId: "rc-chat", RoomType: "Live" } });
  const sent = await live.sendGroupMsg({
    GroupId: "rc-chat",
    Random: 7,
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello" } }],
  });
  assert.equal(sent.MsgSeq, 1);
  assert.equal(sent.MsgTime, Math.floor(t.clock.now() / 1000));
  assert.equal(
    (
      await refused(() =>
        live.sendGroupMsg({
          GroupId: "rc-none",
          Random: 1,
          MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello" } }],
        }),
      )
    ).code,
    10010,
  );
});

test("members, admins, bans, mutes, metadata, robots, messages and stats", async () => {
  await live.createRoom({ RoomInfo: { RoomId: "rc-room", RoomType: "Live", Owner_Account: "olga" } });
  await live.updateRoomInfo({ RoomInfo: { RoomId: "rc-room", Notice: "welcome", Category: [1, 2] } });
  assert.equal((await live.getRoomInfo({ RoomId: "rc-room" })).RoomInfo.Notice, "welcome");

  await live.modifyAdmin({ RoomId: "rc-room", Admin_Account: ["ann"], OpType: "add" });
  assert.deepEqual(await live.getAdminList({ RoomId: "rc-room" }), { Admin_Account: ["ann"] });

  await live.banMember({ RoomId: "rc-room", MemberList_Account: ["bad"], Duration: 60, Reason: "spam" });
  const bans = await live.getBannedMemberList({ RoomId: "rc-room" });
  assert.deepEqual(bans.BannedAccountList, [
    { Member_Account: "bad", BannedUntil: Math.floor(t.clock.now() / 1000) + 60 },
  ]);
  assert.equal(bans.NextOffset, 0);
  await live.unbanMember({ RoomId: "rc-room", MemberList_Account: ["bad"] });
  assert.deepEqual((await live.getBannedMemberList({ RoomId: "rc-room" })).BannedAccountList, []);

  await live.addRobot({ RoomId: "rc-room", RobotList_Account: ["bot1", "bot2"] });
  assert.deepEqual((await live.getRobot({ RoomId: "rc-room" })).RobotList_Account.sort(), ["bot1", "bot2"]);
  const members = await live.getMemberList({ RoomId: "rc-room", Next: "" });
  assert.equal(members.MemberCount, 2);
  assert.equal(members.Next, "");
  await live.delRobot({ RoomId: "rc-room", RobotList_Account: ["bot2"] });
  assert.deepEqual((await live.getRobot({ RoomId: "rc-room" })).RobotList_Account, ["bot1"]);

  await live.muteMember({ RoomId: "rc-room", MemberList_Account: ["bot1"], MuteTime: 30 });
  assert.deepEqual((await live.getMutedMemberList({ RoomId: "rc-room" })).MutedAccountList, [
    { Member_Account: "bot1", MutedUntil: Math.floor(t.clock.now() / 1000) + 30 },
  ]);

  await live.setRoomMetadata({
    RoomId: "rc-room",
    Metadata: [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ],
  });
  assert.deepEqual(await live.getRoomMetadata({ RoomId: "rc-room", Keys: ["b"] }), {
    Metadata: [{ Key: "b", Value: "2" }],
  });
  await live.delRoomMetadata({ RoomId: "rc-room", Keys: ["a"] });
  assert.deepEqual((await live.getRoomMetadata({ RoomId: "rc-room", Keys: [] })).Metadata, [
    { Key: "b", Value: "2" },
  ]);

  await live.sendTextMsg({ RoomId: "rc-room", Sender_Account: "olga", TextContent: "hi" });
  await live.sendCustomMsg({ RoomId: "rc-room", Sender_Account: "olga", BusinessId: "poll", Data: "{}" });
  const stats = await live.getRoomStats({ RoomId: "rc-room" });
  assert.equal(stats.TotalMsgCount, 2);
  assert.equal(stats.TotalGiftsSent, 0);
});

test("seats, battles and gifts", async () => {
  await live.createRoom({
    RoomInfo: { RoomId: "rc-seats", RoomType: "Live", Owner_Account: "sam", SeatTemplate: "AudioSalon" },
  });
  await live.addRobot({ RoomId: "rc-seats", RobotList_Account: ["r1"] });
  await live.pickUserOnSeat({ RoomId: "rc-seats", Member_Account: "r1", Index: 2 });
  await live.moveUserToSeat({ RoomId: "rc-seats", Member_Account: "r1", SeatIndex: 3, Policy: 0 });
  await live.lockSeat({ RoomId: "rc-seats", Index: 0, ForbidTaken: true });
  const seats = (await live.getSeatList({ RoomId: "rc-seats" })).SeatList;
  assert.equal(seats.length, 10);
  assert.equal(seats[3]?.Member_Account, "r1");
  assert.equal(seats[0]?.IsTakenDisabled, true);
  await live.kickUserOffSeat({ RoomId: "rc-seats", Member_Account: "r1" });
  assert.equal((await live.getSeatList({ RoomId: "rc-seats" })).SeatList[3]?.Member_Account, undefined);
  assert.equal(
    (await refused(() => live.kickUserOffSeat({ RoomId: "rc-seats", Member_Account: "r1" }))).code,
    100206,
  );

  await live.createRoom({ RoomInfo: { RoomId: "rc-pk-a", RoomType: "Live", Owner_Account: "pa" } });
  await live.createRoom({ RoomInfo: { RoomId: "rc-pk-b", RoomType: "Live", Owner_Account: "pb" } });
  const battle = await live.createBattle({
    FromRoomId: "rc-pk-a",
    ToRoomIdList: ["rc-pk-b", "rc-pk-none"],
    Duration: 60_000,
  });
  assert.deepEqual(
    battle.Result.map((r) => [r.RoomId, r.ResultCode]),
    [
      ["rc-pk-b", 0],
      ["rc-pk-none", 5],
    ],
  );
  const scored = await live.setBattleScore({
    BattleId: battle.BattleId,
    OpType: 1,
    ScoreList: [
      { RoomId: "rc-pk-b", Score: 5 },
      { RoomId: "rc-seats", Score: 1 },
    ],
  });
  assert.deepEqual(
    scored.Result.map((r) => r.ResultCode),
    [0, 100414],
  );
  const info = await live.getBattleInfo({ RoomId: "rc-pk-b" });
  assert.equal(info.BattleId, battle.BattleId);
  assert.deepEqual(info.ToRoomList, [{ RoomId: "rc-pk-b", Owner_Account: "pb", Score: 5 }]);

  await live.addGift({ GiftId: "rose", Coins: 5, DefaultName: "Rose", Level: 1 });
  await live.editGift({ GiftId: "rose", DefaultDesc: "a red one" });
  assert.equal((await live.getGift({ GiftId: "rose" })).GiftInfo.DefaultDesc, "a red one");
  await live.addGiftCategory({ CategoryId: "flowers", DefaultName: "Flowers" });
  await live.editGiftCategory({ CategoryId: "flowers", DefaultDesc: "to give" });
  assert.equal(
    (await live.getGiftCategory({ CategoryId: "flowers" })).GiftCategoryInfo.DefaultDesc,
    "to give",
  );
  assert.deepEqual(
    await live.addGiftCategoryRelations({ CategoryId: "flowers", GiftIdList: ["rose", "tulip"] }),
    { InvalidGiftIdList: ["tulip"] },
  );
  assert.deepEqual(await live.getGiftCategoryRelations({ CategoryId: "flowers" }), {
    Relation: { CategoryId: "flowers", GiftIdList: ["rose"] },
  });
  await live.setGiftLanguage({ GiftId: "rose", Language: "zh-Hans", Name: "玫瑰", Desc: "红" });
  assert.deepEqual(await live.getGiftLanguage({ GiftId: "rose", Language: "zh-Hans" }), {
    GiftInfo: { Name: "玫瑰", Desc: "红" },
  });
  await live.setGiftCategoryLanguage({ CategoryId: "flowers", Language: "en", CategoryName: "Flowers!" });
  assert.equal(
    (await live.getGiftCategoryLanguage({ CategoryId: "flowers", Language: "en" })).CategoryInfo.CategoryName,
    "Flowers!",
  );
  const catalog = await live.getGiftInfoList({ Language: "zh" });
  assert.equal(catalog.GiftList.find((g) => g.GiftId === "rose")?.Name, "玫瑰");
  assert.deepEqual(catalog.CategoryList[0]?.GiftIdList, ["rose"]);

  await live.sendGift({
    RoomId: "rc-pk-a",
    GiftId: "rose",
    Count: 3,
    From_Account: "fan",
    ReceiverList_Account: ["pa"],
  });
  const count = await live.getGiftCount({ RoomId: "rc-pk-a", From_Account: "pa" });
  assert.equal(count.TotalCount, 3);
  assert.equal(count.TotalCoins, 15);
  assert.equal(count.GiftSenderCount, 1);
  assert.equal(
    (
      await refused(() =>
        live.sendGift({
          RoomId: "rc-pk-a",
          GiftId: "lily",
          From_Account: "fan",
          ReceiverList_Account: ["pa"],
        }),
      )
    ).code,
    102002,
  );

  await live.delGiftCategoryLanguage({ CategoryId: "flowers", Language: "en" });
  await live.delGiftLanguage({ GiftId: "rose", Language: "zh-Hans" });
  await live.delGiftCategoryRelations({ CategoryId: "flowers", GiftIdList: ["rose"] });
  await live.delGiftCategory({ CategoryId: "flowers" });
  await live.delGift({ GiftId: "rose" });
  await live.copyDefaultGiftConfig();
  assert.ok((await live.getGiftInfoList()).GiftList.length > 0, "Tencent's default gifts were copied");
});

test("the callback configuration and roomhook's own services", async () => {
  await refused(() => live.getCallback()).then((e) => {
    assert.equal(e.code, 100301);
  });
  await live.setCallback({
    Url: "http://127.0.0.1:9/hook",
    CallbackCommandList: ["Live.CallbackAfterCreateRoom"],
  });
  await live.updateCallback({
    Url: "http://127.0.0.1:9/hook2",
    CallbackCommandList: ["Live.CallbackAfterCreateRoom", "Live.CallbackAfterChangeOwner"],
  });
  const config = await live.getCallback();
  assert.equal(config.Url, "http://127.0.0.1:9/hook2");
  assert.deepEqual(config.CallbackCommandList, [
    "Live.CallbackAfterCreateRoom",
    "Live.CallbackAfterChangeOwner",
  ]);
  await live.setCallbackToken({ Token: "xxxxyyyy", IsTokenEnable: true });
  assert.deepEqual(await live.getCallbackToken(), { Token: "xxxxyyyy", IsTokenEnable: true });

  await live.createRoom({ RoomInfo: { RoomId: "rc-ext", RoomType: "Live", Owner_Account: "x" } });
  await live.changeRoomOwner({ RoomId: "rc-ext", NewOwner_Account: "y" });
  const rh = live.roomhook;
  const history = await rh.getRoomEvents({
    RoomId: "rc-ext",
    CallbackCommand: "Live.CallbackAfterChangeOwner",
  });
  assert.equal(history.EventList.length, 1);
  const packet = history.EventList[0]?.Packet;
  assert.equal(packet?.CallbackCommand, "Live.CallbackAfterChangeOwner");
  if (packet?.CallbackCommand === "Live.CallbackAfterChangeOwner")
    assert.equal(packet.CurrentOwner_Account, "y");

  const callbacks = await rh.getRoomCallbacks({ RoomId: "rc-ext" });
  assert.deepEqual(
    callbacks.CallbackList.map((c) => [c.Sequence, c.CallbackCommand, c.State]),
    [
      [1, "Live.CallbackAfterCreateRoom", "pending"],
      [2, "Live.CallbackAfterChangeOwner", "pending"],
    ],
  );
  const deliveries = await rh.getDeliveryList({ RoomId: "rc-ext" });
  assert.equal(deliveries.DeliveryList.length, 2);
  const first = deliveries.DeliveryList[0]!;
  assert.equal((await rh.getDelivery({ DeliveryId: first.DeliveryId })).Delivery.EventId, first.EventId);
  // Pending: not redeliverable yet (the dispatcher is manual here).
  assert.equal((await refused(() => rh.redeliver({ DeliveryId: first.DeliveryId }))).code, 100002);
  assert.deepEqual(await rh.redeliverDead({ StartTime: 0, EndTime: t.clock.now() + 1 }), {
    Count: 0,
    DeliveryIdList: [],
  });
  assert.deepEqual(await rh.getAttemptFeed(), { AttemptList: [] });
  assert.deepEqual(await rh.getBeforeCallbackList(), { BeforeCallbackList: [], Next: "" });

  const rotated = await rh.rotateSigningSecret();
  assert.match(rotated.Secret, /^whsec_/);
  assert.deepEqual(
    (await rh.getSigningSecrets()).SecretList.map((s) => s.Secret),
    [rotated.Secret],
  );
  await rh.deleteSigningSecrets();
  assert.deepEqual(await rh.getSigningSecrets(), { SecretList: [] });

  const found = await rh.searchRooms({ Text: "rc-ext" });
  assert.deepEqual(
    found.RoomList.map((r) => [r.RoomId, r.Owner_Account]),
    [["rc-ext", "y"]],
  );
  const feed = await rh.getEventFeed({ Limit: 2 });
  assert.deepEqual(
    feed.EventList.map((e) => [e.RoomId, e.CallbackCommand]),
    [
      ["rc-ext", "Live.CallbackAfterCreateRoom"],
      ["rc-ext", "Live.CallbackAfterChangeOwner"],
    ],
  );
  const calls = await rh.getCallFeed({ Limit: 1 });
  assert.equal(calls.CallList[0]?.Command, "search_rooms");

  await live.deleteCallback();
  assert.equal((await refused(() => live.deleteCallback())).code, 100301);
});

test("call() and callRaw() reach commands by path, with the same errors", async () => {
  await live.call("live_engine_http_srv/create_room", {
    RoomInfo: { RoomId: "rc-path", RoomType: "Live", Owner_Account: "p" },
  });
  const info = await live.call("live_engine_http_srv/get_room_info", { RoomId: "rc-path" });
  assert.equal(info.RoomInfo.Owner_Account, "p");
  // Tencent's console's name for get_room_stats, which roomhook answers too.
  const stats = await live.callRaw("live_engine_http_srv/get_room_statistic", { RoomId: "rc-path" });
  assert.equal(stats.TotalViewers, 0);
  const err = await refused(() => live.callRaw("live_engine_http_srv/no_such_command", {}));
  assert.equal(err.code, 60009);
  await assert.rejects(() => live.callRaw("../v4/x", {}), TypeError);
});
