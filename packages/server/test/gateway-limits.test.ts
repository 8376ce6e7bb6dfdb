import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { genUserSig } from "@roomhook/protocol";
import { startTestServer, TEST_APP, TEST_KEY, type TestServer } from "./support/harness.ts";

/**
 * What a connection may cost the server: one that never logs in is closed after the login timeout
 * (4002); one that stops reading is closed once what waits for it passes the send buffer (4008).
 */

let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: { ROOMHOOK_WS_LOGIN_TIMEOUT_MS: "300", ROOMHOOK_WS_SEND_BUFFER: "65536" },
  });
});
after(() => t.close());

const wsUrl = () => t.url.replace("http", "ws") + "/v4/ws";
const open = async () => {
  const ws = new WebSocket(wsUrl());
  await new Promise((r) => ws.once("open", r));
  return ws;
};
const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((r) =>
    ws.once("close", (code: number, reason: Buffer) => {
      r({ code, reason: reason.toString() });
    }),
  );

async function login(ws: WebSocket, userId: string): Promise<void> {
  const answer = new Promise<{ code: number }>((r) =>
    ws.once("message", (d: Buffer) => {
      r(JSON.parse(d.toString()) as { code: number });
    }),
  );
  const userSig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: userId,
    expire: 600,
    time: Math.floor(t.clock.now() / 1000),
  });
  ws.send(JSON.stringify({ id: 1, op: "login", sdkAppId: TEST_APP, userId, userSig, platform: "Web" }));
  assert.equal((await answer).code, 0);
}

test("a connection that does not log in within the timeout is closed with 4002; one that did stays", async () => {
  const idle = await open();
  const member = await open();
  await login(member, "stays");
  const started = Date.now();
  const c = await closed(idle);
  assert.equal(c.code, 4002);
  assert.match(c.reason, /login timeout/);
  assert.ok(Date.now() - started < 5000);
  assert.equal(member.readyState, WebSocket.OPEN, "the logged-in connection is not touched");
  member.close();
});

test("a client that stops reading is closed once its send buffer passes the bound; others are served", async () => {
  const slow = await open();
  await login(slow, "slow");
  const other = await open();
  await login(other, "other");
  const gone = closed(slow);
  // Stop reading: the server's replies pile up in its buffer for this connection.
  (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
  const id = "x".repeat(8000);
  for (let i = 0; i < 3000 && slow.readyState === WebSocket.OPEN; i++) {
    slow.send(JSON.stringify({ id, op: "heartbeat" }));
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  (slow as unknown as { _socket: { resume(): void } })._socket.resume();
  const c = await gone;
  assert.ok(c.code === 4008 || c.code === 1006, `closed with ${c.code}`);
  // The other connection is answered as ever.
  const pong = new Promise<{ id: number; code: number }>((r) =>
    other.once("message", (d: Buffer) => {
      r(JSON.parse(d.toString()) as { id: number; code: number });
    }),
  );
  other.send(JSON.stringify({ id: 7, op: "heartbeat" }));
  assert.deepEqual(await pong, { id: 7, code: 0 });
  other.close();
});
