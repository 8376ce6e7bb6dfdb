import { test } from "node:test";
import assert from "node:assert/strict";
import { callbackSign, checkCallbackSign } from "./sign.ts";

test("Tencent's documented Sign example gives the documented digest", () => {
  assert.equal(
    callbackSign("xxxxyyyy", "1669872112"),
    "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061",
  );
  assert.equal(callbackSign("xxxxyyyy", 1669872112), callbackSign("xxxxyyyy", "1669872112"));
});

test("checkCallbackSign accepts the example within 60 s and refuses stale, wrong and missing signs", () => {
  const sign = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061";
  const base = { token: "xxxxyyyy", sign, requestTime: "1669872112" };
  assert.deepEqual(checkCallbackSign({ ...base, nowSeconds: 1669872112 + 60 }), { ok: true });
  assert.deepEqual(checkCallbackSign({ ...base, sign: sign.toUpperCase(), nowSeconds: 1669872112 }), {
    ok: true,
  });
  assert.deepEqual(checkCallbackSign({ ...base, nowSeconds: 1669872112 + 61 }), {
    ok: false,
    reason: "sign-stale",
  });
  assert.deepEqual(checkCallbackSign({ ...base, nowSeconds: 1669872112 - 61 }), {
    ok: false,
    reason: "sign-stale",
  });
  assert.deepEqual(checkCallbackSign({ ...base, token: "xxxxyyyz", nowSeconds: 1669872112 }), {
    ok: false,
    reason: "sign-mismatch",
  });
  assert.deepEqual(checkCallbackSign({ ...base, sign: undefined, nowSeconds: 1669872112 }), {
    ok: false,
    reason: "sign-missing",
  });
  assert.deepEqual(checkCallbackSign({ ...base, requestTime: "12a", nowSeconds: 1669872112 }), {
    ok: false,
    reason: "sign-missing",
  });
});

test("checkCallbackSign: only the same 64 hex digits pass (either case), whichever token and time came before", () => {
  const t = 1669872112;
  const sign = callbackSign("xxxxyyyy", t);
  const check = (token: string, s: string, time = t) =>
    checkCallbackSign({ token, sign: s, requestTime: String(time), nowSeconds: t }).ok;
  // The expected Sign of the last (token, RequestTime) is kept: alternating tokens and times must
  // never answer with another pair's.
  for (let round = 0; round < 3; round++) {
    assert.equal(check("xxxxyyyy", sign), true);
    assert.equal(check("other", sign), false);
    assert.equal(check("other", callbackSign("other", t)), true);
    assert.equal(check("xxxxyyyy", sign, t + 1), false);
    assert.equal(check("xxxxyyyy", callbackSign("xxxxyyyy", t + 1), t + 1), true);
  }
  // Case-blind for hex letters only: characters that differ from a digit or letter by bit 0x20
  // (control characters under digits, `@`-`O` beside a-o, `G` for `g`...) are different characters.
  const mixed = sign.replace(/./g, (c: string, i: number) => (i % 2 === 0 ? c.toUpperCase() : c));
  assert.equal(check("xxxxyyyy", mixed), true);
  for (let i = 0; i < sign.length; i++) {
    const c = sign.charCodeAt(i);
    for (const other of [c ^ 0x20, c ^ 0x40, c ^ 0x60, c + 0xff00, c + 0x100, 0x212a]) {
      if (String.fromCharCode(other).toLowerCase() === sign[i]) continue; // A-F for a-f
      const forged = sign.slice(0, i) + String.fromCharCode(other) + sign.slice(i + 1);
      assert.equal(check("xxxxyyyy", forged), false, `position ${i}: ${other.toString(16)}`);
    }
  }
  assert.equal(check("xxxxyyyy", sign.slice(1)), false);
  assert.equal(check("xxxxyyyy", `${sign}0`), false);
  assert.equal(check("xxxxyyyy", ""), false);
});
