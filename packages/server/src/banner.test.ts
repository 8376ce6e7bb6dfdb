import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cliSettings, shellWord, startBanner } from "./banner.ts";
import { loadConfig } from "./config.ts";

const base = {
  dataDir: "/srv/app/data",
  configFile: undefined,
  databaseUrl: undefined,
  apps: [{ sdkAppId: 1400000000 }],
  appsFromEnvironment: true,
};

test("cliSettings: the data directory always (absolute), the config file and a non-default SDKAppID", () => {
  assert.deepEqual(cliSettings(base, {}), { prefix: "ROOMHOOK_DATA=/srv/app/data ", needs: [] });
  assert.deepEqual(
    cliSettings({ ...base, configFile: "/srv/app/conf/rh.json", apps: [{ sdkAppId: 1400000123 }] }, {}),
    {
      prefix:
        "ROOMHOOK_CONFIG=/srv/app/conf/rh.json ROOMHOOK_DATA=/srv/app/data ROOMHOOK_SDKAPPID=1400000123 ",
      needs: [],
    },
  );
  // The config file's apps name the SDKAppIDs: the variable would be ignored.
  assert.equal(
    cliSettings({ ...base, apps: [{ sdkAppId: 1400000123 }], appsFromEnvironment: false }, {}).prefix,
    "ROOMHOOK_DATA=/srv/app/data ",
  );
});

test("cliSettings: a key or a database given in the environment is needed, never printed", () => {
  const key = "0123456789abcdef0123456789abcdef";
  assert.deepEqual(cliSettings(base, { ROOMHOOK_SECRET_KEY: key }).needs, ["ROOMHOOK_SECRET_KEY"]);
  const pg = cliSettings({ ...base, databaseUrl: "postgres://u:secret@db/rh" }, {});
  assert.deepEqual(pg, { prefix: "", needs: ["DATABASE_URL"] });
  const banner = startBanner({
    url: "http://127.0.0.1:8080",
    apps: [{ sdkAppId: 1400000000, secretKey: key, admins: ["administrator"] }],
    storage: "database: postgres://u@db/rh",
    nowSec: 1_764_000_000,
    withUserSig: false,
    cli: pg,
  });
  assert.match(banner, /needs DATABASE_URL set as for this server/);
  assert.ok(!banner.includes("secret") && !banner.includes(key));
});

test("cliSettings reads what loadConfig found: the config file named by ROOMHOOK_CONFIG, made absolute", () => {
  const config = loadConfig({
    env: { ROOMHOOK_CONFIG: "conf/rh.json" },
    argv: [],
    cwd: "/srv/app",
    readFile: () =>
      JSON.stringify({ apps: [{ sdkAppId: 1400000123, secretKey: "0123456789abcdef", admins: ["boss"] }] }),
  });
  assert.equal(
    cliSettings(config, {}).prefix,
    "ROOMHOOK_CONFIG=/srv/app/conf/rh.json ROOMHOOK_DATA=/srv/app/data ",
  );
});

test("shellWord: paths and admin ids with spaces, quotes and $ are one word to sh, unchanged", () => {
  for (const word of [
    "/tmp/my data",
    "/tmp/it's here",
    '/tmp/$HOME `x` "y"',
    "/tmp/a\\b",
    "ops$x",
    "o'neil",
    "a\nb",
  ]) {
    const seen = execFileSync("sh", ["-c", `printf %s ${shellWord(word)}`], { encoding: "utf8" });
    assert.equal(seen, word);
  }
});

test("the banner's usersig command quotes the admin id", () => {
  const banner = startBanner({
    url: "http://127.0.0.1:8080",
    apps: [{ sdkAppId: 1400000000, secretKey: "0123456789abcdef", admins: ["ops$x"] }],
    storage: "data directory: /srv/app/data",
    nowSec: 1_764_000_000,
    withUserSig: false,
    cli: { prefix: "ROOMHOOK_DATA=/srv/app/data ", needs: [] },
  });
  assert.match(
    banner,
    /^ {2}SIG=\$\(ROOMHOOK_DATA=\/srv\/app\/data npx roomhook usersig --identifier 'ops\$x'\)$/m,
  );
});
