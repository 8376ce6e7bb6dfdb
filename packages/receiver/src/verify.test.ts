import { test } from "node:test";
import assert from "node:assert/strict";
import {
  callbackSchemas,
  callbackSign,
  generateSigningSecret,
  UnsafeInteger,
  webhookSignature,
} from "@roomhook/protocol";
import { unsupportedKeywords } from "./schema-check.ts";
import { createReceiver } from "./verify.ts";
import { ReceiverError } from "./receiver-error.ts";

const NOW = 1_767_225_600;
const body = JSON.stringify({
  CallbackCommand: "Live.CallbackAfterChangeOwner",
  RoomId: "demo-42",
  EventTime: 1_767_225_600_123,
  Operator_Account: "ops_admin",
  CurrentOwner_Account: "bob",
  OriginalOwner_Account: "alice",
});
const url = (extra = "") =>
  `/cb?SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner&contenttype=json&ClientIP=10.0.0.1&OptPlatform=RESTAPI${extra}`;
const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ReceiverError);
    return e.reason;
  }
  return "accepted";
};

test("a Tencent callback verifies and parses into a typed event", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  const cb = r.verify({ url: url(), body });
  assert.equal(cb.command, "Live.CallbackAfterChangeOwner");
  if (cb.command === "Live.CallbackAfterChangeOwner") {
    assert.equal(cb.packet.CurrentOwner_Account, "bob");
    assert.equal(cb.packet.OriginalOwner_Account, "alice");
  }
  assert.equal(cb.clientIp, "10.0.0.1");
  assert.equal(cb.optPlatform, "RESTAPI");
  assert.equal(cb.eventId, undefined);
});

test("SdkAppid: missing, foreign, and spelled SdkAppId", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  assert.equal(
    reason(() => r.verify({ url: "/cb?CallbackCommand=x", body })),
    "sdkappid-missing",
  );
  assert.equal(
    reason(() => r.verify({ url: url().replace("1400000000", "1400000001"), body })),
    "sdkappid-mismatch",
  );
  assert.equal(
    reason(() => r.verify({ url: url().replace("SdkAppid", "SdkAppId"), body })),
    "accepted",
  );
  assert.equal(
    reason(() =>
      r.verify({ query: { SdkAppid: "1400000000", CallbackCommand: "Live.CallbackAfterChangeOwner" }, body }),
    ),
    "accepted",
  );
});

test("Sign: required with a token, checked against Tencent's rule, stale after 60 s", () => {
  const r = createReceiver({ sdkAppId: 1400000000, token: "xxxxyyyy", now: () => NOW });
  const signed = (t: number, token = "xxxxyyyy") => url(`&Sign=${callbackSign(token, t)}&RequestTime=${t}`);
  assert.equal(
    reason(() => r.verify({ url: signed(NOW), body })),
    "accepted",
  );
  assert.equal(
    reason(() => r.verify({ url: signed(NOW - 60), body })),
    "accepted",
  );
  assert.equal(
    reason(() => r.verify({ url: signed(NOW - 61), body })),
    "sign-stale",
  );
  assert.equal(
    reason(() => r.verify({ url: signed(NOW, "other"), body })),
    "sign-mismatch",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), body })),
    "sign-missing",
  );
});

test("Standard Webhooks: any of several secrets, over the exact bytes", () => {
  const [a, b] = [generateSigningSecret(), generateSigningSecret()];
  const r = createReceiver({ sdkAppId: 1400000000, secrets: [a, b], now: () => NOW });
  const headers = (secret: string, bytes = body) => ({
    "webhook-id": "evt_1",
    "webhook-timestamp": String(NOW),
    "webhook-signature": webhookSignature({ secrets: [secret], id: "evt_1", timestamp: NOW, body: bytes }),
  });
  assert.equal(
    reason(() => r.verify({ url: url(), headers: headers(b), body })),
    "accepted",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), headers: headers(generateSigningSecret()), body })),
    "signature-mismatch",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), headers: headers(a), body: body.replace("bob", "eve") })),
    "signature-mismatch",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), body })),
    "signature-missing",
  );
  assert.equal(
    reason(() =>
      r.verify({ url: url(), headers: { ...headers(a), "webhook-timestamp": String(NOW - 301) }, body }),
    ),
    "timestamp-stale",
  );
});

