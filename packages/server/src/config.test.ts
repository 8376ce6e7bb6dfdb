import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

const noFile = () => {
  throw new Error("no file expected");
};

test("defaults: one app 1400000000 with admin 'administrator', SQLite in ./data, 127.0.0.1:8080", () => {
  const c = loadConfig({ env: {}, argv: [], cwd: "/srv/x", readFile: noFile });
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.port, 8080);
  assert.equal(c.dataDir, "/srv/x/data");
  assert.deepEqual(c.apps, [
    {
      sdkAppId: 1400000000,
      secretKey: undefined,
      deliveryPolicy: "at-least-once",
      admins: ["administrator"],
      rooms: {
        maxRooms: 0,
        blockedWords: [],
        requireAccounts: false,
        emptyRoomTimeoutSec: 1800,
        ownerOfflineTimeoutSec: 0,
      },
    },
  ]);
  assert.deepEqual(c.rateLimit, { enabled: false });
});

test("precedence: defaults < file < environment < flags", () => {
  const file = JSON.stringify({ port: 1111, host: "0.0.0.0", logLevel: "warn" });
  const c = loadConfig({
    env: { ROOMHOOK_CONFIG: "c.json", ROOMHOOK_PORT: "2222" },
    argv: ["--port", "3333"],
    cwd: "/",
    readFile: () => file,
  });
  assert.equal(c.port, 3333);
  assert.equal(c.host, "0.0.0.0");
  assert.equal(c.logLevel, "warn");
  const d = loadConfig({
    env: { ROOMHOOK_CONFIG: "c.json", ROOMHOOK_PORT: "2222" },
    argv: [],
    cwd: "/",
    readFile: () => file,
  });
  assert.equal(d.port, 2222);
});

test("a config file declares several apps", () => {
  const file = JSON.stringify({
    apps: [
      { sdkAppId: 1400000001, secretKey: "k".repeat(32), admins: ["admin1"] },
      { sdkAppId: 1400000002, secretKey: "j".repeat(32), admins: ["admin2", "ops"] },
    ],
    rateLimit: { "*": 50, get_room_list: 5 },
  });
  const c = loadConfig({ env: { ROOMHOOK_CONFIG: "apps.json" }, argv: [], cwd: "/", readFile: () => file });
  assert.deepEqual(
    c.apps.map((a) => [a.sdkAppId, a.admins]),
    [
      [1400000001, ["admin1"]],
      [1400000002, ["admin2", "ops"]],
    ],
  );
  assert.deepEqual(c.rateLimit, { enabled: true, perSecond: { "*": 50, get_room_list: 5 } });
});

test("an invalid configuration lists every problem at once", () => {
  const file = JSON.stringify({ apps: [{ sdkAppId: -1, secretKey: "short", admins: [] }], colour: "blue" });
  try {
    loadConfig({
      env: {
        ROOMHOOK_CONFIG: "bad.json",
        ROOMHOOK_PORT: "99999",
        ROOMHOOK_SDKAPPID: "12",
        ROOMHOOK_RATE_LIMIT: "fast",
      },
      argv: ["--log-level", "loud", "--bogus"],
      cwd: "/",
      readFile: () => file,
    });
    assert.fail("should have thrown");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const text = e.problems.join("\n");
    for (const want of [
      /unknown flag --bogus/,
      /unknown key "colour"/,
      /ROOMHOOK_PORT: must be a whole number from 0 to 65535/,
      /ROOMHOOK_SDKAPPID: not allowed when the config file declares "apps"/,
      /apps\[0\].sdkAppId/,
      /apps\[0\].secretKey/,
      /apps\[0\].admins/,
      /log level/,
      /ROOMHOOK_RATE_LIMIT/,
    ]) {
      assert.match(text, want);
    }
    assert.ok(e.problems.length >= 9);
  }
});

test("a missing or broken config file is a problem, not a crash", () => {
  assert.throws(
    () => loadConfig({ env: { ROOMHOOK_CONFIG: "nope.json" }, argv: [], cwd: "/", readFile: () => "{oops" }),
    (e: unknown) => e instanceof ConfigError && /config file nope.json/.test(e.problems[0] ?? ""),
  );
});

