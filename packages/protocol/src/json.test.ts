import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseJson } from "./json.ts";

test("an 18-digit id keeps its digits; safe numbers, strings and escapes are as JSON.parse reads them", () => {
  assert.deepEqual(parseJson('{"Member_Account":144115233775727695,"EventTime":1670574414123}'), {
    Member_Account: "144115233775727695",
    EventTime: 1670574414123,
  });
  assert.deepEqual(parseJson('[-90071992547409930, 9007199254740991, 1.5e300, "144115233775727695"]'), [
    "-90071992547409930",
    9007199254740991,
    1.5e300,
    "144115233775727695",
  ]);
  assert.deepEqual(parseJson('{"a":"x\\"12345678901234567890","b":12345678901234567890}'), {
    a: 'x"12345678901234567890',
    b: "12345678901234567890",
  });
  assert.throws(() => parseJson("{"), SyntaxError);
});

test("for any JSON without unsafe integers, the same value as JSON.parse", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v);
      fc.pre(!/\d{16,}/.test(text));
      assert.deepEqual(parseJson(text), JSON.parse(text));
    }),
    { numRuns: 500 },
  );
});
