import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { createLogger, redactUrl } from "../src/logger.ts";
import { failed, ok, startTestServer, TEST_APP, TEST_KEY, type TestServer } from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";
import { testClient } from "./support/clients.ts";

/**
 * The log tells what happened (issue 14): a line per REST call, per WebSocket login and close, per
 * delivery attempt, a warning for a dead delivery and for a configuration disabled by 410, start and
 * stop. Read as the JSON lines a log shipper gets; secrets never appear.
 */
type Line = Record<string, unknown> & { msg: string; level: number };
const lines: Line[] = [];
let raw = "";
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    const text = chunk.toString("utf8");
    raw += text;
    for (const l of text.split("\n")) if (l !== "") lines.push(JSON.parse(l) as Line);
    done();
  },
});

let t: TestServer;
let rx: Receiver;
let answer: { status: number } = { status: 200 };
const TOKEN = "tok-secret-4711";
let signingSecret = "";
before(async () => {
  t = await startTestServer({ logger: createLogger({ level: "info", destination: sink, format: "json" }) });
  rx = await startReceiver(() => answer);
  ok(
    await t.call(
      "set_callback",
      { Url: `${rx.url}?token=url-secret-99`, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  ok(await t.call("set_callback_token", { Token: TOKEN, IsTokenEnable: true }, { service: "live_config" }));
  signingSecret = (
    ok(await t.call("rotate_signing_secret", {}, { service: "roomhook_delivery" })).Response as {
      Secret: string;
    }
  ).Secret;
});
after(async () => {
  await rx.close();
});

const find = (msg: string, match: (l: Line) => boolean = () => true) =>
  lines.filter((l) => l.msg === msg && match(l));

async function createAndChange(roomId: string): Promise<void> {
  ok(await t.call("create_room", { RoomInfo: { RoomId: roomId, RoomType: "Live", Owner_Account: "alice" } }));
  ok(await t.call("change_room_owner", { RoomId: roomId, NewOwner_Account: "bob" }));
}

test("the start says where the server listens, with which store", () => {
  const [start] = find("roomhook started");
  assert.ok(start);
  assert.equal(start.url, t.url);
  assert.equal(start.store, process.env.ROOMHOOK_TEST_STORE === "pg" ? "postgresql" : "sqlite");
  assert.deepEqual(start.apps, [TEST_APP]);
});

test("a REST call: service, command, SDKAppID, operator, ErrorCode, ms, RequestId; a refused one its ErrorInfo", async () => {
  const env = ok(
    await t.call("create_room", { RoomInfo: { RoomId: "log-1", RoomType: "Live", Owner_Account: "alice" } }),
  );
  const [line] = find("REST call", (l) => l.RequestId === env.RequestId);
  assert.ok(line, "a line for the call");
  assert.equal(line.service, "live_engine_http_srv");
  assert.equal(line.command, "create_room");
  assert.equal(line.SDKAppID, TEST_APP);
  assert.equal(line.operator, "administrator");
  assert.equal(line.ErrorCode, 0);
  assert.equal(typeof line.ms, "number");
  assert.equal(line.level, 30);

  const dup = failed(
    await t.call("create_room", { RoomInfo: { RoomId: "log-1", RoomType: "Live", Owner_Account: "alice" } }),
    100010,
  );
  const [refused] = find("REST call refused", (l) => l.RequestId === dup.RequestId);
  assert.ok(refused);
  assert.equal(refused.ErrorCode, 100010);
  assert.equal(refused.ErrorInfo, dup.ErrorInfo);

  // A UserSig that does not verify: refused before any operator is known, and never written down.
  const badSig = genUserSig({
    sdkAppId: TEST_APP,
    key: "0".repeat(64),
    identifier: "administrator",
    expire: 86400,
  });
  const bad = (
    await t.raw(`/v4/live_engine_http_srv/get_room_list?${t.query({ userSig: badSig })}`, { body: "{}" })
  ).json();
  assert.equal(bad.ActionStatus, "FAIL");
  const [sigLine] = find("REST call refused", (l) => l.RequestId === bad.RequestId);
  assert.ok(sigLine);
  assert.equal(sigLine.SDKAppID, TEST_APP);
  assert.equal(sigLine.operator, undefined);
  assert.ok(!raw.includes(badSig), "the UserSig is not in the log");

  // An unknown path is logged as asked, with 60009.
  const none = (await t.raw(`/v4/no_such/thing?${t.query()}`, { body: "{}" })).json();
  const [noLine] = find("REST call refused", (l) => l.RequestId === none.RequestId);
  assert.equal(noLine?.ErrorCode, 60009);
  assert.equal(noLine.service, "no_such");
});

test("a WebSocket login, a refused login and a close each have a line", async () => {
  const c = testClient(t, "wsuser", { reconnect: false, platform: "Android" });
  await c.login();
  const [login] = find("client logged in", (l) => l.userId === "wsuser");
  assert.ok(login);
  assert.equal(login.SDKAppID, TEST_APP);
  assert.equal(login.platform, "Android");
  c.close();
  for (let i = 0; i < 100 && find("client connection closed", (l) => l.userId === "wsuser").length === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const [closed] = find("client connection closed", (l) => l.userId === "wsuser");
  assert.ok(closed, "a close line");
  assert.equal(closed.SDKAppID, TEST_APP);
  assert.equal(typeof closed.code, "number");

  const wrongSig = genUserSig({
    sdkAppId: TEST_APP,
    key: "1".repeat(64),
    identifier: "intruder",
    expire: 86400,
  });
  const ws = new WebSocket(t.url.replace("http", "ws") + "/v4/ws");
  await new Promise((r) => ws.once("open", r));
  const replied = new Promise((r) => ws.once("message", r));
  ws.send(JSON.stringify({ id: 1, op: "login", sdkAppId: TEST_APP, userId: "intruder", userSig: wrongSig }));
  await replied;
  ws.close();
  const [refused] = find("client login refused", (l) => l.userId === "intruder");
  assert.ok(refused);
  assert.notEqual(refused.code, 0);
  assert.ok(!raw.includes(wrongSig));
  // A correct UserSig is not logged either.
  const goodSig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: "wsuser",
    expire: 86400,
    time: Math.floor(t.clock.now() / 1000),
  });
  assert.ok(!raw.includes(goodSig));
});

test("each delivery attempt has a line: failed with status and next try, delivered; dead is a warning", async () => {
  answer = { status: 500 };
  await createAndChange("log-d1");
  await t.server.dispatcher.runOnce();
  const [failedLine] = find("delivery attempt failed; will retry", (l) => l.RoomId === "log-d1");
  assert.ok(failedLine, "a line for the failed attempt");
  assert.equal(failedLine.CallbackCommand, "Live.CallbackAfterChangeOwner");
  assert.equal(failedLine.status, 500);
  assert.equal(failedLine.failure, "http");
  assert.equal(failedLine.attempt, 1);
  assert.equal(typeof failedLine.eventId, "string");
  assert.ok(Date.parse(String(failedLine.nextAttemptAt)) > t.clock.now());
  assert.equal(failedLine.level, 30);

  answer = { status: 200 };
  t.clock.advance(60 * 60_000);
  await t.server.dispatcher.runOnce();
  const [delivered] = find("delivered", (l) => l.RoomId === "log-d1");
  assert.ok(delivered);
  assert.equal(delivered.attempt, 2);
  assert.equal(delivered.status, 200);

  // A receiver that keeps failing: after the last retry the delivery is dead, and that is a warning.
  answer = { status: 400 };
  await createAndChange("log-d2");
  for (let i = 0; i < 12; i++) {
    await t.server.dispatcher.runOnce();
    t.clock.advance(10 * 60 * 60_000);
  }
  const retries = find("delivery attempt failed; will retry", (l) => l.RoomId === "log-d2");
  assert.equal(retries.length, 11);
  const dead = find(
    "delivery is dead: no more attempts (redeliver it with roomhook_delivery/redeliver)",
    (l) => l.RoomId === "log-d2",
  );
  assert.equal(dead.length, 1);
  assert.equal(dead[0]?.level, 40);
  assert.equal(dead[0].status, 400);
  assert.equal(dead[0].attempt, 12);
  assert.match(String(dead[0].reason), /after 12 attempts/);
});

test("410 Gone disables the configuration with a warning; the Url's token is redacted", async () => {
  answer = { status: 410 };
  await createAndChange("log-g1");
  await t.server.dispatcher.runOnce();
  const [gone] = lines.filter((l) => l.level === 40 && l.msg.startsWith("callback configuration disabled"));
  assert.ok(gone, "a warning");
  assert.equal(gone.SDKAppID, TEST_APP);
  assert.match(String(gone.url), /token=\[redacted\]/);
  answer = { status: 200 };
});

test("secrets never appear: the Url's token, the callback token, the signing secret", () => {
  assert.ok(signingSecret.length > 10);
  assert.ok(!raw.includes("url-secret-99"), "the token in the callback Url");
  assert.ok(!raw.includes(TOKEN), "the callback token");
  assert.ok(!raw.includes(signingSecret), "the signing secret");
  assert.ok(!raw.includes(signingSecret.replace(/^whsec_/, "")), "the signing secret's key");
});

test("a normal stop says so", async () => {
  await t.close();
  const stopped = find("roomhook stopped normally");
  assert.equal(stopped.length, 1);
});

test("at a terminal the lines are for a person (pino-pretty); secrets are redacted there too", () => {
  let out = "";
  const tty = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString("utf8");
        done();
      },
    }),
    { isTTY: true },
  );
  const log = createLogger({ level: "info", destination: tty });
  log.info({ RoomId: "r1", usersig: "sig-should-not-show" }, "REST call");
  assert.match(out, /INFO/);
  assert.match(out, /REST call/);
  assert.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] /, "starts with the local time, not a JSON object");
  assert.match(out, /"RoomId":"r1"/);
  assert.ok(!out.includes("sig-should-not-show"));
});

test("redactUrl: every parameter named like a credential, in any case, encoded or after ';'", () => {
  const url =
    "https://u:pw@h.example/cb?api_key=K1&apiKey=K2&client_secret=S1&refresh_token=T1&X-Amz-Signature=A1" +
    "&pwd=P1&passwd=P2&credential=C1&jwt=J1;token=T2&tok%65n=T3&usersig=U1&Sign=G1&room=lobby&page=2";
  const out = redactUrl(url);
  for (const secret of ["pw@", "K1", "K2", "S1", "T1", "A1", "P1", "P2", "C1", "J1", "T2", "T3", "U1", "G1"])
    assert.ok(!out.includes(secret.endsWith("@") ? secret : `=${secret}`), `${secret} in ${out}`);
  assert.match(out, /room=lobby&page=2$/, "other parameters stay");
  assert.equal(redactUrl("410 Gone from http://h/x?token=abc"), "410 Gone from http://h/x?token=[redacted]");
});
