import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { checkWebhookSignature, generateSigningSecret, webhookSignature } from "./webhook-signature.ts";

const require = createRequire(import.meta.url);
const { Webhook } = require("standardwebhooks") as {
  Webhook: new (secret: string) => { verify(body: string, headers: Record<string, string>): unknown };
};

test("our signatures verify with the standardwebhooks package, for each secret during a rotation", () => {
  const oldSecret = generateSigningSecret();
  const newSecret = generateSigningSecret();
  assert.match(newSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  const body = JSON.stringify({
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "r",
    EventTime: 1,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "webhook-id": "evt_1",
    "webhook-timestamp": String(timestamp),
    "webhook-signature": webhookSignature({ secrets: [oldSecret, newSecret], id: "evt_1", timestamp, body }),
  };
  assert.deepEqual(new Webhook(oldSecret).verify(body, headers), JSON.parse(body));
  assert.deepEqual(new Webhook(newSecret).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(generateSigningSecret()).verify(body, headers), /No matching signature/);
  assert.throws(() => new Webhook(newSecret).verify(body + " ", headers), /No matching signature/);
});

test("checkWebhookSignature accepts the package's own signature and refuses stale or tampered ones", () => {
  const secret = generateSigningSecret();
  const body = '{"a":1}';
  const sig = webhookSignature({ secrets: [secret], id: "m1", timestamp: 1000, body });
  const base = { secrets: [secret], id: "m1", timestamp: "1000", signature: sig, body };
  assert.deepEqual(checkWebhookSignature({ ...base, nowSeconds: 1000 }), { ok: true });
  assert.deepEqual(checkWebhookSignature({ ...base, nowSeconds: 1301 }), {
    ok: false,
    reason: "timestamp-stale",
  });
  assert.deepEqual(checkWebhookSignature({ ...base, id: "m2", nowSeconds: 1000 }), {
    ok: false,
    reason: "signature-mismatch",
  });
  assert.deepEqual(checkWebhookSignature({ ...base, signature: undefined, nowSeconds: 1000 }), {
    ok: false,
    reason: "signature-missing",
  });
  assert.deepEqual(checkWebhookSignature({ ...base, timestamp: "x", nowSeconds: 1000 }), {
    ok: false,
    reason: "timestamp-invalid",
  });
});

test("checkWebhookSignature: one character changed anywhere in the base64, or the case of a letter, fails", () => {
  const secret = generateSigningSecret();
  const body = '{"a":1}';
  const sig = webhookSignature({ secrets: [secret], id: "m1", timestamp: 1000, body });
  const check = (signature: string) =>
    checkWebhookSignature({
      secrets: [secret],
      id: "m1",
      timestamp: "1000",
      signature,
      body,
      nowSeconds: 1000,
    }).ok;
  assert.equal(check(sig), true);
  assert.equal(check(`v1,AAAA v1,x ${sig}`), true);
  const b64 = sig.slice(3);
  for (let i = 0; i < b64.length; i++) {
    const c = b64.charCodeAt(i);
    for (const other of [c ^ 0x20, c ^ 1, c + 0x100, c + 0xff00]) {
      assert.equal(check(`v1,${b64.slice(0, i)}${String.fromCharCode(other)}${b64.slice(i + 1)}`), false);
    }
  }
  assert.equal(check(`v2,${b64}`), false);
  assert.equal(check(`v1,${b64.slice(1)}`), false);
  assert.equal(check(`v1,${b64}=`), false);
});
