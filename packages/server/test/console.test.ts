import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { liveCallbackCommands } from "@roomhook/protocol";
import { testClient } from "./support/clients.ts";
import { MAX_ATTEMPTS } from "../src/delivery/retry-schedule.ts";
import {
  ManualClock,
  ok,
  startTestServer,
  TEST_ADMIN,
  TEST_APP,
  TEST_KEY,
  type TestServer,
} from "./support/harness.ts";
import { startReceiver, type Receiver } from "./support/receiver.ts";
import { childEnv } from "./support/child-env.ts";

/**
 * The console in a real headless Chromium (Debian's, as packages/client/test/browser.test.ts uses; a
 * missing one fails this test), against a real server: signed in with a UserSig made by Tencent's own
 * tls-sig-api-v2, it finds rooms made through REST, follows an owner change without a reload,
 * redelivers a dead delivery, and refuses a wrong UserSig.
 */

const require = createRequire(import.meta.url);
const TLSSigAPIv2 = require("tls-sig-api-v2") as {
  Api: new (sdkappid: number, key: string) => { genUserSig(userid: string, expire: number): string };
};
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const MARKUP = "<img src=x onerror=alert(1)>";

let t: TestServer;
let rx: Receiver;
let browser: Browser;
let failing = false;
/** The sign-in link `npm start` prints, with a UserSig from Tencent's package (it signs at the real time). */
let link = "";

before(async () => {
  rx = await startReceiver(() => (failing ? { status: 500, body: "receiver down" } : {}));
  t = await startTestServer({ clock: new ManualClock(Date.now()) });
  const sig = new TLSSigAPIv2.Api(TEST_APP, TEST_KEY).genUserSig(TEST_ADMIN, 30 * 86400);
  link = `${t.url}/console/#sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${sig}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
});
after(async () => {
  await browser.close();
  await t.close();
  await rx.close();
});

/** A page that fails the test on a script error, a dialog (an alert() a value could have run) or a CSP report. */
async function open(opts: { phone?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage(
    opts.phone === true
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 } },
  );
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(link);
  await page.getByRole("heading", { level: 1, name: "Rooms" }).waitFor();
}

/**
 * Page-side code is written as strings: this package type-checks for Node, without the DOM's names.
 */
const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

test("the console's files: content types, revalidation, a CSP with no inline script, nothing else served", async () => {
  const redirect = await fetch(`${t.url}/console`, { redirect: "manual" });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get("location"), "/console/");

  const index = await fetch(`${t.url}/console/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(index.headers.get("cache-control"), "no-cache");
  assert.equal(index.headers.get("x-content-type-options"), "nosniff");
  assert.equal(index.headers.get("referrer-policy"), "no-referrer");
  const csp = index.headers.get("content-security-policy") ?? "";
  const html = await index.text();
  // Every script is a file of this origin, but the import map, allowed by its hash alone.
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 2);
  for (const [, attrs = "", body = ""] of scripts) {
    if (attrs.includes('type="importmap"')) {
      const hash = createHash("sha256").update(body).digest("base64");
      assert.ok(csp.includes(`script-src 'self' 'sha256-${hash}'`), csp);
    } else {
      assert.match(attrs, /src="app\.js"/);
      assert.equal(body, "");
    }
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);

  const etag = index.headers.get("etag") ?? "";
  assert.notEqual(etag, "");
  const again = await fetch(`${t.url}/console/`, { headers: { "if-none-match": etag } });
  assert.equal(again.status, 304);

  const types: [string, string][] = [
    ["app.js", "text/javascript; charset=utf-8"],
    ["console.css", "text/css; charset=utf-8"],
    ["vendor/preact.mjs", "text/javascript; charset=utf-8"],
    ["vendor/hooks.mjs", "text/javascript; charset=utf-8"],
    ["vendor/htm.mjs", "text/javascript; charset=utf-8"],
    ["vendor/pico.min.css", "text/css; charset=utf-8"],
    ["commands.json", "application/json; charset=utf-8"],
  ];
  for (const [path, type] of types) {
    const r = await fetch(`${t.url}/console/${path}`);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get("content-type"), type, path);
    assert.equal(r.headers.get("cache-control"), "no-cache", path);
    assert.ok((await r.text()).length > 0, path);
  }
  const commands = (await (await fetch(`${t.url}/console/commands.json`)).json()) as {
    CallbackCommandList: string[];
  };
  assert.deepEqual(
    commands.CallbackCommandList,
    [...liveCallbackCommands],
    "the protocol's list, not a copy",
  );
  for (const path of [
    "tsconfig.json",
    "nope.js",
    "vendor/nope.mjs",
    "..%2Fpackage.json",
    "vendor%2F..%2F..%2Fsrc%2Fserver.ts",
  ]) {
    const r = await fetch(`${t.url}/console/${path}`);
    assert.equal(r.status, 404, path);
  }
});

