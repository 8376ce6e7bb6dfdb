import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, RoomhookClientError, type WebSocketConstructor } from "@roomhook/client";
import { ok, startTestServer, TEST_APP, TEST_KEY, type TestServer } from "./support/harness.ts";
import { nextEvent, testClient } from "./support/clients.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

let t: TestServer;
let rx: Receiver;
const clients: RoomhookClient[] = [];
before(async () => {
  t = await startTestServer({ env: { ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "30000" } });
  rx = await startReceiver();
  ok(
    await t.call(
      "set_callback",
      {
        Url: rx.url,
        CallbackCommandList: [
          "Live.CallbackAfterChangeOwner",
          "Live.CallbackAfterCreateRoom",
          "Live.CallbackAfterMemberStateChanged",
          "Live.CallbackAfterModifyAdmin",
          "Live.CallbackAfterDestroyRoom",
        ],
      },
      { service: "live_config" },
    ),
  );
});
after(async () => {
  for (const c of clients) c.close();
  await t.close();
  await rx.close();
});

function client(
  userId: string,
  platform: "Web" | "Android" | "iOS" = "Web",
  opts: { reconnect?: false } = {},
) {
  const c = testClient(t, userId, { platform, ...opts });
  clients.push(c);
  return c;
}

const next = nextEvent;

const callbacks = (room: string, command: string) =>
  rx.received.filter((r) => {
    const p = JSON.parse(r.body) as { RoomId?: string; RoomInfo?: { RoomId: string } };
    return r.query.get("CallbackCommand") === command && (p.RoomId ?? p.RoomInfo?.RoomId) === room;
  });

test("A creates a room, B enters, A hands it to B: both are told, and the App backend gets the callback with A as operator, A's platform and address", async () => {
  const a = client("alice", "Android");
  const b = client("bob", "iOS");
  await a.login();
  await b.login();
  await a.createRoom({ RoomId: "ws-1", RoomName: "Alice's show" });
  const entered = next(a, "memberStateChanged", (e) => e.userIds.includes("bob"));
  await b.enterRoom("ws-1");
  assert.deepEqual((await entered).cause, "Enter");
  assert.deepEqual(
    (await a.getMemberList("ws-1")).map((m) => m.userId),
    ["alice", "bob"],
  );

  const toldA = next(a, "ownerChanged");
  const toldB = next(b, "ownerChanged");
  await a.changeOwner("ws-1", "bob");
  for (const e of [await toldA, await toldB])
    assert.deepEqual({ ...e, seq: 0 }, {
      event: "ownerChanged",
      roomId: "ws-1",
      from: "alice",
      to: "bob",
      operator: "alice",
      seq: 0,
    } as never);
  assert.equal((await b.getRoomInfo("ws-1")).roomInfo.Owner_Account, "bob");

  await t.server.dispatcher.runOnce();
  const [cb] = callbacks("ws-1", "Live.CallbackAfterChangeOwner");
  assert.ok(cb, "callback delivered");
  assert.equal(cb.query.get("OptPlatform"), "Android");
  assert.equal(cb.query.get("ClientIP"), "127.0.0.1");
  assert.deepEqual(JSON.parse(cb.body), {
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "ws-1",
    EventTime: t.clock.now(),
    Operator_Account: "alice",
    CurrentOwner_Account: "bob",
    OriginalOwner_Account: "alice",
  });
  assert.equal(callbacks("ws-1", "Live.CallbackAfterCreateRoom").length, 1);
  const enters = callbacks("ws-1", "Live.CallbackAfterMemberStateChanged").map(
    (r) => JSON.parse(r.body) as { EventCause: string; MemberList: unknown },
  );
  assert.deepEqual(enters, [
    {
      CallbackCommand: "Live.CallbackAfterMemberStateChanged",
      RoomId: "ws-1",
      EventType: "Online",
      EventCause: "Enter",
      MemberList: [{ Member_Account: "alice" }],
      EventTime: t.clock.now(),
    },
    {
      CallbackCommand: "Live.CallbackAfterMemberStateChanged",
      RoomId: "ws-1",
      EventType: "Online",
      EventCause: "Enter",
      MemberList: [{ Member_Account: "bob" }],
      EventTime: t.clock.now(),
    },
  ]);
});

