import { callbackSign, generateSigningSecret, webhookSignature } from "@roomhook/protocol";
import { createReceiver } from "@roomhook/receiver";

/**
 * DESIGN target 4: full verification (SdkAppid, Sign, Standard Webhooks signature) and parsing (JSON,
 * schema) on one core. Baseline in the same run: JSON.parse of the same body alone.
 */
export function benchReceiver(seconds: number) {
  const now = Math.floor(Date.now() / 1000);
  const secret = generateSigningSecret();
  const body = JSON.stringify({
    CallbackCommand: "Live.CallbackAfterChangeOwner",
    RoomId: "demo-42",
    EventTime: Date.now(),
    Operator_Account: "ops_admin",
    CurrentOwner_Account: "bob",
    OriginalOwner_Account: "alice",
  });
  const url = `/callback?SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign=${callbackSign("xxxxyyyy", now)}&RequestTime=${now}`;
  const headers = {
    "roomhook-event-id": "evt_1",
    "roomhook-sequence": "2",
    "roomhook-previous-sequence": "1",
    "webhook-id": "evt_1",
    "webhook-timestamp": String(now),
    "webhook-signature": webhookSignature({ secrets: [secret], id: "evt_1", timestamp: now, body }),
  };
  const bytes = Buffer.from(body);
  const full = createReceiver({ sdkAppId: 1400000000, token: "xxxxyyyy", secrets: [secret] });
  const plain = createReceiver({ sdkAppId: 1400000000 });

  const rate = (fn: () => unknown) => {
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) {
      for (let i = 0; i < 1000; i++) fn();
      n += 1000;
    }
    return n / seconds;
  };
  return {
    jsonParse: rate(() => JSON.parse(body)),
    plain: rate(() => plain.verify({ url, headers, body: bytes })),
    full: rate(() => full.verify({ url, headers, body: bytes })),
  };
}
