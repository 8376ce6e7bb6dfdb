import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_ATTEMPTS, parseRetryAfter, RETRY_DELAYS_MS, retryDelay } from "./retry-schedule.ts";

test("the schedule spans about a day, and jitter stays within 20%", () => {
  const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
  assert.ok(total > 20 * 3600_000 && total < 26 * 3600_000, `total ${total / 3600_000} h`);
  assert.equal(MAX_ATTEMPTS, 12);
  assert.equal(
    retryDelay(1, () => 0),
    4_000,
  );
  assert.equal(
    retryDelay(1, () => 1),
    6_000,
  );
  assert.equal(
    retryDelay(1, () => 0.5),
    5_000,
  );
  assert.equal(
    retryDelay(11, () => 0.5),
    28_800_000,
  );
  assert.equal(retryDelay(12), undefined);
});

test("Retry-After: seconds or a date, clamped to 1 s .. 1 h", () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter("0", now), 1_000);
  assert.equal(parseRetryAfter("999999", now), 3_600_000);
  assert.equal(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});
