import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { failed, ok, startTestServer, type Envelope, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";

/**
 * The REST commands the console reads, as any admin may call them: roomhook_room (search_rooms,
 * get_room_events, get_event_feed) and roomhook_delivery/get_attempt_feed.
 */

let t: TestServer;
let rx: Receiver;
let failing = false;
before(async () => {
  rx = await startReceiver(() => (failing ? { status: 500, body: "down" } : {}));
  t = await startTestServer();
});
after(async () => {
  await t.close();
  await rx.close();
});

const room = (service: string) => (command: string, body: unknown) => t.call(command, body, { service });
const rooms = room("roomhook_room");
const delivery = room("roomhook_delivery");
const create = async (id: string, owner = "alice", more: Record<string, unknown> = {}) =>
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: id, RoomType: "Live", Owner_Account: owner, ...more },
    }),
  );
const hand = async (id: string, to: string) =>
  ok(await t.call("change_room_owner", { RoomId: id, NewOwner_Account: to }));
/** The answer's Response, checked OK; its shape is the test's to state. */
const response = (env: Envelope) => ok(env).Response as unknown;

interface RoomEntry {
  RoomId: string;
  Owner_Account: string;
  IsPublicVisible: boolean;
  RoomType: string;
}
interface EventView {
  Sequence: number;
  EventId: string;
  CallbackCommand: string;
  Time: number;
  Operator_Account: string;
  OptPlatform: string;
  ClientIP: string;
  Packet: Record<string, unknown>;
}

test("search_rooms: every room whose id holds the text, private ones too, by id, paged", async () => {
  await create("search-b");
  await create("search-a", "bob", { IsPublicVisible: false });
  await create("other-search-c");
  await create("unrelated");
  const all = response(await rooms("search_rooms", { Text: "search" })) as {
    RoomList: RoomEntry[];
    Next: string;
  };
  assert.deepEqual(
    all.RoomList.map((r) => r.RoomId),
    ["other-search-c", "search-a", "search-b"],
  );
  assert.equal(all.Next, "");
  const a = all.RoomList[1]!;
  assert.equal(a.Owner_Account, "bob");
  assert.equal(a.IsPublicVisible, false, "get_room_list would not list it");
  assert.equal(a.RoomType, "Live");

  const first = response(await rooms("search_rooms", { Text: "search", Limit: 2 })) as {
    RoomList: RoomEntry[];
    Next: string;
  };
  assert.deepEqual(
    first.RoomList.map((r) => r.RoomId),
    ["other-search-c", "search-a"],
  );
  assert.notEqual(first.Next, "");
  const second = response(await rooms("search_rooms", { Text: "search", Limit: 2, Next: first.Next })) as {
    RoomList: RoomEntry[];
    Next: string;
  };
  assert.deepEqual(
    second.RoomList.map((r) => r.RoomId),
    ["search-b"],
  );
  assert.equal(second.Next, "");

  // No text: every room. Case-sensitive, and the text is a text, not a pattern.
  const every = response(await rooms("search_rooms", { Limit: 100 })) as { RoomList: RoomEntry[] };
  assert.ok(every.RoomList.length >= 4);
  assert.equal(
    (response(await rooms("search_rooms", { Text: "SEARCH" })) as { RoomList: [] }).RoomList.length,
    0,
  );
  assert.equal(
    (response(await rooms("search_rooms", { Text: "s%h" })) as { RoomList: [] }).RoomList.length,
    0,
  );

  failed(await rooms("search_rooms", { Next: "nope" }), 100002);
  failed(await rooms("search_rooms", { Limit: 101 }), 100002);
  failed(await rooms("search_rooms", { Text: "x".repeat(49) }), 100002);
});

test("get_room_events: every event in sequence order, owner changes alone with CallbackCommand, after destroy too", async () => {
  await create("hist-1");
  await hand("hist-1", "bob");
  ok(await t.call("modify_admin", { RoomId: "hist-1", Admin_Account: ["cy"], OpType: "add" }));
  t.clock.advance(1000);
  await hand("hist-1", "cy");
  const all = response(await rooms("get_room_events", { RoomId: "hist-1" })) as {
    EventList: EventView[];
    HasMore: boolean;
  };
  assert.deepEqual(
    all.EventList.map((e) => [e.Sequence, e.CallbackCommand]),
    [
      [1, "Live.CallbackAfterCreateRoom"],
      [2, "Live.CallbackAfterChangeOwner"],
      [3, "Live.CallbackAfterModifyAdmin"],
      [4, "Live.CallbackAfterChangeOwner"],
    ],
  );
  assert.equal(all.HasMore, false);
  const owners = (
    response(
      await rooms("get_room_events", { RoomId: "hist-1", CallbackCommand: "Live.CallbackAfterChangeOwner" }),
    ) as { EventList: EventView[] }
  ).EventList;
  assert.equal(owners.length, 2);
  const [first, second] = owners;
  assert.equal(first?.Sequence, 2);
  assert.equal(first?.Operator_Account, "administrator");
  assert.equal(first?.OptPlatform, "RESTAPI");
  assert.equal(first?.ClientIP, "127.0.0.1");
  assert.match(first?.EventId ?? "", /^evt_/);
  assert.equal(first?.Packet.OriginalOwner_Account, "alice");
  assert.equal(first?.Packet.CurrentOwner_Account, "bob");
  assert.equal(second?.Packet.OriginalOwner_Account, "bob");
  assert.equal(second?.Packet.CurrentOwner_Account, "cy");
  assert.equal(second?.Time, (first?.Time ?? 0) + 1000);

  // Paged by AfterSequence; HasMore says a page is not the last.
  const page = response(await rooms("get_room_events", { RoomId: "hist-1", AfterSequence: 1, Limit: 2 })) as {
    EventList: EventView[];
    HasMore: boolean;
  };
  assert.deepEqual(
    page.EventList.map((e) => e.Sequence),
    [2, 3],
  );
  assert.equal(page.HasMore, true);

  // The history outlives the room.
  ok(await t.call("destroy_room", { RoomId: "hist-1" }));
  const after = response(await rooms("get_room_events", { RoomId: "hist-1", AfterSequence: 4 })) as {
    EventList: EventView[];
  };
  assert.deepEqual(
    after.EventList.map((e) => e.CallbackCommand),
    ["Live.CallbackAfterDestroyRoom"],
  );
  assert.deepEqual(response(await rooms("get_room_events", { RoomId: "never-was" })), {
    EventList: [],
    HasMore: false,
  });
  failed(await rooms("get_room_events", {}), 100002);
  failed(await rooms("get_room_events", { RoomId: "hist-1", Limit: 0 }), 100002);
});

