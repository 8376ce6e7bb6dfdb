import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, type WebSocketConstructor } from "../src/index.ts";
import {
  ok,
  startTestServer,
  TEST_APP,
  TEST_KEY,
  type TestServer,
} from "../../server/test/support/harness.ts";
import { startReceiver, type Receiver } from "../../server/test/support/receiver.ts";

/**
 * The client SDK in a real browser (headless Chromium, native WebSocket), built as it ships (dist).
 * Chromium must be installed (.ci/run installs Debian's); a missing one fails this test.
 */
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const PAGE = `<!doctype html><meta charset="utf-8"><title>roomhook client</title>
<script type="module">
import { RoomhookClient } from "/client/index.js";
const p = new URLSearchParams(location.search);
const c = new RoomhookClient({ url: p.get("ws"), sdkAppId: Number(p.get("app")), userId: p.get("user"), userSig: p.get("sig"), platform: "Web" });
window.events = [];
window.client = c;
c.on("ownerChanged", (e) => window.events.push(e));
await c.login();
await c.enterRoom(p.get("room"));
document.title = "ready";
</script>`;

let t: TestServer;
let rx: Receiver;
let site: Server;
let browser: Browser;
before(async () => {
  execFileSync(process.execPath, [
    fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url)),
    "-b",
    fileURLToPath(new URL("../tsconfig.build.json", import.meta.url)),
  ]);
  t = await startTestServer();
  rx = await startReceiver();
  site = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/client/") && /^[\w.-]+\.js$/.test(path.slice(8))) {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(readFileSync(DIST + path.slice(8)));
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(PAGE);
    }
  });
  await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
after(async () => {
  await browser.close();
  site.closeAllConnections();
  await new Promise<void>((r) => {
    site.close(() => {
      r();
    });
  });
  await rx.close();
  await t.close();
});

test("in headless Chromium: log in, enter, be told of an owner change, and hand the room over from the page", async () => {
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "browser-1", RoomType: "Live", Owner_Account: "alice" },
    }),
  );
  const sig = genUserSig({
    sdkAppId: TEST_APP,
    key: TEST_KEY,
    identifier: "bob",
    expire: 86400,
    time: Math.floor(t.clock.now() / 1000),
  });
  const q = new URLSearchParams({
    ws: `${t.url.replace("http", "ws")}/v4/ws`,
    app: String(TEST_APP),
    user: "bob",
    sig,
    room: "browser-1",
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/?${q.toString()}`);
  await page.waitForFunction(() => document.title === "ready", undefined, { timeout: 10_000 });

  ok(await t.call("change_room_owner", { RoomId: "browser-1", NewOwner_Account: "bob" }));
  await page.waitForFunction(
    () => (window as unknown as { events: unknown[] }).events.length > 0,
    undefined,
    { timeout: 5000 },
  );
  const events = (await page.evaluate(() => (window as unknown as { events: unknown[] }).events)) as {
    to: string;
    operator: string;
  }[];
  assert.equal(events[0]?.to, "bob");
  assert.equal(events[0]?.operator, "administrator");

  // bob, now the owner, hands the room to alice (a Node.js client in the room) from the browser.
  const alice = new RoomhookClient({
    url: `${t.url.replace("http", "ws")}/v4/ws`,
    sdkAppId: TEST_APP,
    userId: "alice",
    userSig: genUserSig({
      sdkAppId: TEST_APP,
      key: TEST_KEY,
      identifier: "alice",
      expire: 86400,
      time: Math.floor(t.clock.now() / 1000),
    }),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  try {
    await alice.login();
    await alice.enterRoom("browser-1");
    const told = new Promise<{ to: string; operator: string }>((resolve) =>
      alice.on("ownerChanged", resolve),
    );
    const code = await page.evaluate(async () => {
      try {
        await (
          window as unknown as { client: { changeOwner(r: string, u: string): Promise<void> } }
        ).client.changeOwner("browser-1", "alice");
        return 0;
      } catch (e) {
        return (e as { code: number }).code;
      }
    });
    assert.equal(code, 0);
    const e = await told;
    assert.deepEqual([e.to, e.operator], ["alice", "bob"]);
  } finally {
    alice.close();
    await page.close();
  }
  await t.server.dispatcher.runOnce();
  const sent = rx.received.map((r) => [
    r.query.get("OptPlatform"),
    r.query.get("ClientIP"),
    (JSON.parse(r.body) as { Operator_Account: string }).Operator_Account,
  ]);
  assert.deepEqual(sent, [
    ["RESTAPI", "127.0.0.1", "administrator"],
    ["Web", "127.0.0.1", "bob"],
  ]);
});
