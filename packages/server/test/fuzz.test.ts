import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { WebSocket } from "ws";
import { clientErrorCatalog, errorCatalog, genUserSig, isErrorCode } from "@roomhook/protocol";
import { createReceiver, ReceiverError } from "@roomhook/receiver";
import { ok, startTestServer, TEST_APP, TEST_KEY, type TestServer } from "./support/harness.ts";

/**
 * Property-based inputs (fast-check) against the contract: every REST answer is HTTP 200 with a
 * documented code in Tencent's envelope, every WebSocket reply carries a documented code, `verify`
 * throws nothing but ReceiverError, nothing hangs, and what was accepted before is unchanged.
 * `FUZZ_RUNS` sets the inputs per property (default 1,000 REST bodies and the same scale elsewhere);
 * the long run is `FUZZ_RUNS=100000 npm run test:unit -- fuzz`.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? "1000");
const COMMANDS: Record<string, string[]> = {
  live_engine_http_srv: [
    "create_room",
    "destroy_room",
    "update_room_info",
    "get_room_info",
    "get_room_list",
    "change_room_owner",
    "modify_admin",
    "get_admin_list",
    "ban_member",
    "unban_member",
    "get_banned_member_list",
  ],
  live_config: [
    "set_callback",
    "update_callback",
    "get_callback",
    "delete_callback",
    "set_callback_token",
    "get_callback_token",
  ],
  roomhook_delivery: [
    "get_delivery_list",
    "get_delivery",
    "redeliver",
    "redeliver_dead",
    "get_room_callbacks",
    "get_attempt_feed",
  ],
  roomhook_room: ["search_rooms", "get_room_events", "get_event_feed"],
};
const ROUTES = Object.entries(COMMANDS).flatMap(([service, cs]) => cs.map((c) => ({ service, command: c })));
const KEEP = { RoomId: "fuzz-keep", Owner_Account: "keeper" };

let t: TestServer;
before(async () => {
  t = await startTestServer();
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: KEEP.RoomId, RoomType: "Live", Owner_Account: KEEP.Owner_Account },
    }),
  );
});
after(() => t.close());

async function keepIsIntact(): Promise<void> {
  const info = ok(await t.call("get_room_info", { RoomId: KEEP.RoomId })).Response as {
    RoomInfo: { Owner_Account: string; RoomName: string };
  };
  assert.equal(info.RoomInfo.Owner_Account, KEEP.Owner_Account);
}

/** Fields Tencent's bodies use, so that generated bodies reach past the first check often. */
const field = fc.constantFrom(
  "RoomId",
  "RoomInfo",
  "NewOwner_Account",
  "Owner_Account",
  "RoomType",
  "Next",
  "Count",
  "Url",
  "CallbackCommandList",
  "Token",
  "IsTokenEnable",
  "MemberList_Account",
  "Duration",
  "Reason",
  "AdminList",
  "OpType",
  "Limit",
  "DeliveryId",
  "Member_Account",
  "Text",
  "AfterSequence",
  "AfterId",
  "StartTime",
  "CallbackCommand",
  "__proto__",
  "constructor",
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(KEEP.RoomId, "", " ", "@TIM#SYSTEM", -1, 2 ** 53, 1e308, null, true, "Live", "add"),
);
const body = fc.oneof(
  fc.dictionary(field, value, { maxKeys: 5 }).map((d) => JSON.stringify(d)),
  fc
    .dictionary(field, fc.dictionary(field, value, { maxKeys: 4 }), { maxKeys: 2 })
    .map((d) => JSON.stringify(d)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
);

test("REST: any body to any command gets HTTP 200, a documented code, and leaves accepted data alone", async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), body, async ({ service, command }, b) => {
      // Never the kept room's owner or life: the property is about what the answer is.
      if (b.includes(KEEP.RoomId) && (command === "change_room_owner" || command === "destroy_room")) return;
      const r = await t.raw(`/v4/${service}/${command}?${t.query()}`, { body: b });
      assert.equal(r.status, 200, r.text);
      const env = r.json();
      assert.ok(env.ActionStatus === "OK" || env.ActionStatus === "FAIL", r.text);
      assert.ok(env.ErrorCode === 0 || isErrorCode(env.ErrorCode), `undocumented code: ${r.text}`);
      assert.match(env.RequestId, /./);
    }),
    { numRuns: RUNS },
  );
  await keepIsIntact();
});

