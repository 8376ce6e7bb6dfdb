import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { genUserSig } from "@roomhook/protocol";
import {
  failed,
  ok,
  startTestServer,
  TEST_ADMIN,
  TEST_APP,
  TEST_KEY,
  type TestServer,
} from "./support/harness.ts";

const require = createRequire(import.meta.url);
const TLSSigAPIv2 = require("tls-sig-api-v2") as {
  Api: new (sdkappid: number, key: string) => { genUserSig(userid: string, expire: number): string };
};

let t: TestServer;
before(async () => {
  t = await startTestServer({ env: { ROOMHOOK_ADMIN: "administrator,ops_admin" } });
});
after(() => t.close());

const PATH = "/v4/live_engine_http_srv/get_room_list";
const post = (query: string) => t.raw(`${PATH}?${query}`, { body: "{}" }).then((r) => r.json());

test("an admin UserSig made by Tencent's tls-sig-api-v2 is accepted (against the real clock)", async () => {
  // The package signs with the real time; this server's clock is pinned to it for the call.
  t.clock.ms = Date.now();
  const sig = new TLSSigAPIv2.Api(TEST_APP, TEST_KEY).genUserSig(TEST_ADMIN, 86400);
  const env = ok(
    await post(`sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${sig}&random=42&contenttype=json`),
  );
  assert.match(env.RequestId, /^Id-[0-9a-f]{32}-O-Seq-\d+$/);
  assert.deepEqual(env.Response, { Next: "", RoomList: [] });
  // The second admin of the app too.
  const sig2 = new TLSSigAPIv2.Api(TEST_APP, TEST_KEY).genUserSig("ops_admin", 86400);
  ok(await post(`sdkappid=${TEST_APP}&identifier=ops_admin&usersig=${sig2}&random=1&contenttype=json`));
});

test("missing, unknown and malformed sdkappid", async () => {
  failed(await post(`identifier=${TEST_ADMIN}&usersig=x`), 60012);
  failed(await post(`sdkappid=&identifier=${TEST_ADMIN}&usersig=x`), 60012);
  failed(await post(t.query({ sdkAppId: 1400000001 })), 60006);
  failed(await post(`sdkappid=abc&identifier=${TEST_ADMIN}&usersig=x`), 60006);
});

test("missing identifier and missing usersig", async () => {
  failed(await post(`sdkappid=${TEST_APP}&usersig=abc`), 60004);
  failed(await post(`sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}`), 70002);
  failed(await post(`sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=`), 70002);
});

test("each kind of bad UserSig gets its own code", async () => {
  const nowSec = Math.floor(t.clock.now() / 1000);
  const sig = (o: { identifier?: string; sdkAppId?: number; key?: string; time?: number; expire?: number }) =>
    genUserSig({
      sdkAppId: o.sdkAppId ?? TEST_APP,
      key: o.key ?? TEST_KEY,
      identifier: o.identifier ?? TEST_ADMIN,
      expire: o.expire ?? 3600,
      time: o.time ?? nowSec,
    });
  const q = (userSig: string) => t.query({ userSig });
  failed(await post(q(sig({ time: nowSec - 7200 }))), 70001);
  failed(await post(q(sig({}).slice(0, 40))), 70003);
  failed(
    await post(
      q(deflateSync("garbage").toString("base64").replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_")),
    ),
    70003,
  );
  failed(await post(q("%00%01")), 70003);
  failed(await post(q(sig({ key: "some-other-apps-key" }))), 70009);
  failed(await post(q(sig({ identifier: "ops_admin" }))), 70013);
  failed(await post(q(sig({ sdkAppId: 1400000009 }))), 70014);
});

test("a verified UserSig is cached only until it expires", async () => {
  const nowSec = Math.floor(t.clock.now() / 1000);
  const userSig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: TEST_ADMIN,
    expire: 60,
    time: nowSec,
  });
  ok(await post(t.query({ userSig })));
  ok(await post(t.query({ userSig })));
  t.clock.advance(61_000);
  failed(await post(t.query({ userSig })), 70001);
});

test("a user who is not an App administrator gets 60010, with a valid UserSig", async () => {
  failed(await post(t.query({ identifier: "alice" })), 60010);
});

test("random must be an unsigned 32-bit integer and contenttype json, when given", async () => {
  const base = t
    .query()
    .replace(/&random=\d+/, "")
    .replace("&contenttype=json", "");
  ok(await post(base));
  ok(await post(`${base}&random=4294967295&contenttype=json`));
  failed(await post(`${base}&random=4294967296`), 60002);
  failed(await post(`${base}&random=-1`), 60002);
  failed(await post(`${base}&contenttype=xml`), 60002);
});

test("a query parameter given twice is refused with 60002, named", async () => {
  for (const name of ["sdkappid", "identifier", "usersig", "random", "contenttype"]) {
    const q = t.query();
    const value = new URLSearchParams(q).get(name) ?? "1";
    const env = failed(await post(`${q}&${name}=${encodeURIComponent(value)}`), 60002);
    assert.equal(env.ErrorInfo, `${name} is given more than once`);
  }
});

test("UserSigs never appear in answers", async () => {
  const userSig = genUserSig({
    sdkAppId: TEST_APP,
    key: "wrong-key-0123456789",
    identifier: TEST_ADMIN,
    expire: 60,
  });
  const r = await t.raw(`${PATH}?${t.query({ userSig })}`, { body: "{}" });
  assert.equal(r.text.includes(userSig), false);
});
