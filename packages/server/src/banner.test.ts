import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cliSettings } from "./banner.ts";

const base = { dataDir: "/srv/app/data", apps: [{ sdkAppId: 1400000000 }], appsFromEnvironment: true };

test("cliSettings: nothing on the defaults; the data directory, config file and SDKAppID otherwise", () => {
  assert.equal(cliSettings(base, "/srv/app"), "");
  assert.equal(cliSettings({ ...base, dataDir: "/var/lib/rh" }, "/srv/app"), "ROOMHOOK_DATA=/var/lib/rh ");
  assert.equal(
    cliSettings({ ...base, config: "conf/rh.json", apps: [{ sdkAppId: 1400000123 }] }, "/srv/app"),
    "ROOMHOOK_CONFIG=/srv/app/conf/rh.json ROOMHOOK_SDKAPPID=1400000123 ",
  );
  // The config file's apps name the SDKAppIDs: the variable would be ignored.
  assert.equal(
    cliSettings({ ...base, apps: [{ sdkAppId: 1400000123 }], appsFromEnvironment: false }, "/srv/app"),
    "",
  );
});

test("cliSettings: a path with spaces and quotes is one word to sh, unchanged", () => {
  for (const dir of ["/tmp/my data", "/tmp/it's here", '/tmp/$HOME `x` "y"', "/tmp/a\\b"]) {
    const prefix = cliSettings({ ...base, dataDir: dir }, "/srv/app");
    const seen = execFileSync("sh", ["-c", `${prefix}sh -c 'printf %s "$ROOMHOOK_DATA"'`], {
      encoding: "utf8",
    });
    assert.equal(seen, dir);
  }
});