test("get_event_feed: the newest events first time, then what was written after LastId, every room", async () => {
  const start = response(await rooms("get_event_feed", { Limit: 2 })) as {
    EventList: (EventView & { Id: number; RoomId: string })[];
    LastId: number;
  };
  assert.ok(start.EventList.length <= 2);
  const lastSeen = start.EventList[start.EventList.length - 1];
  assert.equal(start.LastId, lastSeen?.Id ?? 0);

  await create("feed-1");
  await create("feed-2");
  await hand("feed-1", "bob");
  const next = response(await rooms("get_event_feed", { AfterId: start.LastId, Limit: 2 })) as {
    EventList: (EventView & { Id: number; RoomId: string })[];
    LastId: number;
    HasMore: boolean;
  };
  assert.deepEqual(
    next.EventList.map((e) => [e.RoomId, e.CallbackCommand]),
    [
      ["feed-1", "Live.CallbackAfterCreateRoom"],
      ["feed-2", "Live.CallbackAfterCreateRoom"],
    ],
  );
  assert.equal(next.HasMore, true);
  const rest = response(await rooms("get_event_feed", { AfterId: next.LastId })) as {
    EventList: (EventView & { RoomId: string })[];
    LastId: number;
    HasMore: boolean;
  };
  assert.deepEqual(
    rest.EventList.map((e) => [e.RoomId, e.Sequence, e.Packet.CurrentOwner_Account]),
    [["feed-1", 2, "bob"]],
  );
  assert.equal(rest.HasMore, false);
  // Nothing new: the same cursor comes back.
  const idle = response(await rooms("get_event_feed", { AfterId: rest.LastId })) as {
    EventList: [];
    LastId: number;
  };
  assert.deepEqual(idle, { EventList: [], LastId: rest.LastId, HasMore: false });
  // The newest ones, oldest first, when no cursor is given.
  const newest = response(await rooms("get_event_feed", { Limit: 2 })) as {
    EventList: (EventView & { RoomId: string })[];
    LastId: number;
  };
  assert.deepEqual(
    newest.EventList.map((e) => [e.RoomId, e.CallbackCommand]),
    [
      ["feed-2", "Live.CallbackAfterCreateRoom"],
      ["feed-1", "Live.CallbackAfterChangeOwner"],
    ],
  );
  assert.equal(newest.LastId, rest.LastId);
  failed(await rooms("get_event_feed", { AfterId: -1 }), 100002);
});

test("get_attempt_feed: attempts from StartTime on, newest first, each with its delivery", async () => {
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  await create("att-1");
  failing = true;
  await hand("att-1", "bob");
  const t0 = t.clock.now();
  await t.server.dispatcher.runOnce();
  t.clock.advance(60_000);
  failing = false;
  await t.server.dispatcher.runOnce();
  type FeedAttempt = {
    DeliveryId: number;
    RoomId: string;
    Sequence: number;
    CallbackCommand: string;
    State: string;
    Attempt: number;
    Time: number;
    HttpStatus?: number;
    Error?: string;
  };
  const feed = response(await delivery("get_attempt_feed", { StartTime: t0 })) as {
    AttemptList: FeedAttempt[];
  };
  assert.deepEqual(
    feed.AttemptList.map((a) => [a.RoomId, a.Sequence, a.Attempt, a.HttpStatus, a.State, a.Time - t0]),
    [
      ["att-1", 2, 2, 200, "delivered", 60_000],
      ["att-1", 2, 1, 500, "delivered", 0],
    ],
  );
  assert.equal(feed.AttemptList[0]?.CallbackCommand, "Live.CallbackAfterChangeOwner");
  const later = response(await delivery("get_attempt_feed", { StartTime: t0 + 1 })) as {
    AttemptList: FeedAttempt[];
  };
  assert.deepEqual(
    later.AttemptList.map((a) => a.Attempt),
    [2],
  );
  const one = response(await delivery("get_attempt_feed", { Limit: 1 })) as { AttemptList: FeedAttempt[] };
  assert.deepEqual(
    one.AttemptList.map((a) => a.Attempt),
    [2],
    "without StartTime: the newest",
  );
  failed(await delivery("get_attempt_feed", { Limit: 101 }), 100002);
});

test("the console's commands need an administrator's UserSig, as every REST call", async () => {
  const r = await t.raw(`/v4/roomhook_room/search_rooms?${t.query({ userSig: "bad" })}`, { body: "{}" });
  assert.equal(r.json().ActionStatus, "FAIL");
  failed(r.json(), 70003);
  failed(await t.call("get_event_feed", {}, { service: "roomhook_room", identifier: "alice" }), 60010);
});
