import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import {
  callbackSchemas,
  genUserSig,
  roomCallbacksAnswerSchema,
  wsCloseCodeSchema,
  wsCloseCodes,
  wsPushSchemas,
  wsReplyDataSchemas,
  wsReplySchema,
  wsRequestSchemas,
  wsServerFrameSchema,
  type DocumentedCallbackCommand,
  type WsOp,
  type WsPushEvent,
  type WsRequestArgs,
} from "@roomhook/protocol";
import { ok, startTestServer, TEST_APP, TEST_KEY, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

/**
 * The contracts of @roomhook/protocol against a real server: a session over a real WebSocket sends
 * every request kind (each checked against its schema before it goes), and every frame it gets back
 * (replies with their op's data, every kind of push), every callback the App backend is sent, the
 * catch-up answer and the close codes must fit the declared schemas. A server that sends anything else
 * fails here, before a client or a receiver meets it.
 */

let t: TestServer;
let rx: Receiver;
let stopped = false;
const sockets: WebSocket[] = [];

before(async () => {
  t = await startTestServer({ env: { ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "3600000" } });
  // An App backend that answers OK: before-callbacks allow.
  rx = await startReceiver();
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: Object.keys(callbackSchemas) },
      { service: "live_config" },
    ),
  );
  ok(await t.call("add_gift", { GiftId: "rose", Coins: 10, DefaultName: "rose" }));
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "c-rival", RoomType: "Live", Owner_Account: "rival" },
    }),
  );
});
after(async () => {
  for (const ws of sockets) ws.terminate();
  if (!stopped) await t.close();
  await rx.close();
});

