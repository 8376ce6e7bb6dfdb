import { createHmac, hash, timingSafeEqual } from "node:crypto";
import { callbackSign, generateSigningSecret, webhookSignature } from "@roomhook/protocol";
import { createReceiver } from "@roomhook/receiver";

/**
 * DESIGN target 4: full verification (SdkAppid, Sign, Standard Webhooks signature) and parsing (JSON,
 * schema) on one core, against the floor measured in the same run: the same `JSON.parse`, sha256 (the
 * Sign) and HMAC-SHA256 (the Standard Webhooks signature, with its constant-time compare) alone, with
 * nothing else (no URL, no headers, no schema, no error handling). Target: at least 70% of the floor.
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

  // The floor: the three computations a full check cannot skip, on the same inputs, each done the
  // fastest way Node.js has: the body as received (bytes) decoded and parsed, the Sign's sha256 in one
  // call (crypto.hash), the HMAC (no one-shot exists) with its constant-time compare.
  const signWant = Buffer.from(callbackSign("xxxxyyyy", now));
  const macKey = Buffer.from(secret.slice("whsec_".length), "base64");
  const macWant = Buffer.from(headers["webhook-signature"].slice(3));
  const floor = () => {
    const doc = JSON.parse(bytes.toString()) as unknown;
    const sign = Buffer.from(hash("sha256", `xxxxyyyy${now}`, "hex"));
    const mac = Buffer.from(
      createHmac("sha256", macKey).update(`evt_1.${now}.`).update(bytes).digest("base64"),
    );
    if (!timingSafeEqual(sign, signWant) || !timingSafeEqual(mac, macWant))
      throw new Error("floor: mismatch");
    return doc;
  };
  floor();
  const check = full.verify({ url, headers, body: bytes }) as { ok?: boolean };
  if (check.ok === false) throw new Error(`receiver refused the bench's callback: ${JSON.stringify(check)}`);
  // Interleaved: each contender runs a chunk in turn until the time is up, and only its own chunks
  // are timed, in CPU time of this process (a neighbour's load on this shared machine takes wall
  // time, not CPU time, and falls on all of them alike).
  const contenders = {
    jsonParse: () => JSON.parse(bytes.toString()) as unknown,
    floor,
    plain: () => plain.verify({ url, headers, body: bytes }),
    full: () => full.verify({ url, headers, body: bytes }),
  };
  const spent = { jsonParse: 0, floor: 0, plain: 0, full: 0 };
  const done = { jsonParse: 0, floor: 0, plain: 0, full: 0 };
  const names = Object.keys(contenders) as (keyof typeof contenders)[];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end)
    for (const name of names) {
      const fn = contenders[name];
      const t0 = process.cpuUsage();
      for (let i = 0; i < 2000; i++) fn();
      const t = process.cpuUsage(t0);
      spent[name] += (t.user + t.system) / 1000;
      done[name] += 2000;
    }
  const perSec = (name: keyof typeof contenders) => (done[name] / spent[name]) * 1000;
  return {
    jsonParse: perSec("jsonParse"),
    floor: perSec("floor"),
    plain: perSec("plain"),
    full: perSec("full"),
  };
}