test("PostgreSQL: DATABASE_URL selects it; a bad URL or a lease shorter than an attempt is refused", () => {
  const base = { argv: [], cwd: "/", readFile: noFile };
  assert.equal(loadConfig({ ...base, env: {} }).databaseUrl, undefined);
  const c = loadConfig({
    ...base,
    env: { DATABASE_URL: "postgres://u:p@db:5432/rh", ROOMHOOK_NODE_ID: "web-1" },
  });
  assert.equal(c.databaseUrl, "postgres://u:p@db:5432/rh");
  assert.match(c.nodeId, /^web-1-[0-9a-f]{6}$/);
  assert.equal(c.deliveryLeaseMs, c.callbackTimeoutMs + 30_000);
  assert.equal(
    loadConfig({ ...base, argv: ["--database-url", "postgresql://db/rh"], env: {} }).databaseUrl,
    "postgresql://db/rh",
  );
  assert.throws(
    () =>
      loadConfig({
        ...base,
        env: {
          DATABASE_URL: "mysql://db/rh",
          ROOMHOOK_CALLBACK_TIMEOUT_MS: "5000",
          ROOMHOOK_DELIVERY_LEASE_MS: "4000",
        },
      }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.length === 2 &&
      e.problems.some((p) => p.startsWith("DATABASE_URL")) &&
      e.problems.some((p) => p.includes("lease")),
  );
});

test("room rules: keys for every app, an app's `rooms` over them, Tencent's ranges enforced", () => {
  const file = {
    maxRooms: 50,
    blockedWords: ["spam"],
    apps: [
      { sdkAppId: 1, secretKey: "k".repeat(16), admins: ["a"] },
      {
        sdkAppId: 2,
        secretKey: "k".repeat(16),
        admins: ["a"],
        rooms: { maxRooms: 5, ownerOfflineTimeoutSec: 600, requireAccounts: true },
      },
    ],
  };
  const c = loadConfig({
    env: { ROOMHOOK_CONFIG: "c.json", ROOMHOOK_EMPTY_ROOM_TIMEOUT_SEC: "3600" },
    readFile: () => JSON.stringify(file),
  });
  assert.deepEqual(
    c.apps.map((a) => a.rooms),
    [
      {
        maxRooms: 50,
        blockedWords: ["spam"],
        requireAccounts: false,
        emptyRoomTimeoutSec: 3600,
        ownerOfflineTimeoutSec: 0,
      },
      {
        maxRooms: 5,
        blockedWords: ["spam"],
        requireAccounts: true,
        emptyRoomTimeoutSec: 3600,
        ownerOfflineTimeoutSec: 600,
      },
    ],
  );
  assert.deepEqual(loadConfig({ env: { ROOMHOOK_BLOCKED_WORDS: " a, b ,," } }).apps[0]?.rooms.blockedWords, [
    "a",
    "b",
  ]);
  const bad = (env: Record<string, string>, file?: unknown) => {
    try {
      loadConfig({
        env: file === undefined ? env : { ...env, ROOMHOOK_CONFIG: "c.json" },
        readFile: () => JSON.stringify(file),
      });
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };
  assert.match(
    bad({ ROOMHOOK_EMPTY_ROOM_TIMEOUT_SEC: "60" }).join(),
    /ROOMHOOK_EMPTY_ROOM_TIMEOUT_SEC: must be a whole number from 600 to 86400/,
  );
  assert.match(bad({ ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC: "60" }).join(), /0 \(off\) or from 120 to 43200/);
  assert.match(
    bad(
      {},
      { apps: [{ sdkAppId: 1, secretKey: "k".repeat(16), admins: ["a"], rooms: { maxRoom: 1 } }] },
    ).join(),
    /apps\[0\]\.rooms: unknown key "maxRoom"/,
  );
});

test("retention: documented defaults, 0 keeps forever, values out of range are listed", () => {
  const base = { argv: [], cwd: "/", readFile: noFile };
  const c = loadConfig({ ...base, env: {} });
  assert.deepEqual(
    [
      c.retentionDeliveredDays,
      c.retentionDeadDays,
      c.retentionEventsDays,
      c.retentionBatchSize,
      c.retentionIntervalSec,
    ],
    [7, 30, 30, 100, 3600],
  );
  const off = loadConfig({
    ...base,
    env: { ROOMHOOK_RETENTION_DELIVERED_DAYS: "0", ROOMHOOK_RETENTION_INTERVAL_SEC: "0" },
  });
  assert.deepEqual([off.retentionDeliveredDays, off.retentionIntervalSec], [0, 0]);
  assert.throws(
    () =>
      loadConfig({
        ...base,
        env: { ROOMHOOK_RETENTION_DEAD_DAYS: "-1", ROOMHOOK_RETENTION_BATCH: "5" },
      }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.length === 2 &&
      e.problems.some((p) => p.startsWith("ROOMHOOK_RETENTION_DEAD_DAYS")) &&
      e.problems.some((p) => p.startsWith("ROOMHOOK_RETENTION_BATCH")),
  );
});

test("deliveryPolicy: at-least-once by default, the environment's for the app, per app in the file; others refused", () => {
  assert.equal(loadConfig({ env: {}, argv: [], readFile: noFile }).apps[0]?.deliveryPolicy, "at-least-once");
  assert.equal(
    loadConfig({ env: { ROOMHOOK_DELIVERY_POLICY: "tencent" }, argv: [], readFile: noFile }).apps[0]
      ?.deliveryPolicy,
    "tencent",
  );
  const file = JSON.stringify({
    deliveryPolicy: "tencent-retry-timeout",
    apps: [
      { sdkAppId: 1, secretKey: "k".repeat(32), admins: ["a"], deliveryPolicy: "tencent" },
      { sdkAppId: 2, secretKey: "k".repeat(32), admins: ["a"] },
    ],
  });
  const c = loadConfig({ env: { ROOMHOOK_CONFIG: "/c.json" }, argv: [], readFile: () => file });
  assert.deepEqual(
    c.apps.map((a) => a.deliveryPolicy),
    ["tencent", "tencent-retry-timeout"],
  );
  assert.throws(
    () => loadConfig({ env: { ROOMHOOK_DELIVERY_POLICY: "sometimes" }, argv: [], readFile: noFile }),
    /ROOMHOOK_DELIVERY_POLICY: must be one of at-least-once, tencent, tencent-retry-timeout/,
  );
});
