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