test("client rules: only the owner hands over, to someone in the room; the owner cannot leave; errors name what went wrong", async () => {
  const a = client("carol");
  const b = client("dave");
  await a.login();
  await b.login();
  await a.createRoom({ RoomId: "ws-2" });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof RoomhookClientError);
      return e.code;
    }
    return 0;
  };
  assert.equal(await code(a.changeOwner("ws-2", "dave")), -2201, "dave is not in the room");
  assert.equal(await code(b.enterRoom("nope")), -2100);
  await b.enterRoom("ws-2");
  assert.equal(await code(b.changeOwner("ws-2", "dave")), -2300, "dave is not the owner");
  assert.equal(await code(b.destroyRoom("ws-2")), -2300);
  assert.equal(await code(b.setAdmin("ws-2", "dave")), -2300);
  assert.equal(await code(a.leaveRoom("ws-2")), -2102);
  assert.equal(await code(a.changeOwner("ws-2", "x".repeat(40))), -1001);
  await a.setAdmin("ws-2", "dave");
  assert.deepEqual((await a.getRoomInfo("ws-2")).admins, ["dave"]);
  const left = next(a, "memberStateChanged", (e) => e.state === "Offline");
  await b.leaveRoom("ws-2");
  assert.deepEqual({ ...(await left), seq: 0 }, {
    event: "memberStateChanged",
    roomId: "ws-2",
    state: "Offline",
    cause: "Leave",
    userIds: ["dave"],
    operator: "dave",
    seq: 0,
  } as never);
  assert.equal(await code(b.leaveRoom("ws-2")), -2101, "not in the room any more");
  await b.enterRoom("ws-2");
  const gone = next(b, "roomDestroyed");
  await a.destroyRoom("ws-2");
  assert.equal((await gone).operator, "carol");
});

test("an owner change made through REST reaches the connected clients", async () => {
  const a = client("erin");
  const b = client("frank");
  await a.login();
  await b.login();
  await a.createRoom({ RoomId: "ws-3" });
  await b.enterRoom("ws-3");
  const told = next(b, "ownerChanged");
  ok(await t.call("change_room_owner", { RoomId: "ws-3", NewOwner_Account: "frank" }));
  const e = await told;
  assert.equal(e.to, "frank");
  assert.equal(e.operator, "administrator");
});

