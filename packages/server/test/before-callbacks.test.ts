import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { callbackSign, isTextElem } from "@roomhook/protocol";
import type { RoomhookClient, RoomEvents } from "@roomhook/client";
import {
  createReceiver,
  nodeHandler,
  refuseMessageReply,
  rewriteMessageReply,
  type VerifiedCallback,
} from "@roomhook/receiver";
import { failed, ok, startTestServer, TEST_APP, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver, type Reply, type Received } from "./support/receiver.ts";
import { testClient } from "./support/clients.ts";

/**
 * Callbacks that decide (issue 13), through real processes' parts: a real server, real clients over
 * WebSocket, a scripted App backend on 127.0.0.1 that allows, refuses, rewrites, answers too late or
 * resets, and an App backend built on @roomhook/receiver's node:http adapter.
 */

const TIMEOUT_MS = 300;
let t: TestServer;
let rx: Receiver;
/** What the scripted App backend answers a before-callback; after-callbacks always get OK. */
let answer: (r: Received) => Reply = () => ({});
const clients: RoomhookClient[] = [];
const COMMANDS = [
  "Live.CallbackBeforeSendGift",
  "Group.CallbackBeforeSendMsg",
  "Group.CallbackAfterSendMsg",
  "Live.CallbackAfterCreateBattle",
  "Live.CallbackAfterStartBattle",
  "Live.CallbackAfterEndBattle",
];

before(async () => {
  t = await startTestServer({
    env: {
      ROOMHOOK_BEFORE_CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
      ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "3600000",
    },
  });
  rx = await startReceiver((r) =>
    r.query.get("CallbackCommand")?.includes("Before") === true ? answer(r) : {},
  );
  ok(await t.call("copy_default_gift_config", {}));
  for (const [id, owner] of [
    ["show", "host"],
    ["other", "rival"],
  ])
    ok(await t.call("create_room", { RoomInfo: { RoomId: id, RoomType: "Live", Owner_Account: owner } }));
});
beforeEach(async () => {
  answer = () => ({});
  await t.call("delete_callback", {}, { service: "live_config" });
  ok(
    await t.call("set_callback", { Url: rx.url, CallbackCommandList: COMMANDS }, { service: "live_config" }),
  );
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
  await rx.close();
});

function client(userId: string) {
  const c = testClient(t, userId, { platform: "iOS", reconnect: false });
  clients.push(c);
  return c;
}

async function inRoom(userId: string, roomId = "show") {
  const c = client(userId);
  await c.login();
  await c.enterRoom(roomId);
  return c;
}

/** Everything a client is pushed of one event, from now on. */
function collect<E extends keyof RoomEvents>(c: RoomhookClient, event: E): RoomEvents[E][] {
  const got: RoomEvents[E][] = [];
  c.on(event, (e) => got.push(e));
  return got;
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as { code: number; message: string }).code;
  }
  return 0;
};

const reply = (code: number, info = "", more: Record<string, unknown> = {}): Reply => ({
  body: JSON.stringify({ ActionStatus: "OK", ErrorCode: code, ErrorInfo: info, ...more }),
});

const befores = (command: string) => rx.received.filter((r) => r.query.get("CallbackCommand") === command);

async function afters(command: string) {
  await t.server.dispatcher.runOnce();
  return rx.received
    .filter((r) => r.query.get("CallbackCommand") === command)
    .map((r) => JSON.parse(r.body) as Record<string, unknown>);
}

const settle = () => new Promise((r) => setTimeout(r, 50));