test("bodies: not JSON, wrong shape, command mismatch, numbers as accounts, unknown fields and commands", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  assert.equal(
    reason(() => r.verify({ url: url(), body: "{oops" })),
    "body-not-json",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), body: "[]" })),
    "body-invalid",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), body: body.replace('"bob"', "true") })),
    "body-invalid",
  );
  assert.equal(
    reason(() => r.verify({ url: url(), body: body.replace(',"RoomId":"demo-42"', "") })),
    "body-invalid",
  );
  assert.equal(
    reason(() => r.verify({ url: url().replace("ChangeOwner", "ModifyAdmin"), body })),
    "command-mismatch",
  );
  // A Url copied from Tencent's sample carries its own CallbackCommand: two of them reach the receiver.
  assert.equal(
    reason(() => r.verify({ url: url("&CallbackCommand=Live.CallbackAfterCreateRoom"), body })),
    "query-invalid",
  );
  assert.equal(
    reason(() => r.verify({ url: `${url()}&sdkappid=1400000000`, body })),
    "query-invalid",
  );
  assert.equal(
    reason(() => r.verify({ query: { SdkAppid: ["1400000000", "1400000000"], CallbackCommand: "x" }, body })),
    "query-invalid",
  );
  const numeric = r.verify({
    url: url(),
    body: body.replace('"bob"', "144115212345").replace("}", ',"Future":{"x":1}}'),
  });
  assert.equal(numeric.command, "Live.CallbackAfterChangeOwner");
  if (numeric.command === "Live.CallbackAfterChangeOwner") {
    assert.equal(numeric.packet.CurrentOwner_Account, "144115212345");
    assert.deepEqual((numeric.packet as unknown as { Future: unknown }).Future, { x: 1 });
  }
  const unknown = r.verify({
    url: url().replace("Live.CallbackAfterChangeOwner", "Live.CallbackAfterSomethingNew"),
    body: JSON.stringify({ CallbackCommand: "Live.CallbackAfterSomethingNew", RoomId: "r", X: 1 }),
  });
  assert.equal(unknown.command, "unknown");
  if (unknown.command === "unknown") assert.equal(unknown.name, "Live.CallbackAfterSomethingNew");
});

test("a number JSON.parse would round is never passed on rounded: an account keeps its digits, anything else is refused or kept whole", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  const owner = r.verify({ url: url(), body: body.replace('"bob"', "144115233775727695") });
  assert.ok(owner.command === "Live.CallbackAfterChangeOwner");
  assert.equal(owner.packet.CurrentOwner_Account, "144115233775727695");
  const admins = r.verify({
    url: url().replace("AfterChangeOwner", "AfterModifyAdmin"),
    body: JSON.stringify({
      CallbackCommand: "Live.CallbackAfterModifyAdmin",
      RoomId: "r",
      Admin_Account: ["a", 7],
      opType: "add",
      Operator_Account: "o",
      EventTime: 1,
    }).replace("7]", "144115233775727695, -90071992547409930]"),
  });
  assert.ok(admins.command === "Live.CallbackAfterModifyAdmin");
  assert.deepEqual(admins.packet.Admin_Account, ["a", "144115233775727695", "-90071992547409930"]);
  // A known numeric field: out of range is refused, as a strict reader would.
  assert.equal(
    reason(() => r.verify({ url: url(), body: body.replace("1767225600123", "17672256001230000000") })),
    "body-invalid",
  );
  // A field roomhook does not know, deep in an array: kept whole, its digits exact.
  const future = r.verify({
    url: url(),
    body: body.replace("}", ',"Future":[[{"n":[1, 144115233775727695]}]]}'),
  });
  const kept = (future.packet as unknown as { Future: [[{ n: [number, UnsafeInteger] }]] }).Future[0][0].n[1];
  assert.ok(kept instanceof UnsafeInteger);
  assert.equal(kept.digits, "144115233775727695");
  // Under an account's name but not an account (an object, an array of arrays): kept whole too.
  for (const extra of ['"Foo_Account":{"id":144115233775727695}', '"Foo_Account":[[144115233775727695]]']) {
    const cb = r.verify({ url: url(), body: body.replace("}", `,${extra}}`) });
    assert.ok(JSON.stringify(cb.packet).includes('"144115233775727695"'), extra);
  }
  // EventTime as a string of digits becomes a number only when exact; otherwise it is refused.
  assert.equal(
    reason(() => r.verify({ url: url(), body: body.replace("1767225600123", '"9007199254740993"') })),
    "body-invalid",
  );
});

