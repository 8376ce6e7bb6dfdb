import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiveError } from "../live-error.ts";
import { openSqliteStore } from "./sqlite-store.ts";
import type { RoomRecord } from "../rooms/room.ts";

function room(id: string, owner: string): RoomRecord {
  return {
    RoomId: id,
    RoomType: "Live",
    RoomName: id,
    Owner_Account: owner,
    MaxMemberCount: 10,
    CoverURL: "",
    IsMessageDisabled: false,
    Category: [],
    IsPublicVisible: true,
    IsSeatEnabled: false,
    TakeSeatMode: "None",
    MaxSeatCount: 0,
    ActivityStatus: 0,
    IsUnlimitedRoomEnabled: false,
    CustomInfo: "",
    BackgroundURL: "",
    Notice: "",
    CreateTime: 1,
    ViewCount: 0,
  };
}

test("concurrent writes share commits, and a job that throws is rolled back alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-store-"));
  const store = openSqliteStore({ dataDir: dir });
  try {
    const jobs = Array.from({ length: 200 }, (_, i) =>
      store.write(async (tx) => {
        await tx.insertRoom(1, room(`r${i}`, "a"));
        // Every tenth job writes, then fails: its write must vanish, its neighbours' must stay.
        if (i % 10 === 0) throw new LiveError(100002, `job ${i} fails`);
        return i;
      }),
    );
    const settled = await Promise.allSettled(jobs);
    const failures = settled.filter((s) => s.status === "rejected");
    assert.equal(failures.length, 20);
    for (const f of failures) assert.ok(f.reason instanceof LiveError);
    const { commits, jobs: ran } = store.stats();
    assert.equal(ran, 200);
    assert.ok(commits < 20, `200 concurrent writes took ${commits} commits`);
    for (let i = 0; i < 200; i++) {
      const r = await store.read((tx) => tx.getRoom(1, `r${i}`));
      assert.equal(r === undefined, i % 10 === 0, `room r${i}`);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reads never see a write before it is committed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-store-"));
  const store = openSqliteStore({ dataDir: dir });
  try {
    let seenInside: unknown = "unset";
    const w = store.write(async (tx) => {
      await tx.insertRoom(1, room("x", "a"));
      seenInside = await store.read((r) => r.getRoom(1, "x"));
    });
    await w;
    assert.equal(seenInside, undefined);
    assert.equal((await store.read((r) => r.getRoom(1, "x")))?.Owner_Account, "a");
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("migrations run once: reopening keeps data", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-store-"));
  try {
    const a = openSqliteStore({ dataDir: dir });
    await a.write((tx) => tx.insertRoom(7, room("keep", "k")));
    await a.close();
    const b = openSqliteStore({ dataDir: dir });
    assert.equal((await b.read((tx) => tx.getRoom(7, "keep")))?.Owner_Account, "k");
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
