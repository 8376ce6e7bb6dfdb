import { test } from "node:test";
import assert from "node:assert/strict";
import { CommitSync } from "./commit-sync.ts";

/** An fsync the test completes by hand. */
function manualFsync() {
  const calls: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const fsync = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { fsync, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

test("a commit is released only by an fsync that began after it", async () => {
  const { fsync, calls } = manualFsync();
  const released: string[][] = [];
  const sync = new CommitSync<string>({ fsync, release: (x) => released.push(x), fail: () => assert.fail() });

  sync.committed(["a"]);
  assert.equal(calls.length, 1, "fsync started for a");
  sync.committed(["b", "c"]); // committed while the first fsync runs
  assert.equal(calls.length, 1, "one fsync at a time");
  calls[0]!.resolve();
  await tick();
  assert.deepEqual(released, [["a"]], "b and c were not covered by the first fsync");
  assert.equal(calls.length, 2, "a second fsync covers b and c");
  assert.equal(sync.idle, false);
  calls[1]!.resolve();
  await tick();
  assert.deepEqual(released, [["a"], ["b", "c"]]);
  assert.equal(sync.idle, true);
});

test("a failed fsync fails what it covered, and the next commits get a new fsync", async () => {
  const { fsync, calls } = manualFsync();
  const released: string[] = [];
  const failed: string[] = [];
  const sync = new CommitSync<string>({
    fsync,
    release: (x) => released.push(...x),
    fail: (x, e) => {
      assert.match(String(e), /EIO/);
      failed.push(...x);
    },
  });
  sync.committed(["a"]);
  sync.committed(["b"]);
  calls[0]!.reject(new Error("EIO"));
  await tick();
  assert.deepEqual(failed, ["a"]);
  assert.deepEqual(released, []);
  calls[1]!.resolve();
  await tick();
  assert.deepEqual(released, ["b"]);
});

test("with several fsyncs under way, a commit starts its own at once, and one that ends covers those before it", async () => {
  const { fsync, calls } = manualFsync();
  const released: string[][] = [];
  const sync = new CommitSync<string>({
    fsync,
    release: (x) => released.push(x),
    fail: () => assert.fail(),
    maxInFlight: 2,
  });
  sync.committed(["a"]);
  sync.committed(["b"]); // committed while a's fsync runs: its own starts at once
  assert.equal(calls.length, 2);
  sync.committed(["c"]); // both under way: c waits for one of them to end
  assert.equal(calls.length, 2);
  // b's fsync ends first: it began after a was committed, so a is on disk too, and goes first.
  calls[1]!.resolve();
  await tick();
  assert.deepEqual(released, [["a", "b"]]);
  assert.equal(calls.length, 3, "c's fsync started when one ended");
  calls[0]!.resolve(); // a's own fsync, ending late, releases nothing twice
  await tick();
  assert.deepEqual(released, [["a", "b"]]);
  assert.equal(sync.idle, false);
  calls[2]!.resolve();
  await tick();
  assert.deepEqual(released, [["a", "b"], ["c"]]);
  assert.equal(sync.idle, true);
});

test("a failed fsync fails every commit under way: the error is reported to one fsync of the file only", async () => {
  const { fsync, calls } = manualFsync();
  const released: string[] = [];
  const failed: string[] = [];
  const sync = new CommitSync<string>({
    fsync,
    release: (x) => released.push(...x),
    fail: (x) => failed.push(...x),
    maxInFlight: 3,
  });
  sync.committed(["a"]);
  sync.committed(["b"]);
  sync.committed(["c"]);
  assert.equal(calls.length, 3);
  calls[1]!.reject(new Error("EIO"));
  await tick();
  assert.deepEqual(failed, ["a", "b", "c"]);
  // The others' success, coming after, releases nothing: they were already answered as failed.
  calls[0]!.resolve();
  calls[2]!.resolve();
  await tick();
  assert.deepEqual(released, []);
  assert.equal(sync.idle, true);
  sync.committed(["d"]);
  calls[3]!.resolve();
  await tick();
  assert.deepEqual(released, ["d"]);
});