test("a gift the App backend allows is sent, pushed and counted; its before-callback is Tencent's packet", async () => {
  const fan = await inRoom("fan1");
  const host = await inRoom("host");
  const pushed = collect(host, "gift");
  const seq = await codeOf(fan.sendGift("show", "rose", 3, ["host"]));
  assert.equal(seq, 0, "allowed");
  // Gift errors keep Tencent's code on the client path too (as the SDK's TSDoc says).
  assert.equal(await codeOf(fan.sendGift("show", "no-such-gift", 1, ["host"])), 102002);
  const [cb] = befores("Live.CallbackBeforeSendGift").slice(-1);
  assert.ok(cb);
  assert.deepEqual(
    [...cb.query.keys()],
    ["SdkAppid", "CallbackCommand", "contenttype", "ClientIP", "OptPlatform"],
  );
  assert.equal(cb.query.get("OptPlatform"), "iOS");
  assert.deepEqual(JSON.parse(cb.body), {
    CallbackCommand: "Live.CallbackBeforeSendGift",
    Operator_Account: "fan1",
    RoomId: "show",
    GiftWater: {
      From_Account: "fan1",
      To_Account: ["host"],
      Time: Math.floor(t.clock.now() / 1000),
      GiftId: "rose",
      Count: 3,
      Coins: 1,
    },
  });
  await settle();
  assert.deepEqual(
    pushed.map((g) => [g.sender, g.receivers, g.giftId, g.count, g.coins]),
    [["fan1", ["host"], "rose", 3, 1]],
  );
  const stats = ok(await t.call("get_room_stats", { RoomId: "show" })).Response;
  assert.equal(stats?.TotalGiftsSent, 3);
  assert.deepEqual(ok(await t.call("get_gift_count", { RoomId: "show", From_Account: "host" })).Response, {
    Sequence: 3,
    TotalCount: 3,
    TotalCoins: 3,
    GiftSenderCount: 1,
  });
});

test("a gift is refused when the App backend refuses it, with its code in [102100, 102200] or 102004, when it is late, and when it is down", async () => {
  const fan = await inRoom("fan2");
  const host = await inRoom("host");
  const pushed = collect(host, "gift");
  const cases: [Reply, number][] = [
    [reply(102150, "not enough coins"), 102150],
    [reply(1, "no"), 102004],
    [reply(102201, "out of range"), 102004],
    [{ delayMs: TIMEOUT_MS * 3 }, 102004],
    ["reset", 102004],
    [{ status: 500 }, 102004],
    [{ body: "not json" }, 102004],
  ];
  for (const [r, code] of cases) {
    answer = () => r;
    assert.equal(await codeOf(fan.sendGift("show", "heart", 1, ["host"])), code, JSON.stringify(r));
  }
  answer = () => reply(102150, "not enough coins");
  const rest = failed(
    await t.call("send_gift", {
      RoomId: "show",
      GiftId: "heart",
      From_Account: "fan2",
      ReceiverList_Account: ["host"],
    }),
    102150,
  );
  assert.equal(rest.ErrorInfo, "not enough coins");
  await settle();
  assert.deepEqual(pushed, [], "no refused gift reached the room");
  const log = ok(
    await t.call(
      "get_before_callback_list",
      { RoomId: "show", CallbackCommand: "Live.CallbackBeforeSendGift", Limit: 8 },
      { service: "roomhook_delivery" },
    ),
  ).Response as {
    BeforeCallbackList: { Decision: string; Code: number; Error?: string; HttpStatus?: number }[];
  };
  assert.deepEqual(
    log.BeforeCallbackList.map((x) => [x.Decision, x.Code]),
    [
      ["refuse", 102150],
      ...cases
        .slice()
        .reverse()
        .map(([, c]) => ["refuse", c]),
    ],
  );
  assert.match(log.BeforeCallbackList[4]?.Error ?? "", /timeout/);
});

test("with Live.CallbackBeforeCallBackNotBlock switched on, a gift goes through when the App backend is late or down, not when it refuses", async () => {
  ok(
    await t.call(
      "update_callback",
      { Url: rx.url, CallbackCommandList: [...COMMANDS, "Live.CallbackBeforeCallBackNotBlock"] },
      { service: "live_config" },
    ),
  );
  const fan = await inRoom("fan3");
  answer = () => ({ delayMs: TIMEOUT_MS * 3 });
  assert.equal(await codeOf(fan.sendGift("show", "star", 1, ["host"])), 0);
  answer = () => "reset";
  assert.equal(await codeOf(fan.sendGift("show", "star", 1, ["host"])), 0);
  answer = () => reply(1);
  assert.equal(await codeOf(fan.sendGift("show", "star", 1, ["host"])), 102004);
  // Switched off: no before-callback at all, and gifts go.
  ok(await t.call("update_callback", { Url: rx.url, CallbackCommandList: [] }, { service: "live_config" }));
  const before = befores("Live.CallbackBeforeSendGift").length;
  assert.equal(await codeOf(fan.sendGift("show", "star", 1, ["host"])), 0);
  assert.equal(befores("Live.CallbackBeforeSendGift").length, before);
  failed(
    await t.call("send_gift", {
      RoomId: "show",
      GiftId: "nope",
      From_Account: "fan3",
      ReceiverList_Account: ["host"],
    }),
    102002,
  );
});

