import { test } from "node:test";
import assert from "node:assert/strict";
import { createCallLog, type CallRecord } from "./call-log.ts";

const call = (command: string): Omit<CallRecord, "Id"> => ({
  Time: 1,
  Service: "live_engine_http_srv",
  Command: command,
  ErrorCode: 0,
  DurationMs: 1,
  RequestId: "r",
  ClientIP: "127.0.0.1",
});

test("the call log keeps the newest calls of each configured app, in order, and pages after a cursor", () => {
  const log = createCallLog([1, 2], 3);
  for (const c of ["a", "b", "c", "d", "e"]) log.record(1, call(c));
  log.record(2, call("other"));
  log.record(3, call("not configured"));
  log.record(1, call("get_event_feed"));
  const names = (cs: CallRecord[]) => cs.map((c) => c.Command);
  assert.deepEqual(names(log.feed(1, undefined, 10).calls), ["c", "d", "e"]);
  assert.deepEqual(names(log.feed(1, undefined, 2).calls), ["d", "e"]);
  const third = log.feed(1, undefined, 3).calls[0]!;
  const page = log.feed(1, third.Id, 1);
  assert.deepEqual(names(page.calls), ["d"]);
  assert.equal(page.hasMore, true);
  assert.deepEqual(names(log.feed(2, 0, 10).calls), ["other"]);
  assert.deepEqual(log.feed(3, 0, 10).calls, []);
  // A cursor from an earlier life of the process (past the last id) reads from the start.
  assert.deepEqual(names(log.feed(1, 1000, 10).calls), ["c", "d", "e"]);
});