test("whatever the bytes, only ReceiverError leaves verify: deep nesting, odd values", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  // An extra field nested 5,000 arrays deep (10 KB): kept, and the known fields still read.
  const deep = body.replace("}", `,"Extra":${"[".repeat(5000)}${"]".repeat(5000)}}`);
  const parsed = r.verify({ url: url(), body: Buffer.from(deep) });
  assert.equal(parsed.command, "Live.CallbackAfterChangeOwner");
  for (const odd of [
    "[".repeat(200_000),
    `{"CallbackCommand":"Live.CallbackAfterChangeOwner","__proto__":{"x":1}}`,
    `{"CallbackCommand":{"toString":1}}`,
    "\u0000",
    "",
  ]) {
    try {
      r.verify({ url: url(), body: odd });
    } catch (e) {
      assert.ok(e instanceof ReceiverError, `${odd.slice(0, 40)}: ${String(e)}`);
    }
  }
});

test("the schema's minimum holds: a negative EventTime is refused", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  assert.equal(
    reason(() => r.verify({ url: url(), body: body.replace("1767225600123", "-5") })),
    "body-invalid",
  );
});

test("every keyword the callback schemas use is one the checker applies", () => {
  for (const [command, schema] of Object.entries(callbackSchemas))
    assert.deepEqual(unsupportedKeywords(schema), [], command);
  // The walk sees what TypeBox emits: unions (anyOf), nested objects, arrays, bounds.
  const text = JSON.stringify(Object.values(callbackSchemas));
  for (const k of ["anyOf", "const", "required", "items", "minimum", "properties"])
    assert.ok(text.includes(`"${k}"`), k);
  assert.deepEqual(
    unsupportedKeywords({ type: "object", properties: { a: { anyOf: [{ pattern: "x" }] } } }),
    ["$.a|0: pattern"],
  );
});

test("Standard Webhooks: checked over the bytes received, not their decoding", () => {
  const secret = generateSigningSecret();
  const r = createReceiver({ sdkAppId: 1400000000, secrets: [secret], now: () => NOW });
  const head = (b: Buffer | string) => ({
    "webhook-id": "evt_1",
    "webhook-timestamp": String(NOW),
    "webhook-signature": webhookSignature({ secrets: [secret], id: "evt_1", timestamp: NOW, body: b }),
  });
  // A body with a byte that is not UTF-8 (0xFF inside a string of an unknown field), signed over its bytes.
  const bytes = Buffer.concat([
    Buffer.from(body.replace("}", ',"X":"')),
    Buffer.from([0xff]),
    Buffer.from('"}'),
  ]);
  assert.equal(
    r.verify({ url: url(), headers: head(bytes), body: bytes }).command,
    "Live.CallbackAfterChangeOwner",
  );
  // A signature over the decoded text does not pass for another body that decodes the same way.
  const other = Buffer.from(bytes);
  other[other.indexOf(0xff)] = 0xfe;
  assert.equal(
    reason(() => r.verify({ url: url(), headers: head(bytes.toString("utf8")), body: other })),
    "signature-mismatch",
  );
});