test("messages: allowed, rewritten, refused (10016 or the App backend's code), dropped silently, let through when the App backend is late or down", async () => {
  const fan = await inRoom("fan4");
  const host = await inRoom("host");
  const pushed = collect(host, "message");
  const text = (m: RoomEvents["message"]) =>
    m.msgBody.map((e) => (e.MsgType === "TIMTextElem" ? e.MsgContent.Text : e.MsgType)).join("|");

  assert.ok((await fan.sendText("show", "hello")) > 0);
  answer = (r) => {
    const p = JSON.parse(r.body) as { MsgBody: { MsgContent: { Text: string } }[] };
    const said = p.MsgBody[0]?.MsgContent.Text ?? "";
    return reply(0, "", {
      MsgBody: [
        { MsgType: "TIMTextElem", MsgContent: { Text: said.replace("darn", "****") } },
        { MsgType: "TIMCustomElem", MsgContent: { Desc: "CustomElement.MemberLevel", Data: "LV1" } },
      ],
      CloudCustomData: "moderated",
    });
  };
  await fan.sendText("show", "darn it");
  answer = () => reply(1, "spam");
  assert.equal(await codeOf(fan.sendText("show", "buy now")), 10016);
  answer = () => reply(10150, "slow down");
  assert.equal(await codeOf(fan.sendText("show", "again")), 10150);
  answer = () => reply(2);
  assert.equal(await fan.sendText("show", "shadow banned"), 0, "told it was sent");
  answer = () => ({ delayMs: TIMEOUT_MS * 3 });
  assert.ok((await fan.sendText("show", "late moderator")) > 0);
  answer = () => "reset";
  assert.ok((await fan.sendText("show", "moderator down")) > 0);
  await settle();
  assert.deepEqual(pushed.map(text), ["hello", "**** it|TIMCustomElem", "late moderator", "moderator down"]);
  assert.equal(pushed[1]?.cloudCustomData, "moderated");

  // The before-callback is Tencent's packet; the after-callback carries the same MsgId, as sent.
  const [b] = befores("Group.CallbackBeforeSendMsg").slice(0, 1);
  const beforeBody = JSON.parse(b?.body ?? "{}") as Record<string, unknown>;
  assert.deepEqual(Object.keys(beforeBody), [
    "CallbackCommand",
    "GroupId",
    "Type",
    "From_Account",
    "Operator_Account",
    "Random",
    "MsgId",
    "MsgBody",
    "CloudCustomData",
    "EventTime",
  ]);
  assert.equal(beforeBody.Type, "Live");
  const sent = await afters("Group.CallbackAfterSendMsg");
  const mine = sent.filter((p) => p.GroupId === "show" && p.From_Account === "fan4");
  assert.deepEqual(
    mine.map((p) => (p.MsgBody as { MsgContent: { Text?: string } }[])[0]?.MsgContent.Text),
    ["hello", "**** it", "late moderator", "moderator down"],
  );
  assert.equal(mine[0]?.MsgId, beforeBody.MsgId);
  assert.deepEqual(Object.keys(mine[0] ?? {}), [...Object.keys(beforeBody), "MsgSeq", "MsgTime"]);
});

