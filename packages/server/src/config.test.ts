import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KindGuard } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import {
  ConfigError,
  configFileJsonSchema,
  configKeys,
  configSchema,
  loadConfig,
  type Config,
  type LoadConfigOptions,
} from "./config.ts";

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
      /--log-level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/,
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

/** The problems loadConfig lists for these options ([] when it loads). */
function problemsOf(opts: LoadConfigOptions): string[] {
  try {
    loadConfig({ argv: [], cwd: "/", readFile: noFile, ...opts });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
const withFile = (file: unknown, env: Record<string, string> = {}): LoadConfigOptions => ({
  env: { ROOMHOOK_CONFIG: "c.json", ...env },
  readFile: () => JSON.stringify(file),
});
const app = { sdkAppId: 1400000001, secretKey: "k".repeat(32), admins: ["administrator"] };

test("docs/config.schema.json is the config file's schema as configSchema makes it (`npm run docs`)", () => {
  const onDisk: unknown = JSON.parse(
    readFileSync(new URL("../../../docs/config.schema.json", import.meta.url), "utf8"),
  );
  assert.deepEqual(onDisk, configFileJsonSchema());
});

test("every setting has a variable or a flag, or is the config file's only and documented so", () => {
  const envs = new Set<string>();
  const flags = new Set<string>();
  for (const k of configKeys) {
    const fileOnly = configSchema.properties[k.key].fileOnly === true;
    assert.equal(fileOnly, k.env === "" && k.flag === "", `${k.key}: a variable or a flag, else fileOnly`);
    if (fileOnly) assert.match(k.doc, /^config file only: /, k.key);
    if (k.env !== "") {
      assert.match(k.env, /^(ROOMHOOK_[A-Z0-9_]+|DATABASE_URL)$/, k.key);
      assert.ok(!envs.has(k.env), `${k.env} twice`);
      envs.add(k.env);
    }
    if (k.flag !== "") {
      assert.match(k.flag, /^--[a-z]+(-[a-z]+)*$/, k.key);
      assert.ok(!flags.has(k.flag), `${k.flag} twice`);
      flags.add(k.flag);
    }
    assert.ok(k.doc.length > 10 && k.default !== "" && k.default !== "undefined", `${k.key} documented`);
  }
  // The docs table and `serve --help` show every setting, the JSON Schema every key of the file.
  assert.deepEqual(
    configKeys.map((k) => k.key),
    Object.keys(configSchema.properties),
  );
  assert.deepEqual(Object.keys(configFileJsonSchema().properties as object), [
    "$schema",
    ...configKeys.map((k) => k.key).filter((k) => k !== "config"),
  ]);
});

test("each default is a value of its setting, and is what loadConfig gives when nothing is set", () => {
  const c = loadConfig({ env: {}, argv: [], cwd: "/", readFile: noFile });
  for (const [key, s] of Object.entries(configSchema.properties)) {
    if (s.default === undefined) {
      assert.equal(typeof s.defaultText, "string", `${key}: a default, or a text telling it`);
      continue;
    }
    assert.ok(Value.Check(s, s.default), `${key}: default ${JSON.stringify(s.default)}`);
    if (key in c && key !== "rateLimit") assert.deepEqual(c[key as keyof Config], s.default, key);
  }
  // A setting that lists its values names each in its description (the docs show the description).
  for (const [key, s] of Object.entries(configSchema.properties))
    if (KindGuard.IsUnion(s) && s.anyOf.every((m) => KindGuard.IsLiteral(m) && typeof m.const === "string"))
      for (const m of s.anyOf) assert.ok(String(s.description).includes(m.const), `${key}: ${m.const}`);
});

test("the config file: unknown keys are refused at every level, with the near miss; $schema is allowed", () => {
  assert.deepEqual(
    problemsOf(
      withFile({
        $schema: "./config.schema.json",
        logLevl: "warn",
        config: "other.json",
        apps: [{ ...app, deliverypolicy: "tencent", rooms: { maxRoom: 1 } }],
      }),
    ),
    [
      'config file: unknown key "logLevl" (did you mean "logLevel"?)',
      'config file: unknown key "config"',
      'config file apps[0]: unknown key "deliverypolicy" (did you mean "deliveryPolicy"?)',
      'config file apps[0].rooms: unknown key "maxRoom" (did you mean "maxRooms"?)',
    ],
  );
  assert.deepEqual(problemsOf(withFile({ $schema: "./config.schema.json", port: 1 })), []);
  assert.deepEqual(problemsOf({ env: {}, argv: ["--prot", "1"] }), [
    'unknown flag --prot (did you mean "--port"?)',
  ]);
});

test("a file value must have the setting's JSON type; a variable or flag is read as it", () => {
  assert.deepEqual(problemsOf(withFile({ port: "8080", trustProxy: "true" })), [
    'config file "port": must be a whole number from 0 to 65535, got "8080"',
    'config file "trustProxy": must be true or false, got "true"',
  ]);
  const c = loadConfig({
    env: { ROOMHOOK_TRUST_PROXY: "1", ROOMHOOK_DISPATCH: "false", ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC: "600" },
    argv: ["--port=0", "--log-level", "debug"],
  });
  assert.deepEqual(
    [c.trustProxy, c.dispatch, c.apps[0]?.rooms.ownerOfflineTimeoutSec, c.port, c.logLevel],
    [true, false, 600, 0, "debug"],
  );
  assert.deepEqual(
    problemsOf({
      env: { ROOMHOOK_TRUST_PROXY: "yes", ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC: "60", ROOMHOOK_ADMIN: "a,b c" },
    }),
    [
      "ROOMHOOK_ADMIN: each admin must be a user id of 1-32 bytes without spaces",
      "ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC: must be 0 (off) or from 120 to 43200 seconds, got 60",
      'ROOMHOOK_TRUST_PROXY: must be true or false, got "yes"',
    ],
  );
  assert.deepEqual(
    problemsOf(
      withFile({
        rateLimit: { "*": 0, get_room_list: 5 },
        apps: [{ ...app, admins: ["ok", "not ok"], rooms: { ownerOfflineTimeoutSec: 60 } }, { sdkAppId: 2 }],
      }),
    ),
    [
      'config file apps[0].admins[1]: must be a user id (1-32 bytes, no spaces or commas), got "not ok"',
      "config file apps[0].rooms.ownerOfflineTimeoutSec: must be 0 (off) or from 120 to 43200 seconds, got 60",
      "config file apps[1].secretKey: missing; must be a string of at least 16 characters",
      "config file apps[1].admins: missing; must be a non-empty array of user ids (1-32 bytes, no spaces or commas)",
      "config file rateLimit.*: must be a positive number of requests per second, got 0",
    ],
  );
});

test("a problem never shows a secret: keys, tokens, URLs with passwords", () => {
  const text = [
    ...problemsOf({
      env: {
        ROOMHOOK_SECRET_KEY: "short-secret",
        DATABASE_URL: "mysql://u:hunter2@db/x",
        ROOMHOOK_OPERATOR_URL: "ftp://u:pw-op@ops/x",
        ROOMHOOK_OPERATOR_SECRET: "whsec_dG9vc2hvcnQ=",
      },
    }),
    ...problemsOf(withFile({ metricsToken: 42, apps: [{ ...app, secretKey: "tiny-key" }] })),
  ].join("\n");
  assert.match(text, /ROOMHOOK_SECRET_KEY: must be a string of at least 16 characters$/m);
  assert.match(text, /config file apps\[0\]\.secretKey: must be a string of at least 16 characters$/m);
  for (const secret of ["short-secret", "hunter2", "pw-op", "dG9vc2hvcnQ", "42", "tiny-key"])
    assert.ok(!text.includes(secret), `${secret} shown in:\n${text}`);
});

test("the config files of docs/config.md load", () => {
  const doc = readFileSync(new URL("../../../docs/config.md", import.meta.url), "utf8");
  const files = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  assert.ok(files.length >= 2);
  for (const f of files) assert.ok(loadConfig({ env: { ROOMHOOK_CONFIG: "c.json" }, readFile: () => f }));
});