test("a wrong UserSig is refused with Tencent's code, from the link and from the form; the link leaves the address bar", async () => {
  const { page, problems } = await open();
  const wrongKey = new TLSSigAPIv2.Api(TEST_APP, "0".repeat(64)).genUserSig(TEST_ADMIN, 86400);
  await page.goto(`${t.url}/console/#sdkappid=${TEST_APP}&identifier=${TEST_ADMIN}&usersig=${wrongKey}`);
  await page
    .getByRole("alert")
    .getByText(/Sign-in refused: .*\(ErrorCode 70009\)/)
    .waitFor();
  assert.doesNotMatch(page.url(), /usersig/i, "the UserSig is gone from the address bar");
  assert.equal(await page.evaluate("sessionStorage.length"), 0, "and kept nowhere");
  assert.equal(await page.getByLabel("Administrator identifier").inputValue(), TEST_ADMIN);

  // The form, by keyboard alone: a UserSig that is not one, then one for someone who is not an admin.
  await page.getByLabel("UserSig").fill("not-a-usersig");
  await page.getByLabel("UserSig").press("Enter");
  await page
    .getByRole("alert")
    .getByText(/\(ErrorCode 70003\)/)
    .waitFor();
  await page.getByLabel("Administrator identifier").fill("alice");
  await page.getByLabel("UserSig").fill(new TLSSigAPIv2.Api(TEST_APP, TEST_KEY).genUserSig("alice", 86400));
  await page.getByLabel("UserSig").press("Enter");
  await page
    .getByRole("alert")
    .getByText(/alice is not an App administrator \(ErrorCode 60010\)/)
    .waitFor();
  assert.equal(await page.getByRole("navigation").count(), 0, "still signed out");

  // The right one signs in; a reload keeps the session (this tab's sessionStorage), signing out ends it.
  await page.getByLabel("Administrator identifier").fill(TEST_ADMIN);
  await page
    .getByLabel("UserSig")
    .fill(new TLSSigAPIv2.Api(TEST_APP, TEST_KEY).genUserSig(TEST_ADMIN, 86400));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Rooms" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "Rooms" }).waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(await page.evaluate("sessionStorage.length"), 0);
  assert.deepEqual(
    problems.filter((p) => !p.includes("Failed to load resource")),
    [],
  );
  await page.close();
});