test("send_group_msg (Chat): the room id as GroupId, MsgSeq answered, Chat's codes, ForbidCallbackControl", async () => {
  const g = (body: unknown) => t.call("send_group_msg", body, { service: "group_open_http_svc" });
  const body = {
    GroupId: "show",
    Random: 42,
    From_Account: "host",
    MsgPriority: "Normal",
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "from the console" } }],
  };
  const sent = ok(await g(body));
  assert.equal(typeof sent.MsgSeq, "number");
  assert.equal(sent.MsgTime, Math.floor(t.clock.now() / 1000));
  answer = () => reply(1);
  failed(await g(body), 10016);
  const before = befores("Group.CallbackBeforeSendMsg").length;
  ok(
    await g({
      ...body,
      ForbidCallbackControl: ["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"],
    }),
  );
  assert.equal(befores("Group.CallbackBeforeSendMsg").length, before, "no before-callback");
  failed(await g({ ...body, GroupId: "nope" }), 10010);
  failed(await g({ ...body, GroupId: "has space\u0001" }), 10015);
  failed(await g({ ...body, MsgBody: [] }), 10004);
  failed(
    await g({ ...body, MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "x".repeat(13_000) } }] }),
    80002,
  );
  ok(await t.call("mute_member", { RoomId: "show", MemberList_Account: ["fan5"], MuteTime: 60 }));
  const fan = await inRoom("fan5");
  assert.equal(await codeOf(fan.sendText("show", "muted")), -1);
});

