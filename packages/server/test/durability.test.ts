import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "node:http";
import { genUserSig } from "@roomhook/protocol";
import Database from "better-sqlite3";
import { openTestSqlite } from "./support/stores.ts";
import { sqliteExecutor } from "../src/store/sqlite-store.ts";
import { SqlReader } from "../src/store/sql-store.ts";
import { adminContext, TEST_NOW, testRoom } from "./support/fixtures.ts";
import type { ReadyDelivery } from "../src/store/store.ts";
import { TEST_ADMIN, TEST_APP, TEST_KEY } from "./support/harness.ts";
import { spawnServer } from "./support/server-process.ts";

const ROOMS = 16;

function post(agent: Agent, url: string, body: unknown): Promise<{ ErrorCode: number }> {
  const userSig = genUserSig({ sdkAppId: TEST_APP, key: TEST_KEY, identifier: TEST_ADMIN, expire: 3600 });
  const u = new URL(url);
  u.search = `sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${userSig}&random=1&contenttype=json`;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: "POST", agent }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        try {
          resolve(JSON.parse(text) as { ErrorCode: number });
        } catch {
          reject(new Error(`not JSON: ${text}`));
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

test("every acknowledged owner change survives SIGKILL of the server", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-kill-"));
  const env = { ROOMHOOK_DATA: dataDir, ROOMHOOK_SECRET_KEY: TEST_KEY };
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const first = await spawnServer(env);
    const api = (cmd: string) => `${first.url}/v4/live_engine_http_srv/${cmd}`;
    for (let r = 0; r < ROOMS; r++) {
      const env = await post(agent, api("create_room"), {
        RoomInfo: { RoomId: `k${r}`, RoomType: "Live", Owner_Account: "u0" },
      });
      assert.equal(env.ErrorCode, 0);
    }
    // Each room gets a chain of changes, one in flight at a time; all rooms at once.
    const acked = Array.from({ length: ROOMS }, () => 0);
    let total = 0;
    let killed = false;
    const killAt = 400;
    const chains = Array.from({ length: ROOMS }, async (_, r) => {
      for (let n = 1; !killed; n++) {
        try {
          const res = await post(agent, api("change_room_owner"), {
            RoomId: `k${r}`,
            NewOwner_Account: `u${n}`,
          });
          assert.equal(res.ErrorCode, 0);
          acked[r] = n;
          if (++total === killAt) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        } catch {
          return; // the connection died with the server: this change was never acknowledged
        }
      }
    });
    await Promise.all(chains);
    await first.exited;
    agent.destroy();
    assert.ok(total >= killAt, `only ${total} changes acknowledged`);

    const second = await spawnServer(env);
    const agent2 = new Agent({ keepAlive: false });
    // Read beside the running server (which holds the data directory's lock): a read-only connection.
    const db = new Database(join(dataDir, "roomhook.db"), { readonly: true });
    const reader = new SqlReader(sqliteExecutor(db));
    try {
      for (let r = 0; r < ROOMS; r++) {
        const history = (await reader.listEvents(TEST_APP, `k${r}`, 0, 10_000))
          .filter((e) => e.packet.CallbackCommand === "Live.CallbackAfterChangeOwner")
          .map((e) => (e.packet as { CurrentOwner_Account: string }).CurrentOwner_Account);
        const want = Array.from({ length: acked[r]! }, (_, i) => `u${i + 1}`);
        // Every acknowledged change is there, in order; at most the one in flight beyond it.
        assert.deepEqual(history.slice(0, want.length), want, `room k${r}`);
        assert.ok(history.length <= want.length + 1, `room k${r}: ${history.length} > ${want.length} + 1`);
        const info = (await post(agent2, `${second.url}/v4/live_engine_http_srv/get_room_info`, {
          RoomId: `k${r}`,
        })) as {
          ErrorCode: number;
          Response?: { RoomInfo: { Owner_Account: string } };
        };
        assert.equal(info.Response?.RoomInfo.Owner_Account, history.at(-1), `room k${r} owner`);
      }
    } finally {
      db.close();
      agent2.destroy();
      await second.kill("SIGTERM");
    }
  } finally {
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/*
 * SIGKILL keeps the page cache, so the test above would pass without any fsync. These show the answer
 * waits for the flush itself: with a disk whose flush never completes nothing is acknowledged, though
 * the commit is there; with one whose flush fails the caller is told, and what was committed is still
 * announced (callbacks and pushes go out without a restart).
 */
test("no write is acknowledged before its WAL flush: a flush that never completes holds every answer", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-flush-"));
  const store = await openTestSqlite(dir, { diskFault: "flush-hangs" });
  try {
    let answered = false;
    const write = store
      .write({ op: "createRoom", ctx: adminContext, room: testRoom("held", "o") })
      .then(() => (answered = true))
      .catch(() => (answered = true));
    // The commit itself happens: the read connection sees it.
    for (let i = 0; i < 100 && (await store.read((r) => r.getRoom(1, "held"))) === undefined; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.ok(await store.read((r) => r.getRoom(1, "held")), "committed");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, "acknowledged before the flush");
    void write;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a delivery's attempt record is answered once committed, without its flush; what it shares a batch with still waits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-flush-"));
  const store = await openTestSqlite(dir, { diskFault: "flush-hangs" });
  try {
    // Set up under a disk that never flushes: committed (the reader sees them), never acknowledged.
    void store
      .write({
        op: "setCallback",
        appId: 1,
        config: { url: "http://127.0.0.1:1/cb", commands: ["Live.CallbackAfterCreateRoom"] },
        nowMs: TEST_NOW,
      })
      .catch(() => undefined);
    void store
      .write({ op: "createRoom", ctx: adminContext, room: testRoom("rec", "o") })
      .catch(() => undefined);
    let pending: ReadyDelivery[] = [];
    for (let i = 0; i < 200 && pending.length === 0; i++) {
      pending = await store.read((r) => r.listPendingDeliveries());
      if (pending.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    const d = pending[0];
    assert.ok(d, "the delivery is committed");
    let flushedAnswered = false;
    const flushed = store
      .write({ op: "createRoom", ctx: adminContext, room: testRoom("rec2", "o") })
      .then(() => (flushedAnswered = true))
      .catch(() => (flushedAnswered = true));
    const record = store.write({
      op: "recordAttempt",
      id: d.id,
      appId: d.appId,
      roomId: d.roomId,
      attempt: { n: 1, startedMs: TEST_NOW, durationMs: 3, status: 200 },
      next: { state: "delivered" },
    });
    const answered = await Promise.race([
      record.then(() => "answered"),
      new Promise((r) => {
        setTimeout(() => {
          r("held");
        }, 5000);
      }),
    ]);
    assert.equal(answered, "answered", "the attempt record waited for a flush");
    assert.ok(
      (await store.read((r) => r.listPendingDeliveries())).every((p) => p.id !== d.id),
      "delivered, as committed",
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(flushedAnswered, false, "a room creation was acknowledged before its flush");
    void flushed;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a failed WAL flush: the caller is told it failed, and the committed callback is still sent", async () => {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-flush-"));
  const store = await openTestSqlite(dir, { diskFault: "flush-fails" });
  const ready: ReadyDelivery[] = [];
  store.onReadyDeliveries((r) => ready.push(...r));
  try {
    // Every flush fails: the configuration's own write is refused too, yet committed.
    await assert.rejects(
      store.write({
        op: "setCallback",
        appId: 1,
        config: { url: "http://127.0.0.1:1/cb", commands: ["Live.CallbackAfterCreateRoom"] },
        nowMs: TEST_NOW,
      }),
      /could not be flushed/,
    );
    await assert.rejects(
      store.write({ op: "createRoom", ctx: adminContext, room: testRoom("told", "o") }),
      /could not be flushed/,
    );
    assert.deepEqual(
      ready.map((r) => [r.roomId, r.seq]),
      [["told", 1]],
      "the committed delivery reaches the dispatcher now",
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
