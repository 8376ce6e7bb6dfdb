import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { WebSocket } from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, type RoomEvents } from "@roomhook/client";
import { TEST_APP, TEST_KEY, waitUntil } from "./support/harness.ts";
import { startReceiver } from "./support/receiver.ts";
import { adminCall, spawnServer, type ServerProcess } from "./support/server-process.ts";
import { freshDatabase, stopOwnPostgres } from "./support/postgres.ts";
import { pgMigrations } from "../src/store/schema-pg.ts";

/**
 * Three server processes on one PostgreSQL act as one backend: REST load spread over all three,
 * clients on different processes, one process SIGKILLed mid-load.
 */

const ROOMS = 6;
const CHANGES = 30;
const CHANGE_OWNER = "Live.CallbackAfterChangeOwner";
const MEMBER_STATE = "Live.CallbackAfterMemberStateChanged";

function user(userId: string, urls: string[], reconnect: boolean): RoomhookClient {
  return new RoomhookClient({
    url: urls.map((u) => `${u.replace("http", "ws")}/v4/ws`),
    sdkAppId: TEST_APP,
    userId,
    userSig: () => genUserSig({ sdkAppId: TEST_APP, key: TEST_KEY, identifier: userId, expire: 3600 }),
    platform: "Web",
    WebSocket: WebSocket as unknown as NonNullable<
      ConstructorParameters<typeof RoomhookClient>[0]["WebSocket"]
    >,
    heartbeatMs: 300,
    reconnect: reconnect ? { minMs: 50, maxMs: 200 } : false,
  });
}

