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
