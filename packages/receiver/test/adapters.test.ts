import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ok, startTestServer, type TestServer } from "../../server/test/support/harness.ts";
import * as nodeHttp from "../examples/node-http.ts";
import * as express from "../examples/express.ts";
import * as fastify from "../examples/fastify.ts";
import * as hono from "../examples/hono.ts";

let t: TestServer;
before(async () => {
  process.env.CALLBACK_TOKEN = "xxxxyyyy";
  t = await startTestServer();
  ok(
    await t.call(
      "set_callback_token",
      { Token: "xxxxyyyy", IsTokenEnable: true },
      { service: "live_config" },
    ),
  );
  ok(await t.call("create_room", { RoomInfo: { RoomId: "ad", RoomType: "Live", Owner_Account: "u0" } }));
  ok(await t.call("copy_default_gift_config", {}));
});
after(() => t.close());

const examples = { "node:http": nodeHttp, Express: express, Fastify: fastify, Hono: hono } as const;
let n = 0;

for (const [name, example] of Object.entries(examples)) {
  test(`the ${name} example verifies, parses and answers a real callback, and refuses a foreign one`, async () => {
    const seen: string[] = [];
    const server = (await example.start(0, (line) => seen.push(line))) as Server;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    try {
      const cfg = { Url: url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] };
      const r = await t.call("update_callback", cfg, { service: "live_config" });
      if (r.ErrorCode === 100301) ok(await t.call("set_callback", cfg, { service: "live_config" }));
      // The token check uses the real clock.
      t.clock.ms = Date.now();
      ok(await t.call("change_room_owner", { RoomId: "ad", NewOwner_Account: `u${++n}` }));
      await t.server.dispatcher.runOnce();
      assert.deepEqual(seen, [`ad: u${n - 1} -> u${n}`]);
      const list = ok(
        await t.call("get_delivery_list", { RoomId: "ad", Limit: 1 }, { service: "roomhook_delivery" }),
      ).Response as {
        DeliveryList: { State: string; AttemptList: { Reply: string }[] }[];
      };
      assert.equal(list.DeliveryList[0]?.State, "delivered");
      assert.equal(
        list.DeliveryList[0]?.AttemptList.at(-1)?.Reply,
        '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}',
      );
      // A before-callback: the handler's reply decides the gift (billing).
      const gifts = { Url: url, CallbackCommandList: ["Live.CallbackBeforeSendGift"] };
      ok(await t.call("update_callback", gifts, { service: "live_config" }));
      const send = (GiftId: string, Count: number) =>
        t.call("send_gift", {
          RoomId: "ad",
          GiftId,
          Count,
          From_Account: "fan",
          ReceiverList_Account: ["u0"],
        });
      ok(await send("rose", 1));
      const refused = await send("universe", 1);
      assert.deepEqual([refused.ErrorCode, refused.ErrorInfo], [102101, "not enough balance"]);
      const foreign = await fetch(
        `${url}?SdkAppid=1400000999&CallbackCommand=Live.CallbackAfterChangeOwner`,
        { method: "POST", body: "{}" },
      );
      assert.equal(foreign.status, 401);
      assert.deepEqual(await foreign.json(), {
        ActionStatus: "FAIL",
        ErrorCode: 1,
        ErrorInfo: "sdkappid-mismatch",
      });
      const unsigned = await fetch(
        `${url}?SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner`,
        { method: "POST", body: "{}" },
      );
      assert.equal(unsigned.status, 401);
      assert.deepEqual(await unsigned.json(), {
        ActionStatus: "FAIL",
        ErrorCode: 1,
        ErrorInfo: "sign-missing",
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      );
    }
  });
}