test("the query is read as URLSearchParams reads it, whether or not anything in it is encoded", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  const base = "SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner";
  // Each tail is read by verify's own splitter when plain, by URLSearchParams when encoded; both must
  // give what URLSearchParams gives (case-insensitive names, the first `=` splits, empty pairs skipped).
  for (const tail of [
    "&ClientIP=10.0.0.1&OptPlatform=RESTAPI",
    "&&ClientIP=1=2=3&&OptPlatform=",
    "&ClientIP&OptPlatform=a",
    "&=x&clientip=10.0.0.2&OPTPLATFORM=Web",
    "&ClientIP=10.0.0.1%3A80&OptPlatform=Rest+API",
    "&ClientIP=%zz&OptPlatform=%E4%B8%AD",
    "&ClientIP=a&",
    // Names that only look like Tencent's: longer, shorter, one letter off; only the exact name counts.
    "&ClientIPs=9&ClientI=8&CIientIP=7&ClientIP=10.0.0.3&OptPlatformX=z&OptPlatforn=y&optPLATFORM=Web",
  ]) {
    const q = `${base}${tail}`;
    const want = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(q)) if (!want.has(k.toLowerCase())) want.set(k.toLowerCase(), v);
    for (const given of [{ url: `/cb?${q}` }, { url: q }, { query: new URLSearchParams(q) }]) {
      const cb = r.verify({ ...given, body });
      assert.equal(cb.clientIp, want.get("clientip"), `${tail}: ClientIP`);
      assert.equal(cb.optPlatform, want.get("optplatform"), `${tail}: OptPlatform`);
    }
  }
  // Case is ASCII case: the Kelvin sign (U+212A, which toLowerCase folds to "k") makes another name,
  // however the query arrives.
  const kelvin = "Sd\u212AAppid";
  for (const given of [
    { url: `/cb?SdkAppid=1400000000&${kelvin}=2&CallbackCommand=Live.CallbackAfterChangeOwner` },
    {
      query: new URLSearchParams({
        SdkAppid: "1400000000",
        [kelvin]: "2",
        CallbackCommand: "Live.CallbackAfterChangeOwner",
      }),
    },
    { query: { SdkAppid: "1400000000", [kelvin]: "2", CallbackCommand: "Live.CallbackAfterChangeOwner" } },
  ])
    assert.equal(
      reason(() => r.verify({ ...given, body })),
      "accepted",
      JSON.stringify(given),
    );
  assert.equal(
    reason(() => r.verify({ url: `/cb?${kelvin}=1400000000&CallbackCommand=x`, body })),
    "sdkappid-missing",
  );
  // A name given twice, in any case, is refused whether or not the query is encoded.
  for (const tail of ["&ClientIP=1&clientip=2", "&ClientIP=1&CLIENTIP=%32"])
    assert.equal(
      reason(() => r.verify({ url: url(tail), body })),
      "query-invalid",
    );
});

test("Sign: either case of hex matches; anything but 64 hex digits does not", () => {
  const r = createReceiver({ sdkAppId: 1400000000, token: "tok", now: () => NOW });
  const sign = callbackSign("tok", NOW);
  const at = (s: string) => url(`&Sign=${s}&RequestTime=${NOW}`);
  assert.equal(
    reason(() => r.verify({ url: at(sign), body })),
    "accepted",
  );
  assert.equal(
    reason(() => r.verify({ url: at(sign.toUpperCase()), body })),
    "accepted",
  );
  // Buffer.from(hex) stops at the first other character: a valid prefix must not pass.
  for (const bad of [`${sign}00`, `${sign}zz`, sign.slice(0, 62), `${sign.slice(0, 63)}g`, ""])
    assert.equal(
      reason(() => r.verify({ url: at(bad), body })),
      "sign-mismatch",
      bad,
    );
});

test("roomhook's sequence headers: 1 to 15 ASCII digits (also a number from a JavaScript caller), else none", () => {
  const r = createReceiver({ sdkAppId: 1400000000, now: () => NOW });
  const seq = (v: unknown) =>
    r.verify({ url: url(), body, headers: { "roomhook-sequence": v } as Record<string, string> }).sequence;
  assert.equal(seq("7"), 7);
  assert.equal(seq("007"), 7);
  assert.equal(seq("999999999999999"), 999_999_999_999_999);
  assert.equal(seq(["12", "13"]), 12);
  assert.equal(seq(5), 5);
  for (const bad of [
    "",
    "1000000000000000",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "\u0661",
    "\uff11",
    "0x1",
    5.5,
    1e21,
    -3,
  ])
    assert.equal(seq(bad), undefined, JSON.stringify(bad));
});