test("three processes, one PostgreSQL, one SIGKILLed mid-load: nothing acknowledged is lost, callbacks all arrive in order, clients move on", async () => {
  const db = await freshDatabase();
  // A slow receiver keeps a backlog, so deliveries are in flight when the process dies.
  const rx = await startReceiver(() => ({ delayMs: 8 }));
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), "roomhook-scale-")));
  const env = {
    DATABASE_URL: db,
    ROOMHOOK_SECRET_KEY: TEST_KEY,
    ROOMHOOK_HEARTBEAT_TIMEOUT_MS: "1500",
    ROOMHOOK_CALLBACK_TIMEOUT_MS: "1000",
    ROOMHOOK_DELIVERY_LEASE_MS: "2500",
    ROOMHOOK_DELIVERY_POLL_MS: "50",
  };
  const check = new pg.Client({ connectionString: db });
  const clients: RoomhookClient[] = [];
  // Started together: the migrations must run once.
  const procs: ServerProcess[] = await Promise.all(
    dirs.map((d, i) => spawnServer({ ...env, ROOMHOOK_DATA: d, ROOMHOOK_NODE_ID: `node${i}` })),
  );
  const [p0, p1, p2] = procs as [ServerProcess, ServerProcess, ServerProcess];
  try {
    await check.connect();
    assert.deepEqual(
      (await check.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).rows,
      pgMigrations.map((m) => ({ version: m.version })),
    );
    assert.equal(
      (
        await adminCall(p1.url, "live_config", "set_callback", {
          Url: rx.url,
          CallbackCommandList: [CHANGE_OWNER, MEMBER_STATE],
        })
      ).ErrorCode,
      0,
    );
    for (let r = 0; r < ROOMS; r++) {
      const via = procs[r % 3] ?? p0;
      const env = await adminCall(via.url, "live_engine_http_srv", "create_room", {
        RoomInfo: { RoomId: `s${r}`, RoomType: "Live", Owner_Account: "u0" },
      });
      assert.equal(env.ErrorCode, 0);
    }

    // bob watches room s0 through process 1; amy is on process 0 and may move to process 2; cid is on
    // process 0 with no reconnect: when it dies, cid is lost to the heartbeat.
    const bob = user("bob", [p1.url], false);
    const amy = user("amy", [p0.url, p2.url], true);
    const cid = user("cid", [p0.url], false);
    clients.push(bob, amy, cid);
    const pushes: RoomEvents["ownerChanged"][] = [];
    const memberPushes: RoomEvents["memberStateChanged"][] = [];
    bob.on("ownerChanged", (e) => pushes.push(e));
    bob.on("memberStateChanged", (e) => memberPushes.push(e));
    let amyBack: RoomEvents["reconnected"] | undefined;
    amy.on("reconnected", (e) => (amyBack = e));
    for (const c of [bob, amy, cid]) {
      await c.login();
      await c.enterRoom("s0");
    }

    // REST load: each room's changes in order, each call to the next process; a call that fails (its
    // process died) is made again on another one until it is acknowledged.
    const acked: string[][] = Array.from({ length: ROOMS }, () => []);
    const alive = new Set(procs);
    let total = 0;
    let atKill = -1;
    const killAt = Math.floor((ROOMS * CHANGES) / 3);
    await Promise.all(
      Array.from({ length: ROOMS }, async (_, r) => {
        for (let n = 1; n <= CHANGES; n++) {
          for (let k = 0; ; k++) {
            const live = [...alive];
            const via = live[(r + n + k) % live.length] ?? p1;
            try {
              const env = await adminCall(via.url, "live_engine_http_srv", "change_room_owner", {
                RoomId: `s${r}`,
                NewOwner_Account: `u${n}`,
              });
              assert.equal(env.ErrorCode, 0);
              break;
            } catch (e) {
              if (e instanceof assert.AssertionError) throw e;
              assert.ok(!alive.has(via) || via === p0, `a call to a live process failed: ${String(e)}`);
              await new Promise((res) => setTimeout(res, 10));
            }
          }
          acked[r]?.push(`u${n}`);
          if (++total === killAt) {
            alive.delete(p0);
            // Judged when the process is gone: what it had in flight then has reached the receiver.
            void p0.kill("SIGKILL").then(() => (atKill = rx.received.length));
          }
        }
      }),
    );
    await p0.exited;
    assert.ok(atKill >= 0 && atKill < ROOMS * CHANGES, `the kill found a backlog (receiver had ${atKill})`);
    // One more through process 2 alone: bob (on process 1) can learn of it only from process 2's NOTIFY.
    assert.equal(
      (
        await adminCall(p2.url, "live_engine_http_srv", "change_room_owner", {
          RoomId: "s0",
          NewOwner_Account: "last",
        })
      ).ErrorCode,
      0,
    );
    acked[0]?.push("last");

    // 1. Every acknowledged owner change is in the database, once, in order.
    for (let r = 0; r < ROOMS; r++) {
      const rows = (
        await check.query<{ packet: string }>(
          "SELECT packet FROM room_events WHERE room_id = $1 AND command = $2 ORDER BY seq",
          [`s${r}`, CHANGE_OWNER],
        )
      ).rows.map((x) => (JSON.parse(x.packet) as { CurrentOwner_Account: string }).CurrentOwner_Account);
      assert.deepEqual(rows, acked[r], `room s${r}`);
    }

    // 2. Every switched-on callback is delivered; a dead process's lanes passed on when its leases ran out.
    // cid's connection died with process 0: some live process reaps it (HeartbeatInterrupt).
    await waitUntil("cid's HeartbeatInterrupt callback", () =>
      rx.received.some((x) => x.body.includes("HeartbeatInterrupt") && x.body.includes('"cid"')),
    );
    const wanted = (
      await check.query<{ event_id: string }>(
        "SELECT e.event_id FROM deliveries d JOIN room_events e ON e.id = d.event_row",
      )
    ).rows.map((x) => x.event_id);
    assert.ok(wanted.length > ROOMS * CHANGES, `the outbox has every callback (${wanted.length})`);
    const idOf = (h: unknown) => String(h);
    await waitUntil("every delivery", () => {
      const got = new Set(rx.received.map((x) => idOf(x.headers["roomhook-event-id"])));
      return wanted.every((id) => got.has(id));
    });
    await new Promise((res) => setTimeout(res, 300)); // stragglers, before judging duplicates

    // 3. Per room: callbacks in sequence order; a duplicate only for what was in flight at the kill.
    const got = rx.received.map((x) => ({
      room: (JSON.parse(x.body) as { RoomId: string }).RoomId,
      command: x.query.get("CallbackCommand"),
      seq: Number(x.headers["roomhook-sequence"]),
      id: idOf(x.headers["roomhook-event-id"]),
      owner: (JSON.parse(x.body) as { CurrentOwner_Account?: string }).CurrentOwner_Account,
    }));
    for (let r = 0; r < ROOMS; r++) {
      const mine = got.filter((g) => g.room === `s${r}`);
      const seen = new Set<string>();
      const firsts: typeof mine = [];
      const dups: typeof mine = [];
      for (const g of mine) {
        if (seen.has(g.id)) dups.push(g);
        else {
          seen.add(g.id);
          firsts.push(g);
        }
      }
      const seqs = firsts.map((g) => g.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        `room s${r}: callbacks out of order`,
      );
      assert.deepEqual(
        firsts.filter((g) => g.command === CHANGE_OWNER).map((g) => g.owner),
        acked[r],
        `room s${r}: every owner change, in order`,
      );
      assert.ok(dups.length <= 1, `room s${r}: ${dups.length} duplicates`);
      const lastBeforeKill = got
        .slice(0, atKill)
        .filter((g) => g.room === `s${r}`)
        .at(-1);
      if (dups.length === 1 && dups[0]?.id !== lastBeforeKill?.id) {
        const attempts = await check.query(
          `SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN room_events e ON e.id = d.event_row WHERE e.event_id = $1`,
          [dups[0]?.id],
        );
        assert.fail(
          `room s${r}: the duplicate ${dups[0]?.id} was not in flight at the kill (last then: ${lastBeforeKill?.id}); attempts ${JSON.stringify(attempts.rows)}`,
        );
      }
    }
    // 4. bob, on process 1, was pushed every owner change of s0 in order, whoever committed it.
    await waitUntil("bob's push of the last change", () => pushes.some((p) => p.to === "last"), 5000);
    assert.deepEqual(
      pushes.filter((p) => p.roomId === "s0").map((p) => p.to),
      acked[0],
    );
    await waitUntil("cid offline pushed to bob", () =>
      memberPushes.some((p) => p.cause === "HeartbeatInterrupt" && p.userIds.includes("cid")),
    );

    // 5. amy moved to process 2, is back in s0, and sees it as it is.
    await waitUntil("amy reconnected", () => amyBack !== undefined);
    assert.deepEqual(amyBack?.rooms, ["s0"]);
    const info = await amy.getRoomInfo("s0");
    assert.equal(info.roomInfo.Owner_Account, acked[0]?.at(-1));
    assert.deepEqual((await amy.getMemberList("s0")).map((m) => m.userId).sort(), ["amy", "bob"]);
  } finally {
    for (const c of clients) c.close();
    await check.end().catch(() => undefined);
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
    await rx.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await stopOwnPostgres();
  }
});