test("find a room made through REST, its markup shown as text; its owner changes appear without a reload", async () => {
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: "lobby-1", RoomType: "Live", Owner_Account: "alice" },
    }),
  );
  ok(
    await t.call("create_room", {
      RoomInfo: { RoomId: MARKUP, RoomType: "Live", Owner_Account: "<b>x</b>" },
    }),
  );
  ok(await t.call("modify_admin", { RoomId: "lobby-1", Admin_Account: ["dave"], OpType: "add" }));
  ok(
    await t.call("set_room_metadata", {
      RoomId: "lobby-1",
      Metadata: [{ Key: "topic", Value: "<script>alert(2)</script>" }],
    }),
  );
  const { page, problems } = await open();
  await signIn(page);
  assert.doesNotMatch(page.url(), /usersig/i);

  // Search by keyboard: the search box, Enter, then Tab to the room's link and Enter.
  const search = page.getByRole("searchbox", { name: "Room id contains" });
  await search.fill("lobby");
  await search.press("Enter");
  // The list before the search also has lobby-1: wait for the table of this search's results.
  await page.getByRole("table", { name: "Rooms whose id contains lobby" }).waitFor();
  const row = page.getByRole("row", { name: /lobby-1/ });
  await row.waitFor();
  assert.equal(await page.getByRole("link", { name: MARKUP }).count(), 0, "only rooms that match");
  await search.fill("<img");
  await search.press("Enter");
  await page.getByRole("table", { name: "Rooms whose id contains <img" }).waitFor();
  const markupLink = page.getByRole("link", { name: MARKUP, exact: true });
  await markupLink.waitFor();
  assert.equal(await page.getByRole("cell", { name: "<b>x</b>", exact: true }).count(), 1);
  assert.equal(
    await page.locator("main img, main b, main script").count(),
    0,
    "markup is text, not elements",
  );
  await markupLink.click();
  await page.getByRole("heading", { level: 1, name: `Room ${MARKUP}` }).waitFor();
  await page.getByText("Current owner: <b>x</b>").waitFor();
  assert.equal(await page.locator("main img, main b, main script").count(), 0);

  await go(page, "#/rooms?q=lobby");
  await page.getByRole("link", { name: "lobby-1" }).waitFor();
  await page.getByRole("searchbox", { name: "Room id contains" }).focus();
  for (let i = 0; i < 5 && (await page.evaluate("document.activeElement.textContent")) !== "lobby-1"; i++)
    await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Room lobby-1" }).waitFor();
  await page.getByText("No owner change yet.").waitFor();
  await page.getByText("Current owner: alice").waitFor();
  await page.getByRole("listitem").filter({ hasText: "dave" }).waitFor();
  await page.locator("dd").getByText("<script>alert(2)</script>", { exact: true }).waitFor();
  await page.evaluate("window.notReloaded = true");

  // alice hands the room over from her Android client; then an admin hands it on through REST.
  const alice = testClient(t, "alice", { platform: "Android" });
  const bob = testClient(t, "bob");
  try {
    await alice.login();
    await alice.enterRoom("lobby-1");
    await bob.login();
    await bob.enterRoom("lobby-1");
    await page.getByRole("heading", { name: "Members (2)" }).waitFor();
    await alice.changeOwner("lobby-1", "bob");
    const first = page.locator("table.owner-history tbody tr").nth(0);
    await first.waitFor();
    assert.deepEqual(
      (await first.locator("td").allInnerTexts()).slice(1, 5),
      ["alice", "bob", "alice", "Android"],
      "from, to, by whom, platform",
    );
    await page.getByText("Current owner: bob").waitFor();
    t.clock.advance(60_000);
    ok(await t.call("change_room_owner", { RoomId: "lobby-1", NewOwner_Account: "carol" }));
    const second = page.locator("table.owner-history tbody tr").nth(1);
    await second.waitFor();
    const cells = await second.locator("td").allInnerTexts();
    assert.deepEqual(cells.slice(1, 6), ["bob", "carol", TEST_ADMIN, "RESTAPI", "127.0.0.1"]);
    assert.equal(
      cells[0],
      new Date(t.clock.now())
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z"),
    );
    await page.getByText("Current owner: carol").waitFor();
    // The history has every event in sequence order, the owner changes among them.
    await page.locator("table.history tbody tr").filter({ hasText: "owner bob → carol" }).waitFor();
    const seqs = await page.locator("table.history tbody tr td:first-child").allInnerTexts();
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => String(i + 1)),
    );
  } finally {
    alice.close();
    bob.close();
  }
  assert.equal(await page.evaluate("window.notReloaded"), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test("deliveries: filtered by status, room and command, with attempts; a dead one redelivered and seen delivered", async () => {
  ok(
    await t.call(
      "set_callback",
      { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
      { service: "live_config" },
    ),
  );
  ok(await t.call("create_room", { RoomInfo: { RoomId: "dead-1", RoomType: "Live", Owner_Account: "ann" } }));
  ok(await t.call("create_room", { RoomInfo: { RoomId: "dead-2", RoomType: "Live", Owner_Account: "ann" } }));
  failing = true;
  ok(await t.call("change_room_owner", { RoomId: "dead-1", NewOwner_Account: "ben" }));
  ok(await t.call("change_room_owner", { RoomId: "dead-2", NewOwner_Account: "ben" }));
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    await t.server.dispatcher.runOnce();
    t.clock.advance(10 * 3600_000);
  }
  failing = false;

  const { page, problems } = await open();
  await signIn(page);
  await page.getByRole("link", { name: "Deliveries" }).click();
  await page.getByRole("heading", { level: 1, name: "Deliveries" }).waitFor();
  await page.getByLabel("Status").selectOption("dead");
  await page.getByLabel("Room id").fill("dead-1");
  await page.getByLabel("Callback command").selectOption("Live.CallbackAfterChangeOwner");
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.locator("tr[data-delivery]");
  await page.waitForFunction(`document.querySelectorAll("tr[data-delivery]").length === 1`);
  assert.match(await row.innerText(), /dead-1[\s\S]*Live\.CallbackAfterChangeOwner[\s\S]*dead/);
  // Its attempts: every one, with its status.
  await row.getByText(`${MAX_ATTEMPTS} attempts`).click();
  assert.equal(await row.locator("ol.attempts li").count(), MAX_ATTEMPTS);
  assert.match(await row.locator("ol.attempts li").first().innerText(), /HTTP 500 in \d+ ms/);
  // Other filters: nothing delivered in that room, no CreateRoom callback at all.
  await page.getByLabel("Status").selectOption("delivered");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByText("No delivery matches.").waitFor();
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Callback command").selectOption("Live.CallbackAfterCreateRoom");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.getByText("No delivery matches.").waitFor();

  // Redeliver it, by keyboard; the dispatcher sends it, and the page shows it delivered.
  await page.getByLabel("Callback command").selectOption("");
  await page.getByRole("button", { name: "Filter" }).click();
  const redeliver = page.getByRole("button", { name: /^Redeliver delivery \d+$/ });
  await redeliver.waitFor();
  await redeliver.focus();
  await page.keyboard.press("Enter");
  await page
    .getByRole("status")
    .getByText(/is queued to be sent again/)
    .waitFor();
  await t.server.dispatcher.runOnce();
  await row.locator(".state-delivered").waitFor();
  assert.match(await row.innerText(), new RegExp(`${MAX_ATTEMPTS + 1} attempts`));
  assert.equal(rx.received.filter((r) => r.body.includes('"dead-1"')).length, MAX_ATTEMPTS + 1);

  // Redeliver all dead: dead-2's comes back too.
  await page.getByRole("button", { name: "Redeliver all dead" }).click();
  await page.getByRole("status").getByText("1 dead delivery is queued to be sent again.").waitFor();
  await t.server.dispatcher.runOnce();
  await go(page, "#/deliveries?room=dead-2");
  await page.locator("tr[data-delivery] .state-delivered").waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("callback configuration: the server's validation, saved settings, a rotated secret", async () => {
  const { page, problems } = await open();
  await signIn(page);
  await page.getByRole("link", { name: "Callbacks" }).click();
  await page.getByRole("heading", { level: 2, name: "Configuration" }).waitFor();
  const url = page.getByLabel("Callback Url");
  await url.fill("ftp://example.invalid/cb");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await page
    .getByRole("alert")
    .getByText(/Url must start with http:\/\/ or https:\/\/ \(ErrorCode 100002\)/)
    .waitFor();
  await url.fill(`${rx.url}/hook`);
  await page.getByRole("checkbox", { name: "Live.CallbackAfterCreateRoom", exact: true }).check();
  await page.getByRole("button", { name: "Save configuration" }).click();
  await page
    .getByRole("status")
    .getByText(/^Saved:/)
    .first()
    .waitFor();
  const cfg = ok(await t.call("get_callback", {}, { service: "live_config" })).Response;
  assert.deepEqual(cfg, {
    Url: `${rx.url}/hook`,
    CallbackCommandList: ["Live.CallbackAfterChangeOwner", "Live.CallbackAfterCreateRoom"],
    DeliveryPolicy: "at-least-once",
  });

  await page.getByLabel("Token", { exact: true }).fill("t0ken");
  await page.getByRole("button", { name: "Save token" }).click();
  await page.getByText("Saved: callbacks carry Sign and RequestTime.").waitFor();
  assert.deepEqual(ok(await t.call("get_callback_token", {}, { service: "live_config" })).Response, {
    Token: "t0ken",
    IsTokenEnable: true,
  });

  await page.getByRole("button", { name: "Rotate signing secret" }).click();
  await page.getByText(/A new secret signs from now: whsec_/).waitFor();
  const secrets = ok(await t.call("get_signing_secrets", {}, { service: "roomhook_delivery" })).Response as {
    SecretList: { Secret: string }[];
  };
  assert.equal(secrets.SecretList.length, 1);
  const secret = secrets.SecretList[0]?.Secret ?? "";
  assert.equal(await page.getByText(secret, { exact: true }).count(), 0, "masked until asked");
  await page.getByRole("button", { name: "Show secrets" }).click();
  await page.getByRole("cell", { name: secret }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("the live tail shows events and delivery attempts as they happen", async () => {
  const { page, problems } = await open();
  await signIn(page);
  await page.getByRole("link", { name: "Live tail" }).click();
  await page.getByRole("heading", { level: 1, name: "Live tail" }).waitFor();
  ok(await t.call("create_room", { RoomInfo: { RoomId: "tail-1", RoomType: "Live", Owner_Account: "ann" } }));
  ok(await t.call("change_room_owner", { RoomId: "tail-1", NewOwner_Account: "ben" }));
  await page
    .getByRole("listitem")
    .filter({ hasText: "tail-1" })
    .filter({ hasText: "owner ann → ben" })
    .waitFor();
  await t.server.dispatcher.runOnce();
  await page
    .locator("section", { has: page.getByRole("heading", { name: "Delivery attempts" }) })
    .getByRole("listitem")
    .filter({ hasText: "tail-1" })
    .filter({ hasText: "HTTP 200" })
    .first()
    .waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("on a phone's screen every page fits its width (no sideways scroll), and the nav is reached by Tab", async () => {
  // Something in every table: a room with the longest id there is, its owner changed and called back.
  const longId = `phone-${"x".repeat(42)}`;
  const set = await t.call(
    "set_callback",
    { Url: rx.url, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] },
    { service: "live_config" },
  );
  assert.ok(set.ErrorCode === 0 || set.ErrorCode === 100300, "set here, or by an earlier test");
  ok(await t.call("create_room", { RoomInfo: { RoomId: longId, RoomType: "Live", Owner_Account: "ann" } }));
  ok(await t.call("change_room_owner", { RoomId: longId, NewOwner_Account: "ben" }));
  await t.server.dispatcher.runOnce();
  const { page, problems } = await open({ phone: true });
  await signIn(page);
  // Each page once its data is on it (the selector of something only data makes).
  for (const [hash, heading, filled] of [
    ["#/rooms", "Rooms", `a[href="#/room/${longId}"]`],
    [`#/room/${longId}`, `Room ${longId}`, "table.owner-history tbody tr"],
    ["#/callbacks", "Callbacks", "fieldset.commands input"],
    ["#/deliveries", "Deliveries", "tr[data-delivery]"],
    ["#/tail", "Live tail", "ul.feed li"],
  ] as const) {
    await go(page, hash);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await page.locator(filled).first().waitFor();
    const widths = await page.evaluate<{ page: number; screen: number }>(
      // The layout viewport (clientWidth), not innerWidth: a phone zooms out to fit what overflows.
      "({ page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth })",
    );
    assert.equal(widths.screen, 390);
    assert.ok(widths.page <= widths.screen, `${hash}: ${widths.page}px wide on a ${widths.screen}px screen`);
  }
  // From the top of a page just opened, Tab reaches each link of the nav.
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "Live tail" }).waitFor();
  const reached = new Set<string>();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate<string>(`document.activeElement?.textContent?.trim() ?? ""`));
  }
  for (const name of ["Skip to content", "Rooms", "Callbacks", "Deliveries", "Live tail", "Sign out"])
    assert.ok(reached.has(name), `${name} is reached by Tab (reached: ${[...reached].join(", ")})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test("npm start's banner prints a console link that signs in, served by the built server (dist)", async () => {
  execFileSync(process.execPath, [
    fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url)),
    "-b",
    fileURLToPath(new URL("../tsconfig.build.json", import.meta.url)),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-console-start-"));
  const child = spawn(process.execPath, [fileURLToPath(new URL("../dist/main.js", import.meta.url))], {
    env: childEnv({
      ROOMHOOK_PORT: "0",
      ROOMHOOK_DATA: dataDir,
      ROOMHOOK_LOG_LEVEL: "warn",
      // At a terminal the banner prints the link by default; through a pipe only when asked.
      ROOMHOOK_BANNER_USERSIG: "always",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const consoleLink = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        reject(new Error(`no console link in 30 s: ${out}`));
      }, 30_000);
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /^Console: (http:\/\/\S+)$/m.exec(out);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    assert.match(consoleLink, /\/console\/#sdkappid=1400000000&identifier=administrator&usersig=\S+$/);
    const { page, problems } = await open();
    await page.goto(consoleLink);
    await page.getByRole("heading", { level: 1, name: "Rooms" }).waitFor();
    await page.getByText("No room.").waitFor();
    assert.doesNotMatch(page.url(), /usersig/i);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