test("REST: any query gets HTTP 200 and a documented code", async () => {
  const param = fc.constantFrom(
    "sdkappid",
    "identifier",
    "usersig",
    "random",
    "contenttype",
    "SdkAppId",
    "x",
  );
  const query = fc
    .array(fc.tuple(param, fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String))), {
      maxLength: 6,
    })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&"));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ROUTES), query, async ({ service, command }, q) => {
      const r = await t.raw(`/v4/${service}/${command}?${q}`, { body: "{}" });
      assert.equal(r.status, 200, r.text);
      const env = r.json();
      assert.ok(env.ErrorCode === 0 || isErrorCode(env.ErrorCode), `undocumented code: ${r.text}`);
    }),
    { numRuns: Math.max(100, Math.floor(RUNS / 2)) },
  );
  assert.ok(Object.keys(errorCatalog).length > 10);
});

test("WebSocket: any frame gets a reply with a documented code; the connection stays usable", async () => {
  const ws = new WebSocket(t.url.replace("http", "ws") + "/v4/ws");
  await new Promise((r) => ws.once("open", r));
  const replies = new Map<unknown, { code: number }>();
  const waiters = new Map<unknown, (r: { code: number }) => void>();
  ws.on("message", (d: Buffer) => {
    const f = JSON.parse(d.toString()) as { id?: unknown; code: number; event?: string };
    if (f.event !== undefined) return;
    const w = waiters.get(f.id);
    if (w !== undefined) {
      waiters.delete(f.id);
      w(f);
    } else replies.set(f.id, f);
  });
  let n = 0;
  const ask = (frame: Record<string, unknown>) => {
    const id = `q${++n}`;
    const answer = new Promise<{ code: number }>((resolve, reject) => {
      waiters.set(id, resolve);
      setTimeout(() => {
        reject(new Error(`no reply to ${JSON.stringify(frame).slice(0, 200)}`));
      }, 5000).unref();
    });
    ws.send(JSON.stringify({ ...frame, id }));
    return answer;
  };
  const userSig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: "fuzzer",
    expire: 3600,
    time: Math.floor(t.clock.now() / 1000),
  });
  assert.equal(
    (await ask({ op: "login", sdkAppId: TEST_APP, userId: "fuzzer", userSig, platform: "Web" })).code,
    0,
  );
  const op = fc.constantFrom(
    "createRoom",
    "enterRoom",
    "leaveRoom",
    "destroyRoom",
    "changeOwner",
    "setAdmin",
    "revokeAdmin",
    "getRoomInfo",
    "getMemberList",
    "heartbeat",
    "toString",
    "__proto__",
    "login",
    "nope",
  );
  const documented = (code: number) =>
    code === 0 || Object.hasOwn(clientErrorCatalog, code) || isErrorCode(code);
  await fc.assert(
    fc.asyncProperty(
      op,
      fc.dictionary(
        fc.constantFrom("roomId", "userId", "newOwner", "userIds", "roomInfo", "sdkAppId"),
        value,
        { maxKeys: 4 },
      ),
      async (o, args) => {
        if (JSON.stringify(args).includes(KEEP.RoomId)) return;
        const reply = await ask({ ...args, op: o });
        assert.ok(documented(reply.code), `undocumented code ${reply.code} for ${o} ${JSON.stringify(args)}`);
      },
    ),
    { numRuns: Math.max(100, Math.floor(RUNS / 2)) },
  );
  ws.close();
  await keepIsIntact();
});

test("receiver: verify throws nothing but ReceiverError, whatever the query, headers and bytes", () => {
  const r = createReceiver({
    sdkAppId: 1400000000,
    token: "xxxxyyyy",
    secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
  });
  const good = JSON.stringify({
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "r",
    EventTime: 1,
    Operator_Account: "a",
    CurrentOwner_Account: "b",
    OriginalOwner_Account: "c",
  });
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
    fc
      .tuple(fc.nat({ max: good.length }), fc.uint8Array({ minLength: 1, maxLength: 5 }))
      .map(([at, junk]) =>
        Buffer.concat([Buffer.from(good.slice(0, at)), junk, Buffer.from(good.slice(at))]),
      ),
    fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v))),
  );
  const url = fc
    .array(
      fc.tuple(
        fc.constantFrom("SdkAppid", "sdkappid", "CallbackCommand", "Sign", "RequestTime", "x"),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 6 },
    )
    .map(
      (pairs) =>
        `/cb?SdkAppid=1400000000&${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`,
    );
  const headers = fc.dictionary(
    fc.constantFrom(
      "webhook-id",
      "webhook-timestamp",
      "webhook-signature",
      "roomhook-sequence",
      "content-type",
    ),
    fc.string({ maxLength: 40 }),
    { maxKeys: 4 },
  );
  fc.assert(
    fc.property(url, headers, bytes, (u, h, b) => {
      try {
        r.verify({ url: u, headers: h, body: b });
      } catch (e) {
        assert.ok(e instanceof ReceiverError, String(e));
      }
    }),
    { numRuns: RUNS * 2 },
  );
});
