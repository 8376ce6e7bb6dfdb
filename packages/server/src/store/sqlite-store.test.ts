import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveError } from "../live-error.ts";
import { adminContext as ctx, testRoom } from "../../test/support/fixtures.ts";
import { openTestSqlite } from "../../test/support/stores.ts";

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-store-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("concurrent writes share commits, and a command that fails is rolled back alone", () =>
  withStore(async (dir) => {
    const store = await openTestSqlite(dir);
    try {
      for (let i = 0; i < 200; i++)
        await store.write({ op: "createRoom", ctx, room: testRoom(`r${i}`, "a") });
      // Every tenth command bans the owner after writing nothing else: rule failure (100006). Every
      // seventh changes the owner of a room that does not exist (100004). The rest change owners.
      const jobs = Array.from({ length: 200 }, (_, i) =>
        i % 10 === 0
          ? store.write({
              op: "banMembers",
              ctx,
              roomId: `r${i}`,
              userIds: ["x", "a"],
              durationSec: 60,
              reason: "",
            })
          : store.write({
              op: "changeOwner",
              ctx,
              input: { roomId: i % 7 === 0 ? `none${i}` : `r${i}`, newOwner: "b" },
            }),
      );
      const settled = await Promise.allSettled(jobs);
      settled.forEach((s, i) => {
        if (i % 10 === 0 || i % 7 === 0) {
          assert.equal(s.status, "rejected", `job ${i}`);
          const reason = s.reason as unknown;
          assert.ok(reason instanceof LiveError);
          assert.equal(reason.code, i % 10 === 0 ? 100006 : 100004);
        } else assert.equal(s.status, "fulfilled", `job ${i}`);
      });
      const { commits, jobs: ran } = store.stats();
      assert.equal(ran, 400);
      assert.ok(commits < 200 + 50, `200 concurrent writes took ${commits - 200} commits`);
      for (let i = 0; i < 200; i++) {
        const r = await store.read((tx) => tx.getRoom(1, `r${i}`));
        assert.equal(r?.Owner_Account, i % 10 === 0 || i % 7 === 0 ? "a" : "b", `room r${i}`);
        // The failed ban wrote "x" before refusing the owner: rolled back with it.
        if (i % 10 === 0) assert.equal(await store.read((tx) => tx.isBanned(1, `r${i}`, "x", 0)), false);
      }
    } finally {
      await store.close();
    }
  }));

test("migrations run once: reopening keeps data", () =>
  withStore(async (dir) => {
    const a = await openTestSqlite(dir);
    await a.write({ op: "createRoom", ctx: { ...ctx, appId: 7 }, room: testRoom("keep", "k") });
    await a.close();
    const b = await openTestSqlite(dir);
    assert.equal((await b.read((tx) => tx.getRoom(7, "keep")))?.Owner_Account, "k");
    await b.close();
  }));

test("close waits for writes already accepted", () =>
  withStore(async (dir) => {
    const a = await openTestSqlite(dir);
    const writes = Array.from({ length: 50 }, (_, i) =>
      a.write({ op: "createRoom", ctx, room: testRoom(`c${i}`, "o") }),
    );
    await a.close();
    await Promise.all(writes);
    const b = await openTestSqlite(dir);
    for (let i = 0; i < 50; i++) assert.ok(await b.read((tx) => tx.getRoom(1, `c${i}`)));
    await b.close();
  }));

test("the database, which holds callback tokens and signing secrets, is readable by its owner only: new, and made so when older", () =>
  withStore(async (dir) => {
    const mode = (f: string) => statSync(join(dir, f)).mode & 0o777;
    const a = await openTestSqlite(dir);
    try {
      await a.write({ op: "createRoom", ctx, room: testRoom("m", "o") });
      for (const f of ["roomhook.db", "roomhook.db-wal", "roomhook.db-shm"])
        assert.equal(mode(f).toString(8), "600", f);
    } finally {
      await a.close();
    }
    // A database made before (world-readable): owner-only once a store opens it again.
    chmodSync(join(dir, "roomhook.db"), 0o644);
    const b = await openTestSqlite(dir);
    try {
      assert.equal(mode("roomhook.db").toString(8), "600");
      await b.write({ op: "createRoom", ctx, room: testRoom("n", "o") });
      assert.equal(mode("roomhook.db-wal").toString(8), "600");
    } finally {
      await b.close();
    }
  }));