test("an App backend on @roomhook/receiver's adapter decides: its handler returns the reply", async () => {
  const receiver = createReceiver({ sdkAppId: TEST_APP });
  const seen: VerifiedCallback[] = [];
  const server: Server = createServer(
    nodeHandler(receiver, (cb) => {
      seen.push(cb);
      if (cb.command !== "Group.CallbackBeforeSendMsg") return undefined;
      const said = cb.packet.MsgBody.map((e) => (isTextElem(e) ? e.MsgContent.Text : "")).join("");
      if (said.includes("forbidden")) return refuseMessageReply(10101, "not here");
      return rewriteMessageReply({
        MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: said.toUpperCase() } }],
      });
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  try {
    ok(
      await t.call(
        "update_callback",
        { Url: url, CallbackCommandList: COMMANDS },
        { service: "live_config" },
      ),
    );
    const fan = await inRoom("fan6");
    const host = await inRoom("host");
    const pushed = collect(host, "message");
    await fan.sendText("show", "quiet please");
    assert.equal(await codeOf(fan.sendText("show", "forbidden words")), 10101);
    await settle();
    assert.deepEqual(
      pushed.map((m) => (m.msgBody[0]?.MsgType === "TIMTextElem" ? m.msgBody[0].MsgContent.Text : "")),
      ["QUIET PLEASE"],
    );
    assert.ok(seen.some((c) => c.command === "Group.CallbackBeforeSendMsg"));
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test("battles: create starts at once, scores add or replace, the end comes with the duration; both rooms are pushed", async () => {
  const pk = (command: string, body: unknown) => t.call(command, body, { service: "live_engine_http_pk" });
  const a = await inRoom("viewer-a", "show");
  const b = await inRoom("viewer-b", "other");
  const endedA = collect(a, "battleEnded");
  const endedB = collect(b, "battleEnded");
  const created = ok(
    await pk("create_battle", {
      FromRoomId: "show",
      ToRoomIdList: ["other", "nope"],
      Duration: 60000,
      ExtensionInfo: "ext",
    }),
  ).Response as { BattleId: string; Result: { RoomId: string; ResultCode: number }[] };
  assert.deepEqual(
    created.Result.map((r) => [r.RoomId, r.ResultCode]),
    [
      ["other", 0],
      ["nope", 5],
    ],
  );
  failed(await pk("create_battle", { FromRoomId: "other", ToRoomIdList: ["show"], Duration: 60000 }), 100415);
  ok(
    await pk("set_battle_score", {
      BattleId: created.BattleId,
      OpType: 1,
      ScoreList: [{ RoomId: "show", Score: 10 }],
    }),
  );
  ok(
    await pk("set_battle_score", {
      BattleId: created.BattleId,
      OpType: "1",
      ScoreList: [{ RoomId: "show", Score: 5 }],
    }),
  );
  ok(
    await pk("set_battle_score", {
      BattleId: created.BattleId,
      OpType: 2,
      ScoreList: [{ RoomId: "other", Score: 7 }],
    }),
  );
  const info = ok(await pk("get_battle_info", { RoomId: "other" })).Response;
  assert.deepEqual(info, {
    BattleId: created.BattleId,
    Duration: 60000,
    StartTime: Math.floor(t.clock.now() / 1000),
    EndTime: Math.floor(t.clock.now() / 1000) + 60,
    Status: 2,
    FromRoomInfo: { RoomId: "show", Score: 15, Owner_Account: "host" },
    ToRoomList: [{ RoomId: "other", Score: 7, Owner_Account: "rival" }],
  });
  failed(await pk("get_battle_info", { BattleId: "nope" }), 100411);
  t.clock.advance(60_000);
  await t.server.roomSweeper.sweep();
  const ends = await afters("Live.CallbackAfterEndBattle");
  assert.equal(ends.length, 1);
  assert.deepEqual(Object.keys(ends[0] ?? {}), [
    "CallbackCommand",
    "BattleId",
    "Duration",
    "CreateTime",
    "StartTime",
    "EndTime",
    "OpType",
    "FromRoomInfo",
    "ToRoomList",
    "EventTime",
  ]);
  assert.equal(ends[0]?.OpType, 0);
  const [createCb] = await afters("Live.CallbackAfterCreateBattle");
  assert.deepEqual(Object.keys(createCb ?? {}), [
    "CallbackCommand",
    "Operator_Account",
    "BattleId",
    "FromRoomId",
    "ToRoomIdList",
    "Timeout",
    "Duration",
    "NeedResponse",
    "ExtensionInfo",
    "EventTime",
  ]);
  assert.equal((await afters("Live.CallbackAfterStartBattle")).length, 1);
  await settle();
  assert.equal(endedA.length, 1);
  assert.equal(endedB.length, 1);
  assert.equal(
    (ok(await pk("get_battle_info", { BattleId: created.BattleId })).Response as { Status: number }).Status,
    3,
  );
});

test("before-callbacks are signed like the others: Tencent's Sign with a token, Standard Webhooks with a secret", async () => {
  const require = createRequire(import.meta.url);
  const { Webhook } = require("standardwebhooks") as {
    Webhook: new (secret: string) => { verify(body: string, headers: Record<string, string>): unknown };
  };
  ok(
    await t.call(
      "set_callback_token",
      { Token: "xxxxyyyy", IsTokenEnable: true },
      { service: "live_config" },
    ),
  );
  const secret = (
    ok(await t.call("rotate_signing_secret", {}, { service: "roomhook_delivery" })).Response as {
      Secret: string;
    }
  ).Secret;
  try {
    const fan = await inRoom("fan7");
    // standardwebhooks checks the timestamp against the real clock.
    t.clock.ms = Date.now();
    assert.ok((await fan.sendText("show", "signed")) > 0);
    const r = befores("Group.CallbackBeforeSendMsg").at(-1);
    assert.ok(r);
    const time = r.query.get("RequestTime") ?? "";
    assert.equal(r.query.get("Sign"), callbackSign("xxxxyyyy", Number(time)));
    const headers = {
      "webhook-id": String(r.headers["webhook-id"]),
      "webhook-timestamp": String(r.headers["webhook-timestamp"]),
      "webhook-signature": String(r.headers["webhook-signature"]),
    };
    assert.doesNotThrow(() => new Webhook(secret).verify(r.body, headers));
    assert.equal(r.headers["roomhook-event-id"], headers["webhook-id"]);
    assert.equal(r.headers["roomhook-sequence"], undefined, "no sequence: it has not happened yet");
  } finally {
    ok(await t.call("set_callback_token", { IsTokenEnable: false }, { service: "live_config" }));
    ok(await t.call("delete_signing_secrets", {}, { service: "roomhook_delivery" }));
  }
});

test("inputs a breaker tried: __proto__ ids, totals past 2^53, oversized rewrites and replies, empty texts, the caller as callee", async () => {
  // An id is the client's: "__proto__" is a gift, a category and a room like any other.
  ok(await t.call("add_gift", { GiftId: "__proto__", Coins: 7, DefaultName: "proto" }));
  failed(await t.call("add_gift", { GiftId: "__proto__", Coins: 7, DefaultName: "proto" }), 100002);
  assert.equal(
    (ok(await t.call("get_gift", { GiftId: "__proto__" })).GiftInfo as { Coins: number }).Coins,
    7,
  );
  ok(await t.call("del_gift_category", { CategoryId: "special" }));
  ok(await t.call("add_gift_category", { CategoryId: "__proto__", DefaultName: "p" }));
  assert.equal(
    (
      ok(await t.call("get_gift_category", { CategoryId: "__proto__" })).GiftCategoryInfo as {
        DefaultName: string;
      }
    ).DefaultName,
    "p",
  );
  ok(
    await t.call("create_room", { RoomInfo: { RoomId: "__proto__", RoomType: "Live", Owner_Account: "p" } }),
  );
  const pk = (command: string, body: unknown) => t.call(command, body, { service: "live_engine_http_pk" });
  const b = ok(
    await pk("create_battle", {
      FromRoomId: "__proto__",
      ToRoomIdList: ["__proto__", "other"],
      Duration: 5000,
    }),
  ).Response as { BattleId: string; Result: { RoomId: string; ResultMessage: string }[] };
  assert.equal(b.Result[0]?.ResultMessage, "the caller's own room cannot be a callee");
  ok(
    await pk("set_battle_score", {
      BattleId: b.BattleId,
      OpType: 1,
      ScoreList: [{ RoomId: "__proto__", Score: 3 }],
    }),
  );
  const info = ok(await pk("get_battle_info", { BattleId: b.BattleId })).Response as {
    FromRoomInfo: { Score: number; Owner_Account: string };
  };
  assert.deepEqual(info.FromRoomInfo, { RoomId: "__proto__", Score: 3, Owner_Account: "p" });
  t.clock.advance(5000);
  await t.server.roomSweeper.sweep();

  // Gift totals stop at 2^53 - 1 rather than being answered wrong.
  ok(await t.call("create_room", { RoomInfo: { RoomId: "whales", RoomType: "Live", Owner_Account: "w" } }));
  ok(await t.call("add_gift", { GiftId: "whale", Coins: 4294967295, DefaultName: "whale" }));
  const whale = () =>
    t.call("send_gift", {
      RoomId: "whales",
      GiftId: "whale",
      Count: 100000,
      From_Account: "rich",
      ReceiverList_Account: ["w"],
    });
  for (let i = 0; i < 20; i++) ok(await whale());
  failed(await whale(), 100002);
  const stats = ok(await t.call("get_room_stats", { RoomId: "whales" })).Response;
  assert.equal(stats?.TotalGiftCoins, 20 * 4294967295 * 100000);

  // A rewrite whose CloudCustomData is over 12 KB is ignored, and the log says why; so is a reply over 64 KiB.
  const fan = await inRoom("fan8");
  const host = await inRoom("host");
  const pushed = collect(host, "message");
  answer = () => reply(0, "", { CloudCustomData: "x".repeat(20_000) });
  await fan.sendText("show", "big rewrite", "mine");
  answer = () => reply(1, "y".repeat(70_000));
  assert.ok((await fan.sendText("show", "huge refusal")) > 0, "an unreadable answer: the message goes");
  await settle();
  assert.deepEqual(
    pushed.map((m) => m.cloudCustomData),
    ["mine", ""],
  );
  const log = ok(
    await t.call("get_before_callback_list", { RoomId: "show", Limit: 2 }, { service: "roomhook_delivery" }),
  ).Response as { BeforeCallbackList: { Decision: string; Error?: string }[] };
  assert.match(log.BeforeCallbackList[0]?.Error ?? "", /reply over 65536 bytes/);
  assert.match(
    log.BeforeCallbackList[1]?.Error ?? "",
    /rewrite ignored: .*CloudCustomData is over 12288 bytes/,
  );
  assert.equal(log.BeforeCallbackList[1]?.Decision, "allow");

  // An empty text is not a message; an unknown language is refused like elsewhere.
  failed(
    await t.call(
      "send_group_msg",
      { GroupId: "show", Random: 1, MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "" } }] },
      { service: "group_open_http_svc" },
    ),
    10004,
  );
  failed(await t.call("get_gift_info_list", { Language: "fr" }), 100002);
  ok(await t.call("get_gift_info_list", { Language: "zh" }));
});
