import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ok, startTestServer, TEST_KEY } from "../../../packages/server/test/support/harness.ts";
import { startApp } from "../src/app.ts";

interface Owners {
  roomId: string;
  owner: string | null;
  history: { from: string; to: string; sequence?: number }[];
}

test("the example App backend keeps each room's owner history, in order, without duplicates, across a stop", async () => {
  const t = await startTestServer();
  const dir = mkdtempSync(join(tmpdir(), "roomhook-app-"));
  const appOpts = {
    dbPath: join(dir, "app.db"),
    sdkAppId: 1400000000,
    server: { url: "", secretKey: TEST_KEY, admin: "administrator" },
  };
  appOpts.server.url = t.url;
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  const owners = async (roomId: string) =>
    (await (await fetch(`${app?.url}/rooms/${roomId}/owners`)).json()) as Owners;
  try {
    app = await startApp({ ...appOpts, port: 0 });
    const port = Number(new URL(app.url).port);
    ok(
      await t.call(
        "set_callback",
        {
          Url: `${app.url}/callback`,
          CallbackCommandList: ["Live.CallbackAfterCreateRoom", "Live.CallbackAfterChangeOwner"],
        },
        { service: "live_config" },
      ),
    );
    ok(
      await t.call("create_room", { RoomInfo: { RoomId: "show", RoomType: "Live", Owner_Account: "alice" } }),
    );
    ok(await t.call("change_room_owner", { RoomId: "show", NewOwner_Account: "bob" }));
    ok(await t.call("change_room_owner", { RoomId: "show", NewOwner_Account: "carol" }));
    await t.server.dispatcher.runOnce();
    let o = await owners("show");
    assert.equal(o.owner, "carol");
    assert.deepEqual(
      o.history.map((h) => [h.from, h.to]),
      [
        ["alice", "bob"],
        ["bob", "carol"],
      ],
    );

    // The App backend goes away; owners keep changing; a new room is created meanwhile.
    await app.close();
    ok(await t.call("change_room_owner", { RoomId: "show", NewOwner_Account: "dave" }));
    ok(await t.call("change_room_owner", { RoomId: "show", NewOwner_Account: "erin" }));
    ok(await t.call("create_room", { RoomInfo: { RoomId: "late", RoomType: "Live", Owner_Account: "zoe" } }));
    await t.server.dispatcher.runOnce(); // refused: these wait for their retry

    // Back on the same port and database: it fetches what its rooms missed.
    app = await startApp({ ...appOpts, port });
    o = await owners("show");
    assert.equal(o.owner, "erin");
    assert.deepEqual(
      o.history.map((h) => h.to),
      ["bob", "carol", "dave", "erin"],
    );

    // Then roomhook's retries arrive: the ones already fetched are dropped, the new room is learnt.
    t.clock.advance(60_000);
    await t.server.dispatcher.runOnce();
    o = await owners("show");
    assert.deepEqual(
      o.history.map((h) => h.to),
      ["bob", "carol", "dave", "erin"],
      "no duplicates",
    );
    assert.deepEqual(
      o.history.map((h) => h.sequence),
      [2, 3, 4, 5],
    );
    assert.equal((await owners("late")).owner, "zoe");
    const list = ok(await t.call("get_delivery_list", { State: "pending" }, { service: "roomhook_delivery" }))
      .Response as { DeliveryList: unknown[] };
    assert.equal(list.DeliveryList.length, 0, "every delivery ended");
  } finally {
    await app?.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
