import { test } from "node:test";
import assert from "node:assert/strict";
import { failed, ok, startTestServer } from "./support/harness.ts";

test("off by default: 300 calls in one instant all pass", async () => {
  const t = await startTestServer();
  try {
    const results = await Promise.all(
      Array.from({ length: 300 }, () => t.call("get_room_list", { Next: "" })),
    );
    results.forEach(ok);
  } finally {
    await t.close();
  }
});

test("Tencent's preset: get_room_list 10/s, the rest 200/s, per app and per API", async () => {
  const t = await startTestServer({ env: { ROOMHOOK_RATE_LIMIT: "tencent" } });
  try {
    for (let i = 0; i < 10; i++) ok(await t.call("get_room_list", { Next: "" }));
    failed(await t.call("get_room_list", { Next: "" }), 60007);
    // Another API of the same app has its own budget.
    ok(await t.call("create_room", { RoomInfo: { RoomId: "rl", RoomType: "Live" } }));
    // Time refills the bucket (the test clock, no sleeping).
    t.clock.advance(100);
    ok(await t.call("get_room_list", { Next: "" }));
    failed(await t.call("get_room_list", { Next: "" }), 60007);
    t.clock.advance(1000);
    let passed = 0;
    for (let i = 0; i < 205; i++) {
      const env = await t.call("get_room_info", { RoomId: "rl" });
      if (env.ErrorCode === 0) passed++;
      else failed(env, 60007);
    }
    assert.equal(passed, 200);
  } finally {
    await t.close();
  }
});

test("Tencent's preset for this round's APIs: robots and stats 100/s, gift configuration 1/s, copy_default_gift_config once in 10 s", async () => {
  const t = await startTestServer({ env: { ROOMHOOK_RATE_LIMIT: "tencent" } });
  try {
    ok(await t.call("copy_default_gift_config", {}));
    failed(await t.call("copy_default_gift_config", {}), 60007);
    t.clock.advance(9_000);
    failed(await t.call("copy_default_gift_config", {}), 60007);
    t.clock.advance(1_000);
    // The bucket is full again: the call passes the limiter (and is refused: the catalog is not empty).
    failed(await t.call("copy_default_gift_config", {}), 100002);
    ok(await t.call("get_gift", { GiftId: "rose" }));
    failed(await t.call("get_gift", { GiftId: "rose" }), 60007);
    ok(await t.call("create_room", { RoomInfo: { RoomId: "rl2", RoomType: "Live" } }));
    let passed = 0;
    for (let i = 0; i < 105; i++) {
      const env = await t.call("get_room_stats", { RoomId: "rl2" });
      if (env.ErrorCode === 0) passed++;
      else failed(env, 60007);
    }
    assert.equal(passed, 100);
  } finally {
    await t.close();
  }
});