function problems(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`).join("; ");
}
function fits(schema: TSchema, value: unknown, what: string): void {
  assert.ok(Value.Check(schema, value), `${what}: ${problems(schema, value)}\n${JSON.stringify(value)}`);
}

/** A user's raw connection: requests checked against the protocol before they go, frames kept. */
class Session {
  readonly frames: Record<string, unknown>[] = [];
  closed: Promise<number>;
  private nextId = 1;
  private waiting = new Map<number, (f: Record<string, unknown>) => void>();
  private readonly listeners = new Set<() => void>();

  readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (d: Buffer) => {
      const f = JSON.parse(d.toString("utf8")) as Record<string, unknown>;
      this.frames.push(f);
      if (typeof f.id === "number") this.waiting.get(f.id)?.(f);
      for (const l of this.listeners) l();
    });
    this.closed = new Promise((r) => {
      ws.once("close", (code: number) => {
        r(code);
      });
    });
  }

  static async open(): Promise<Session> {
    const ws = new WebSocket(t.url.replace("http", "ws") + "/v4/ws");
    sockets.push(ws);
    await new Promise((r) => ws.once("open", r));
    return new Session(ws);
  }

  static async login(userId: string): Promise<Session> {
    const s = await Session.open();
    const userSig = genUserSig({
      sdkAppId: TEST_APP,
      key: TEST_KEY,
      identifier: userId,
      expire: 86400,
      time: Math.floor(t.clock.now() / 1000),
    });
    await s.call("login", { sdkAppId: TEST_APP, userId, userSig, platform: "Web" });
    return s;
  }

  /** Sends a request that must fit its op's schema and succeed; the reply's data must fit the op's. */
  async call<O extends WsOp>(op: O, args: WsRequestArgs<O>): Promise<unknown> {
    const frame = { id: this.nextId++, op, ...args };
    fits(wsRequestSchemas[op], frame, `request ${op}`);
    asked.add(op);
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no reply to ${op} in 5 s`));
      }, 5000);
      this.waiting.set(frame.id, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      this.ws.send(JSON.stringify(frame));
    });
    fits(wsReplySchema, reply, `reply to ${op}`);
    assert.equal(reply.code, 0, `${op}: ${JSON.stringify(reply)}`);
    const dataSchema = (wsReplyDataSchemas as Partial<Record<WsOp, TSchema>>)[op];
    if (dataSchema !== undefined) fits(dataSchema, reply.data, `${op}'s data`);
    else assert.equal(reply.data, undefined, `${op} answers no data`);
    return reply.data;
  }

  /** Resolves once a push of the event has come (5 s at most). */
  pushed(event: WsPushEvent, match: (f: Record<string, unknown>) => boolean = () => true): Promise<void> {
    const has = () => this.frames.some((f) => f.event === event && match(f));
    if (has()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${event} push in 5 s`));
      }, 5000);
      const check = () => {
        if (!has()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }
}

const asked = new Set<WsOp>();

test("every frame a real server sends fits the protocol: replies to every op, every push, the callbacks, the catch-up answer, the close codes", async () => {
  const alice = await Session.login("alice");
  const bob = await Session.login("bob");
  const carol = await Session.login("carol");
  const room = "c-1";
  await alice.call("heartbeat", {});
  await alice.call("createRoom", {
    roomInfo: {
      RoomType: "Live",
      RoomId: room,
      RoomName: "contract",
      IsSeatEnabled: true,
      TakeSeatMode: "ApplyToTake",
      MaxSeatCount: 4,
    },
  });
  await bob.call("enterRoom", { roomId: room });
  await carol.call("enterRoom", { roomId: room });
  await alice.call("getRoomInfo", { roomId: room });
  await alice.call("getMemberList", { roomId: room });

  await alice.call("setMetadata", { roomId: room, metadata: [{ key: "topic", value: "cats" }] });
  await alice.call("getMetadata", { roomId: room });
  await alice.call("deleteMetadata", { roomId: room, keys: ["topic"] });
  await alice.call("setAdmin", { roomId: room, userId: "bob" });
  await alice.call("revokeAdmin", { roomId: room, userId: "bob" });

  // Seats in an ApplyToTake room: applications, answered or withdrawn; then the owner's moves.
  await bob.call("takeSeat", { roomId: room, index: 1 });
  await alice.call("getSeatApplications", { roomId: room });
  await alice.call("rejectSeatApplication", { roomId: room, userId: "bob" });
  await bob.call("takeSeat", { roomId: room });
  await bob.call("cancelSeatApplication", { roomId: room });
  await bob.call("takeSeat", { roomId: room, index: 1 });
  await alice.call("acceptSeatApplication", { roomId: room, userId: "bob" });
  await alice.call("moveSeat", { roomId: room, userId: "bob", index: 2, policy: 0 });
  await alice.call("lockSeat", { roomId: room, index: 3, lockTaken: true, lockAudio: false });
  await alice.call("kickSeat", { roomId: room, userId: "bob" });
  await alice.call("pickSeat", { roomId: room, userId: "bob", index: 0 });
  await bob.call("leaveSeat", { roomId: room });
  await alice.call("getSeatList", { roomId: room });

  await bob.call("sendMessage", { roomId: room, text: "hello", cloudCustomData: "{}" });
  await bob.call("sendMessage", {
    roomId: room,
    msgBody: [
      { MsgType: "TIMCustomElem", MsgContent: { Data: "like", Desc: "like" } },
      { MsgType: "TIMFaceElem", MsgContent: { Index: 1 } },
    ],
  });
  await bob.call("sendGift", { roomId: room, giftId: "rose", count: 2, receivers: ["alice"] });
  await alice.call("muteMember", { roomId: room, userId: "bob", durationSec: 60 });
  await alice.call("muteMember", { roomId: room, userId: "bob", durationSec: 0 });

  // What only REST starts: a room update and a battle, pushed to the room's members.
  ok(await t.call("update_room_info", { RoomInfo: { RoomId: room, RoomName: "renamed", Notice: "hi" } }));
  ok(
    await t.call(
      "create_battle",
      { FromRoomId: room, ToRoomIdList: ["c-rival"], Duration: 5000 },
      { service: "live_engine_http_pk" },
    ),
  );
  await alice.pushed("battleStarted");
  t.clock.advance(5000);
  await t.server.roomSweeper.sweep();

  await alice.call("changeOwner", { roomId: room, userId: "bob" });
  await bob.call("kickMember", { roomId: room, userId: "carol", durationSec: 60, reason: "contract" });
  await alice.call("leaveRoom", { roomId: room });
  await bob.call("destroyRoom", { roomId: room });
  await bob.pushed("roomDestroyed");
  await alice.call("getRoomInfo", { roomId: "c-rival" });

  assert.deepEqual(
    Object.keys(wsRequestSchemas).filter((op) => !asked.has(op as WsOp)),
    [],
    "every op was sent, and the server read it as declared",
  );

  // Every frame each user got: a declared server frame; each push its event's schema.
  const events = new Set<string>();
  for (const [who, s] of Object.entries({ alice, bob, carol }))
    for (const f of s.frames) {
      fits(wsServerFrameSchema, f, `${who}'s frame`);
      if (typeof f.event === "string") {
        events.add(f.event);
        fits(wsPushSchemas[f.event as WsPushEvent], f, `${who}'s ${f.event} push`);
      }
    }
  assert.deepEqual(
    Object.keys(wsPushSchemas).filter((e) => !events.has(e)),
    [],
    "every kind of push was sent",
  );

  // A refusal is a declared reply too.
  const refusals = await Session.open();
  refusals.ws.send("not json");
  refusals.ws.send(JSON.stringify({ id: 1, op: "enterRoom", roomId: room }));
  await new Promise<void>((resolve) => {
    const check = () => {
      if (refusals.frames.length >= 2) resolve();
      else setImmediate(check);
    };
    check();
  });
  for (const f of refusals.frames) fits(wsReplySchema, f, "a refusal");

  // Every callback the App backend was sent fits its command's schema.
  await t.server.dispatcher.runOnce();
  const commands = new Set<string>();
  for (const r of rx.received) {
    const command = r.query.get("CallbackCommand") ?? "";
    assert.ok(Object.hasOwn(callbackSchemas, command), command);
    commands.add(command);
    fits(callbackSchemas[command as DocumentedCallbackCommand], JSON.parse(r.body), command);
  }
  assert.deepEqual(
    Object.keys(callbackSchemas).filter(
      (c) => !commands.has(c) && c !== "Live.CallbackAfterCreateRoomReachingThreshold",
    ),
    [],
    "every documented callback but the quota alert was sent",
  );

  // The catch-up answer, as a receiver asks for it.
  const page = ok(
    await t.call("get_room_callbacks", { RoomId: room, Limit: 5 }, { service: "roomhook_delivery" }),
  );
  fits(roomCallbacksAnswerSchema, page.Response, "get_room_callbacks' Response");
  assert.equal((page.Response as { HasMore: boolean }).HasMore, true);

  // Close codes: a second login of the same user closes the first with 4001; a stop, 1001.
  const again = await Session.login("carol");
  const replaced = await carol.closed;
  assert.equal(replaced, wsCloseCodes.loggedInElsewhere);
  for (const code of [replaced]) fits(wsCloseCodeSchema, code, "close code");
  stopped = true;
  await t.close();
  for (const s of [alice, bob, again]) {
    const code = await s.closed;
    assert.equal(code, wsCloseCodes.serverStopping);
    fits(wsCloseCodeSchema, code, "close code on a stop");
  }
});
