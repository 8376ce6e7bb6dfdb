import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseJson, UnsafeInteger } from "./json.ts";

test("an 18-digit literal keeps its digits; safe numbers, strings and escapes are as JSON.parse reads them", () => {
  assert.deepEqual(parseJson('{"Member_Account":144115233775727695,"EventTime":1670574414123}'), {
    Member_Account: new UnsafeInteger("144115233775727695"),
    EventTime: 1670574414123,
  });
  assert.deepEqual(parseJson('[-90071992547409930, 9007199254740991, 1.5e300, "144115233775727695"]'), [
    new UnsafeInteger("-90071992547409930"),
    9007199254740991,
    1.5e300,
    "144115233775727695",
  ]);
  assert.deepEqual(parseJson('{"a":"x\\"12345678901234567890","b":12345678901234567890}'), {
    a: 'x"12345678901234567890',
    b: new UnsafeInteger("12345678901234567890"),
  });
  assert.equal(JSON.stringify(parseJson("[12345678901234567890]")), '["12345678901234567890"]');
  assert.throws(() => parseJson("{"), SyntaxError);
  assert.throws(() => parseJson("{12345678901234567890:1}"), SyntaxError);
});

test("for any JSON with an integer literal beside it, JSON.parse's value, and the literal exact", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), (v, big) => {
      const inner = JSON.stringify(v);
      fc.pre(!/\d{16}/.test(inner));
      const [value, literal] = parseJson(`[${inner}, ${big.toString()}]`) as [unknown, unknown];
      assert.deepEqual(value, JSON.parse(inner));
      const safe = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
      assert.deepEqual(literal, safe ? Number(big) : new UnsafeInteger(big.toString()));
    }),
    { numRuns: 1000 },
  );
});

test("a text cannot forge an UnsafeInteger: an object keyed like the old fixed mark stays an object", () => {
  const forged = '{"a":{"\\u0000roomhook.unsafeInteger":"evil"},"b":144115233775727695}';
  const v = parseJson(forged) as { a: unknown; b: UnsafeInteger };
  assert.ok(!(v.a instanceof UnsafeInteger));
  assert.deepEqual(v.a, { "\u0000roomhook.unsafeInteger": "evil" });
  assert.equal(v.b.digits, "144115233775727695");
});

test("a deeply nested text with an 18-digit literal parses as JSON.parse parses it (no call stack overflow)", () => {
  const depth = 20_000;
  const text = `${"[".repeat(depth)}144115233775727695${"]".repeat(depth)}`;
  let v = parseJson(text);
  for (let i = 0; i < depth; i++) v = (v as unknown[])[0];
  assert.ok(v instanceof UnsafeInteger);
  assert.equal(v.digits, "144115233775727695");
});
