import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync, inflateSync } from "node:zlib";
import { createRequire } from "node:module";
import { genUserSig, verifyUserSig } from "./usersig.ts";

const require = createRequire(import.meta.url);
// Tencent's own generator, the reference implementation.
const TLSSigAPIv2 = require("tls-sig-api-v2") as {
  Api: new (sdkappid: number, key: string) => { genUserSig(userid: string, expire: number): string };
};

// The sample key of Tencent's README and tests, and the protocol reference's self-computed vector.
const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;
const VECTOR =
  "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMikVhRkFqUqWVmYmcCESjJzgQKG5qgKizPTgcYG*7mZuOWGOQeUJudHFDv5FySFuRmnuTmnmZp7BeQapFZFGWalhnn65IQl2yrVAgAojzFw";

const escape = (b64: string) => b64.replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_");
const nowSec = () => Math.floor(Date.now() / 1000);

test("a UserSig made by Tencent's tls-sig-api-v2 package verifies", () => {
  const api = new TLSSigAPIv2.Api(APP, KEY);
  for (const identifier of ["administrator", "xiaojun", "user_1-x"]) {
    const sig = api.genUserSig(identifier, 86400);
    const r = verifyUserSig({ sdkAppId: APP, key: KEY, identifier, userSig: sig });
    assert.equal(r.ok, true, JSON.stringify(r));
    if (r.ok) {
      assert.equal(r.identifier, identifier);
      assert.equal(r.expire, 86400);
    }
  }
});

test("the protocol reference's vector (Go/Python key order) verifies at its time", () => {
  const r = verifyUserSig({
    sdkAppId: APP,
    key: KEY,
    identifier: "xiaojun",
    userSig: VECTOR,
    now: 1700000001,
  });
  assert.deepEqual(r, {
    ok: true,
    identifier: "xiaojun",
    sdkAppId: APP,
    time: 1700000000,
    expire: 86400,
    expiresAt: 1700086400,
  });
});

test("our UserSig carries the documented TLS.sig for the reference inputs", () => {
  const ours = genUserSig({
    sdkAppId: APP,
    key: KEY,
    identifier: "xiaojun",
    expire: 86400,
    time: 1700000000,
  });
  const doc = JSON.parse(
    inflateSync(
      Buffer.from(ours.replace(/_/g, "=").replace(/-/g, "/").replace(/\*/g, "+"), "base64"),
    ).toString(),
  ) as Record<string, unknown>;
  assert.equal(doc["TLS.sig"], "SNF4FmVCPucoXsBOpbVF3fFCf57JPm0ezZ1jeVILlVc=");
  assert.equal(doc["TLS.ver"], "2.0");
  assert.equal(doc["TLS.sdkappid"], APP);
});

test("a UserSig with a userbuf (PrivateMapKey style) signs the userbuf line too", () => {
  const sig = genUserSig({
    sdkAppId: APP,
    key: KEY,
    identifier: "u1",
    expire: 60,
    time: 1700000000,
    userBuf: Buffer.from([1, 2, 3]),
  });
  assert.equal(
    verifyUserSig({ sdkAppId: APP, key: KEY, identifier: "u1", userSig: sig, now: 1700000000 }).ok,
    true,
  );
});

test("each kind of bad UserSig gets its own documented code", () => {
  const api = new TLSSigAPIv2.Api(APP, KEY);
  const good = api.genUserSig("alice", 3600);
  const base = { sdkAppId: APP, key: KEY, identifier: "alice" };
  const code = (r: ReturnType<typeof verifyUserSig>) => (r.ok ? 0 : r.code);

  assert.equal(code(verifyUserSig({ ...base, userSig: good })), 0);
  // expired: Tencent's own sig, checked an hour and a second after it was made
  assert.equal(code(verifyUserSig({ ...base, userSig: good, now: nowSec() + 3602 })), 70001);
  assert.equal(code(verifyUserSig({ ...base, userSig: "" })), 70002);
  // truncated
  assert.equal(code(verifyUserSig({ ...base, userSig: good.slice(0, good.length - 20) })), 70003);
  // garbage: outside the alphabet, inside the alphabet but not zlib, zlib but not JSON, JSON but not a doc
  assert.equal(code(verifyUserSig({ ...base, userSig: "not a usersig!" })), 70003);
  assert.equal(code(verifyUserSig({ ...base, userSig: "AAAAAAAAAAAA" })), 70003);
  assert.equal(
    code(verifyUserSig({ ...base, userSig: escape(deflateSync("hello").toString("base64")) })),
    70003,
  );
  assert.equal(
    code(verifyUserSig({ ...base, userSig: escape(deflateSync("[1,2]").toString("base64")) })),
    70003,
  );
  assert.equal(
    code(verifyUserSig({ ...base, userSig: escape(deflateSync('{"TLS.ver":"2.0"}').toString("base64")) })),
    70003,
  );
  // zip bomb: a megabyte of zeros compresses to a valid-looking short token
  assert.equal(
    code(verifyUserSig({ ...base, userSig: escape(deflateSync(Buffer.alloc(1 << 20)).toString("base64")) })),
    70003,
  );
  // wrong key, identifier, sdkappid
  const otherKey = new TLSSigAPIv2.Api(APP, "another-secret-key").genUserSig("alice", 3600);
  assert.equal(code(verifyUserSig({ ...base, userSig: otherKey })), 70009);
  assert.equal(code(verifyUserSig({ ...base, identifier: "bob", userSig: good })), 70013);
  const otherApp = new TLSSigAPIv2.Api(1400000001, KEY).genUserSig("alice", 3600);
  assert.equal(code(verifyUserSig({ ...base, userSig: otherApp })), 70014);
});

test("a forged expiry cannot extend a UserSig", () => {
  const sig = genUserSig({ sdkAppId: APP, key: KEY, identifier: "a", expire: 10, time: 1700000000 });
  const forged = genUserSig({
    sdkAppId: APP,
    key: "guess",
    identifier: "a",
    expire: 999999999,
    time: 1700000000,
  });
  assert.equal(
    verifyUserSig({ sdkAppId: APP, key: KEY, identifier: "a", userSig: sig, now: 1700000011 }).ok,
    false,
  );
  const r = verifyUserSig({ sdkAppId: APP, key: KEY, identifier: "a", userSig: forged, now: 1700000011 });
  assert.equal(r.ok ? 0 : r.code, 70009);
});
