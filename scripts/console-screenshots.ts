import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";
import { genUserSig } from "@roomhook/protocol";
import { MAX_ATTEMPTS } from "../packages/server/src/delivery/retry-schedule.ts";
import {
  ManualClock,
  ok,
  startTestServer,
  TEST_ADMIN,
  TEST_APP,
  TEST_KEY,
  type TestServer,
} from "../packages/server/test/support/harness.ts";
import { startReceiver } from "../packages/server/test/support/receiver.ts";
import { testClient } from "../packages/server/test/support/clients.ts";

/**
 * The screenshots of docs/console.md: a server with a small story in it (rooms, owner changes, a
 * receiver that fails for one room until its delivery is dead), its console in headless Chromium on a
 * laptop's screen and on a phone's. `node --conditions=roomhook-source --import tsx scripts/console-screenshots.ts`
 */

const OUT = fileURLToPath(new URL("../docs/console/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const MINUTE = 60_000;

async function seed(t: TestServer, failing: { studio: boolean }): Promise<void> {
  const live = (command: string, body: unknown) => t.call(command, body).then(ok);
  const config = (command: string, body: unknown) =>
    t.call(command, body, { service: "live_config" }).then(ok);
  const room = (id: string, owner: string, name: string) =>
    live("create_room", { RoomInfo: { RoomId: id, RoomName: name, RoomType: "Live", Owner_Account: owner } });
  const hand = async (id: string, to: string) => {
    t.clock.advance(7 * MINUTE);
    await live("change_room_owner", { RoomId: id, NewOwner_Account: to });
  };

  await config("set_callback", {
    Url: `${rxUrl}/callback`,
    CallbackCommandList: [
      "Live.CallbackAfterCreateRoom",
      "Live.CallbackAfterChangeOwner",
      "Live.CallbackAfterModifyAdmin",
      "Live.CallbackAfterSetMetadata",
    ],
  });
  await config("set_callback_token", { Token: "tencent-sign-token", IsTokenEnable: true });
  ok(await t.call("rotate_signing_secret", {}, { service: "roomhook_delivery" }));

  // A receiver that fails for studio-7 until its owner change is dead (12 attempts over a day).
  await room("studio-7", "erin", "Studio 7");
  await hand("studio-7", "frank");
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    await t.server.dispatcher.runOnce();
    t.clock.advance(10 * 3600_000);
  }
  failing.studio = false;

  await room("music-night", "dana", "Music night");
  await room("lobby", "alice", "The lobby");
  await live("modify_admin", { RoomId: "lobby", Admin_Account: ["carol", "dave"], OpType: "add" });
  await live("ban_member", {
    RoomId: "lobby",
    MemberList_Account: ["mallory"],
    Duration: 86400,
    Reason: "spam",
  });
  await live("set_room_metadata", { RoomId: "lobby", Metadata: [{ Key: "topic", Value: "Friday quiz" }] });
  await hand("lobby", "bob");
  await hand("lobby", "carol");
  await hand("music-night", "gina");
  // Two users in the lobby on their phones; carol hands the room to dave from hers. (The clock stays
  // put from here: the users' heartbeats are on it.)
  t.clock.advance(7 * MINUTE);
  for (const [user, platform] of [
    ["carol", "iOS"],
    ["dave", "Android"],
  ] as const) {
    const c = testClient(t, user, { platform });
    clients.push(c);
    await c.login();
    await c.enterRoom("lobby");
  }
  await clients[0]?.changeOwner("lobby", "dave");
  await t.server.dispatcher.runOnce();
}

const clients: ReturnType<typeof testClient>[] = [];

let rxUrl = "";

async function shoot(page: Page, hash: string, file: string, ready: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole("heading", { level: 1, name: ready }).waitFor();
  await page.waitForLoadState("networkidle");
  // Let a poll or two land, so that "Loading…" lines are gone.
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${OUT}${file}` });
  process.stdout.write(`docs/console/${file}\n`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const failing = { studio: true };
  const rx = await startReceiver((r) =>
    failing.studio && r.body.includes('"studio-7"') ? { status: 500, body: "upstream down" } : {},
  );
  rxUrl = rx.url;
  const clock = new ManualClock(Date.UTC(2026, 2, 9, 9, 30));
  const t = await startTestServer({ clock });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    await seed(t, failing);
    const sig = genUserSig({
      sdkAppId: TEST_APP,
      key: TEST_KEY,
      identifier: TEST_ADMIN,
      expire: 7 * 86400,
      time: Math.floor(clock.now() / 1000),
    });
    const link = `${t.url}/console/#sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${sig}`;

    const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await laptop.goto(`${t.url}/console/`);
    await laptop.getByLabel("SDKAppID").fill(String(TEST_APP));
    await laptop.getByLabel("Administrator identifier").fill(TEST_ADMIN);
    await laptop.getByLabel("UserSig").fill("eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS84oyU1LBwiUGhmVFxgbFBiZ");
    await laptop.getByRole("button", { name: "Sign in" }).click();
    await laptop.getByRole("alert").waitFor();
    await laptop.screenshot({ path: `${OUT}sign-in.png` });
    process.stdout.write("docs/console/sign-in.png\n");

    await laptop.goto(link);
    await laptop.getByRole("heading", { name: "Rooms" }).waitFor();
    await shoot(laptop, "#/rooms", "rooms.png", "Rooms");
    await shoot(laptop, "#/room/lobby", "room.png", "Room lobby");
    await shoot(laptop, "#/callbacks", "callbacks.png", "Callbacks");
    await shoot(laptop, "#/deliveries", "deliveries.png", "Deliveries");
    // The tail shows what happens while it is open: an owner change and its delivery.
    await laptop.evaluate(`location.hash = "#/tail"`);
    await laptop.getByRole("heading", { level: 1, name: "Live tail" }).waitFor();
    await laptop.waitForTimeout(1200);
    ok(await t.call("change_room_owner", { RoomId: "lobby", NewOwner_Account: "alice" }));
    await t.server.dispatcher.runOnce();
    await laptop.getByText("owner dave → alice").first().waitFor();
    await laptop.screenshot({ path: `${OUT}tail.png` });
    process.stdout.write("docs/console/tail.png\n");

    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.goto(link);
    await phone.getByRole("heading", { name: "Rooms" }).waitFor();
    await phone.evaluate(`location.hash = "#/room/lobby"`);
    await phone.getByRole("heading", { level: 1, name: "Room lobby" }).waitFor();
    await phone.waitForTimeout(1500);
    await phone.screenshot({ path: `${OUT}phone-room.png` });
    process.stdout.write("docs/console/phone-room.png\n");
  } finally {
    for (const c of clients) c.close();
    await browser.close();
    await t.close();
    await rx.close();
  }
}

await main();