test("bad logins, bad frames and oversized frames get clear errors and never harm other connections", async () => {
  const other = client("gina");
  await other.login();
  await other.createRoom({ RoomId: "ws-4" });
  const bad = client("henry", "Web", { reconnect: false });
  const badSig = new RoomhookClient({
    url: t.url.replace("http", "ws") + "/v4/ws",
    sdkAppId: TEST_APP,
    userId: "henry",
    userSig: genUserSig({
      sdkAppId: TEST_APP,
      key: "not-the-key-0123456789",
      identifier: "henry",
      expire: 60,
    }),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  clients.push(badSig, bad);
  await assert.rejects(badSig.login(), (e: unknown) => e instanceof RoomhookClientError && e.code === 70009);
  const raw = new WebSocket(t.url.replace("http", "ws") + "/v4/ws");
  await new Promise((r) => raw.once("open", r));
  const answers: unknown[] = [];
  raw.on("message", (d: Buffer) => answers.push(JSON.parse(d.toString())));
  raw.send("not json");
  raw.send(JSON.stringify({ id: 1, op: "enterRoom", roomId: "ws-4" }));
  raw.send(
    JSON.stringify({
      id: 2,
      op: "login",
      sdkAppId: TEST_APP,
      userId: "x",
      userSig: "y",
      platform: "Toaster",
    }),
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(answers, [
    { id: null, code: -1001, message: "a frame must be a JSON object" },
    { id: 1, code: -1002, message: "not logged in" },
    { id: 2, code: -1001, message: "platform must be one of Web, Android, iOS, Windows, Mac, iPad, Unknown" },
  ]);
  const closed = new Promise<number>((r) =>
    raw.once("close", (code: number) => {
      r(code);
    }),
  );
  raw.send("x".repeat(70_000));
  assert.equal(await closed, 1009, "oversized frame: closed with 1009");
  // The other user noticed nothing.
  assert.equal((await other.getRoomInfo("ws-4")).roomInfo.Owner_Account, "gina");
});

test("a client that drops without leaving goes offline by heartbeat timeout (HeartbeatInterrupt), and its return is HeartbeatRecover", async () => {
  const a = client("ivan");
  const b = client("judy", "Web", { reconnect: false });
  await a.login();
  await b.login();
  await a.createRoom({ RoomId: "ws-5" });
  await b.enterRoom("ws-5");
  b.simulateDrop();
  await new Promise((r) => setTimeout(r, 100));
  const offline = next(a, "memberStateChanged", (e) => e.state === "Offline");
  t.clock.advance(31_000);
  await a.getMemberList("ws-5"); // ivan is alive (any frame counts as a heartbeat); judy is silent
  await t.server.gateway.sweep();
  const off = await offline;
  assert.equal(off.cause, "HeartbeatInterrupt");
  assert.deepEqual(off.userIds, ["judy"]);
  const back = client("judy");
  const online = next(a, "memberStateChanged", (e) => e.state === "Online" && e.userIds.includes("judy"));
  await back.login();
  await back.enterRoom("ws-5");
  assert.equal((await online).cause, "HeartbeatRecover");
  await t.server.dispatcher.runOnce();
  const states = callbacks("ws-5", "Live.CallbackAfterMemberStateChanged").map(
    (r) => JSON.parse(r.body) as { EventCause: string; MemberList: { Member_Account: string }[] },
  );
  const interrupt = states.find((s) => s.EventCause === "HeartbeatInterrupt");
  assert.deepEqual(interrupt?.MemberList, [{ Member_Account: "judy" }]);
  assert.ok(
    states.some((s) => s.EventCause === "HeartbeatRecover" && s.MemberList[0]?.Member_Account === "judy"),
  );
});

test("one heartbeat sweep that loses several users of a room reports them in one callback", async () => {
  const host = client("leo");
  await host.login();
  await host.createRoom({ RoomId: "ws-7" });
  const quiet = ["mia", "ned", "ola"].map((u) => client(u, "Web", { reconnect: false }));
  for (const q of quiet) {
    await q.login();
    await q.enterRoom("ws-7");
    q.simulateDrop();
  }
  await new Promise((r) => setTimeout(r, 100));
  const offline = next(host, "memberStateChanged", (e) => e.state === "Offline");
  t.clock.advance(31_000);
  await host.getMemberList("ws-7");
  await t.server.gateway.sweep();
  assert.deepEqual([...(await offline).userIds].sort(), ["mia", "ned", "ola"]);
  await t.server.dispatcher.runOnce();
  const lost = callbacks("ws-7", "Live.CallbackAfterMemberStateChanged")
    .map((r) => JSON.parse(r.body) as { EventCause: string; MemberList: { Member_Account: string }[] })
    .filter((p) => p.EventCause === "HeartbeatInterrupt");
  assert.equal(lost.length, 1, "one callback");
  assert.deepEqual(lost[0]?.MemberList.map((m) => m.Member_Account).sort(), ["mia", "ned", "ola"]);
});

test("two clients of one user: the older is told it was replaced and stops; no fight over the login", async () => {
  const older = client("twin");
  const newer = client("twin");
  const drops: { who: string; willReconnect: boolean; code: number }[] = [];
  older.on("disconnected", (e) => drops.push({ who: "older", ...e }));
  newer.on("disconnected", (e) => drops.push({ who: "newer", ...e }));
  await older.login();
  const replaced = next(older, "disconnected");
  await newer.login();
  const e = await replaced;
  assert.equal(e.code, 4001);
  assert.equal(e.willReconnect, false);
  assert.match(e.reason, /logged in elsewhere/);
  // Reconnects would come within 20-200 ms: wait well past them; the newer one is never kicked.
  await new Promise((r) => setTimeout(r, 600));
  assert.deepEqual(drops, [
    { who: "older", willReconnect: false, code: 4001, reason: "logged in elsewhere" },
  ]);
  await newer.createRoom({ RoomId: "twin-room" });
  assert.deepEqual(
    (await newer.getMemberList("twin-room")).map((m) => m.userId),
    ["twin"],
  );
});

test("a login's user id and platform follow the REST API's rules: nothing a REST call would refuse gets in", async () => {
  const raw = new WebSocket(t.url.replace("http", "ws") + "/v4/ws");
  await new Promise((r) => raw.once("open", r));
  const answers: { id: number; code: number; message?: string }[] = [];
  raw.on("message", (d: Buffer) => answers.push(JSON.parse(d.toString()) as (typeof answers)[number]));
  const sig = (userId: string) =>
    genUserSig({
      sdkAppId: TEST_APP,
      key: TEST_KEY,
      identifier: userId,
      expire: 600,
      time: Math.floor(t.clock.now() / 1000),
    });
  const bad: [string, string | undefined][] = [
    ["", undefined],
    ["   ", undefined],
    ["x".repeat(40), undefined],
    ["a\u0001b", undefined],
    ["@TIM#SYSTEM", undefined],
    ["fine", "RESTAPI"],
  ];
  for (const [i, [userId, platform]] of bad.entries())
    raw.send(
      JSON.stringify({ id: i + 1, op: "login", sdkAppId: TEST_APP, userId, userSig: sig(userId), platform }),
    );
  raw.send(JSON.stringify({ id: 99, op: "createRoom", roomId: "bad-owner" }));
  for (let i = 0; i < 100 && answers.length < bad.length + 1; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    answers.map((a) => [a.id, a.code]),
    [...bad.map((_, i) => [i + 1, -1001]), [99, -1002]],
    JSON.stringify(answers),
  );
  assert.match(answers[4]?.message ?? "", /userId is a reserved system account/);
  assert.match(answers[5]?.message ?? "", /^platform must be one of Web, Android/);
  assert.doesNotMatch(answers[5]?.message ?? "", /RESTAPI/);
  raw.close();
});

test("automatic reconnect restores room membership", async () => {
  const a = client("kate");
  await a.login();
  await a.createRoom({ RoomId: "ws-6" });
  const back = next(a, "reconnected");
  a.simulateDrop();
  assert.deepEqual((await back).rooms, ["ws-6"]);
  assert.deepEqual(
    (await a.getMemberList("ws-6")).map((m) => m.userId),
    ["kate"],
  );
});

test("a reconnect whose login is refused (a fixed UserSig that expired) ends reconnecting, said once with the code", async () => {
  const sig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: "lena",
    expire: 60,
    time: Math.floor(t.clock.now() / 1000),
  });
  const c = new RoomhookClient({
    url: t.url.replace("http", "ws") + "/v4/ws",
    sdkAppId: TEST_APP,
    userId: "lena",
    userSig: sig,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    heartbeatMs: 60_000,
    reconnect: { minMs: 10, maxMs: 20 },
  });
  clients.push(c);
  await c.login();
  const seen: { willReconnect: boolean; code: number }[] = [];
  c.on("disconnected", (e) => seen.push({ willReconnect: e.willReconnect, code: e.code }));
  t.clock.advance(120_000);
  c.simulateDrop();
  for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(seen.length, 2, JSON.stringify(seen));
  assert.equal(seen[0]?.willReconnect, true, "the drop: it will reconnect");
  assert.deepEqual(seen[1], { willReconnect: false, code: 70001 }, "the refused login ends it");
});

test("a server that stops says 1001 (going away) and its clients reconnect; with several Urls a client passes over one it cannot reach", async () => {
  const other = await startTestServer();
  try {
    const c = new RoomhookClient({
      // The first address refuses connections: login moves on to the second.
      url: ["ws://127.0.0.1:1/v4/ws", other.url.replace("http", "ws") + "/v4/ws"],
      sdkAppId: TEST_APP,
      userId: "mona",
      userSig: () =>
        genUserSig({
          sdkAppId: TEST_APP,
          key: TEST_KEY,
          identifier: "mona",
          expire: 3600,
          time: Math.floor(other.clock.now() / 1000),
        }),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      heartbeatMs: 60_000,
      reconnect: { minMs: 20, maxMs: 50 },
    });
    clients.push(c);
    await c.login();
    const gone = next(c, "disconnected");
    await other.close();
    const e = await gone;
    assert.equal(e.code, 1001);
    assert.equal(e.willReconnect, true);
  } finally {
    await other.close().catch(() => undefined);
  }
});
