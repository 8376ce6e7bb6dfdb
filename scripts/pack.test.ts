import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a stranger gets: each published package (`npm pack` of every workspace that is not private)
 * installed into an empty project from its tarball, then used there as its README says: the
 * `roomhook` command serves, the SDKs are imported by plain Node.js and checked by TypeScript.
 * `npm install` reads the registry (or npm's cache) for the packages' own dependencies and builds
 * better-sqlite3, which takes a minute or two.
 */
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
}
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Manifest;
const published = (read(join(ROOT, "package.json")).workspaces ?? [])
  .map((dir) => ({ dir, manifest: read(join(ROOT, dir, "package.json")) }))
  .filter((w) => w.manifest.private !== true);

let project: string;
let packed: { name: string; filename: string; files: { path: string }[] }[];
let server: ChildProcess | undefined;

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_fund: "false" },
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(
  () => {
    project = mkdtempSync(join(tmpdir(), "roomhook-pack-"));
    const tgz = join(project, "tarballs");
    mkdirSync(tgz);
    // The tarballs carry dist/: build it as `npm ci` (prepare) does.
    run(process.execPath, [TSC, "-b"], ROOT);
    const workspaceArgs = published.flatMap((w) => ["-w", w.dir]);
    packed = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", tgz, ...workspaceArgs], ROOT),
    ) as typeof packed;
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "stranger",
        private: true,
        type: "module",
        allowScripts: { "better-sqlite3": true },
      }),
    );
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--prefer-offline",
        ...packed.map((p) => join(tgz, p.filename)),
        "ws@^8",
        "@types/node@^20",
      ],
      project,
    );
  },
  { timeout: 900_000 },
);
after(() => {
  server?.kill("SIGTERM");
  rmSync(project, { recursive: true, force: true });
});

test("each published package's tarball holds its build, types and README, not its sources or tests", () => {
  assert.deepEqual(packed.map((p) => p.name).sort(), published.map((w) => w.manifest.name).sort());
  for (const p of packed) {
    const files = p.files.map((f) => f.path);
    for (const needed of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts"])
      assert.ok(files.includes(needed), `${p.name} lacks ${needed}`);
    assert.deepEqual(
      files.filter((f) => f.startsWith("src/") || f.includes(".test.") || f.startsWith("test/")),
      [],
      `${p.name} ships sources or tests`,
    );
  }
});

test("installed from its tarballs, `roomhook` serves, and the SDKs carry an owner change to the App backend", async () => {
  const bin = join(project, "node_modules/.bin/roomhook");
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" });
  assert.equal(version.stdout.trim(), read(join(ROOT, "packages/server/package.json")).version);
  const data = join(project, "data");
  server = spawn(bin, ["serve", "--port", "0", "--data", data], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  let base: string | undefined;
  for (let i = 0; i < 1200 && base === undefined; i++) {
    base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(base !== undefined, `the server did not start: ${out}`);
  // Plain JavaScript, as a stranger's App backend and user would write it from the READMEs.
  writeFileSync(
    join(project, "owner-change.mjs"),
    `import { createServer } from "node:http";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { createReceiver, nodeHandler } from "@roomhook/receiver";
import { RoomhookClient } from "@roomhook/client";
import { RestClient, TencentApiError } from "@roomhook/rest-client";

const [base, key] = process.argv.slice(2);
const sdkAppId = 1400000000;
const sig = (identifier) => genUserSig({ sdkAppId, key, identifier, expire: 3600 });
const live = new RestClient({ sdkAppId, secretKey: key, baseUrl: base });
let told;
const received = new Promise((resolve) => (told = resolve));
const receiver = createReceiver({ sdkAppId });
const app = createServer(nodeHandler(receiver, (cb) => { if (cb.command === "Live.CallbackAfterChangeOwner") told(cb.packet); }));
await new Promise((r) => app.listen(0, "127.0.0.1", r));
await live.setCallback({ Url: \`http://127.0.0.1:\${app.address().port}/callback\`, CallbackCommandList: ["Live.CallbackAfterChangeOwner"] });
const refused = await live.getRoomInfo({ RoomId: "nowhere" }).catch((e) => e);
if (!(refused instanceof TencentApiError) || refused.code !== 100004) throw new Error(\`expected 100004, got \${refused}\`);
const user = (userId) => new RoomhookClient({ url: base.replace("http", "ws") + "/v4/ws", sdkAppId, userId, userSig: () => sig(userId), WebSocket });
const [alice, bob] = [user("alice"), user("bob")];
await alice.login();
await bob.login();
await alice.createRoom({ RoomId: "packed", RoomName: "from the tarballs" });
await bob.enterRoom("packed");
await alice.changeOwner("packed", "bob");
const packet = await received;
const info = await live.getRoomInfo({ RoomId: "packed" });
if (info.RoomInfo.Owner_Account !== "bob") throw new Error("the owner did not change");
process.stdout.write(JSON.stringify(packet) + "\\n");
alice.close();
bob.close();
app.close();
`,
  );
  const key = readFileSync(join(data, "secret-key"), "utf8").trim();
  const flow = spawnSync(process.execPath, ["owner-change.mjs", base, key], {
    cwd: project,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(flow.status, 0, flow.stderr);
  const packet = JSON.parse(flow.stdout) as Record<string, unknown>;
  assert.equal(packet.CallbackCommand, "Live.CallbackAfterChangeOwner");
  assert.equal(packet.RoomId, "packed");
  assert.equal(packet.OriginalOwner_Account, "alice");
  assert.equal(packet.CurrentOwner_Account, "bob");
});

test("installed from its tarballs, the SDKs' types check in a strict TypeScript project", () => {
  writeFileSync(
    join(project, "typed.mts"),
    `import { genUserSig, type AfterChangeOwner } from "@roomhook/protocol";
import { createReceiver, type ParsedCallback } from "@roomhook/receiver";
import { RoomhookClient, type RoomEvents } from "@roomhook/client";
import { RestClient, TencentApiError } from "@roomhook/rest-client";

const sig: string = genUserSig({ sdkAppId: 1400000000, key: "k".repeat(32), identifier: "a", expire: 60 });
const receiver = createReceiver({ sdkAppId: 1400000000 });
export function owners(cb: ParsedCallback): string | undefined {
  if (cb.command !== "Live.CallbackAfterChangeOwner") return undefined;
  const p: AfterChangeOwner = cb.packet;
  return p.CurrentOwner_Account;
}
export const changed = (e: RoomEvents["ownerChanged"]): string => e.to;
export const client = (): RoomhookClient =>
  new RoomhookClient({ url: "ws://127.0.0.1:8080/v4/ws", sdkAppId: 1400000000, userId: "a", userSig: sig });
export { receiver };
export async function owner(live: RestClient, RoomId: string): Promise<string | undefined> {
  try {
    return (await live.getRoomInfo({ RoomId })).RoomInfo.Owner_Account;
  } catch (e) {
    if (e instanceof TencentApiError && e.code === 100004) return undefined;
    throw e;
  }
}
`,
  );
  const r = spawnSync(
    process.execPath,
    [
      TSC,
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--target",
      "es2022",
      "--types",
      "node",
      "typed.mts",
    ],
    { cwd: project, encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
