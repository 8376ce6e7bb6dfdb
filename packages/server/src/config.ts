import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { KindGuard, Type, type Static, type TLiteral, type TSchema, type TUnion } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { userIdProblem } from "@roomhook/protocol";

/**
 * The only module that reads the environment. Precedence: defaults < config file < environment < flags.
 * An invalid configuration is reported with every problem at once (ConfigError.problems).
 *
 * Every setting is declared once, in `configSchema`: its type, range, default and description in
 * JSON Schema (TypeBox), its environment variable and flag as extra options. Validation, `roomhook
 * serve --help`, docs/config.md and docs/config.schema.json are all made from it.
 */

export interface AppConfig {
  sdkAppId: number;
  /** Undefined only for the single app of the environment, whose key is generated at first start. */
  secretKey: string | undefined;
  admins: string[];
  /** What the app's configuration decides about its rooms (the keys below, or the app's `rooms`). */
  rooms: AppRoomSettings;
  /** How the app's after-callbacks are retried (docs/delivery.md, "Delivery policy"). */
  deliveryPolicy: DeliveryPolicy;
}

/**
 * How an app's after-callbacks are retried. `at-least-once`: roomhook's retry table, about 22 hours,
 * then dead (the default). `tencent`: what Tencent documents for Live and Chat callbacks, one attempt
 * with a 2 s timeout and no retry. `tencent-retry-timeout`: the same, but an attempt that timed out is
 * tried once more at once.
 */
export const deliveryPolicies = ["at-least-once", "tencent", "tencent-retry-timeout"] as const;
export type DeliveryPolicy = (typeof deliveryPolicies)[number];

/**
 * An app's room rules: its quota and moderation (RoomPolicy, handed to the rules) and the windows of
 * Tencent's automatic dissolution (destroy_room page 63406), which the room sweeper applies. Ranges and
 * defaults: `configSchema`.
 */
export interface AppRoomSettings {
  maxRooms: number;
  blockedWords: string[];
  requireAccounts: boolean;
  /** A room empty this long is dissolved (DestroyBySystem), in seconds. */
  emptyRoomTimeoutSec: number;
  /** A room whose owner is offline this long is dissolved, in seconds; 0: never. */
  ownerOfflineTimeoutSec: number;
}

export type RateLimitConfig = { enabled: false } | { enabled: true; perSecond: Record<string, number> };

/** Tencent's published limits ("maximum calling frequency"): 200/s per API, get_room_list 10/s. */
export const tencentRateLimits: Record<string, number> = {
  "*": 200,
  get_room_list: 10,
  // Tencent: the robot calls, get_room_stats and Chat's batch account calls are limited to 100/s.
  add_robot: 100,
  del_robot: 100,
  get_robot: 100,
  get_room_stats: 100,
  get_room_statistic: 100,
  multiaccount_import: 100,
  account_check: 100,
  // Tencent: the gift configuration calls 1/s, copy_default_gift_config once in 10 s.
  ...Object.fromEntries(
    [
      "add_gift",
      "edit_gift",
      "del_gift",
      "get_gift",
      "add_gift_category",
      "edit_gift_category",
      "del_gift_category",
      "get_gift_category",
      "add_gift_category_relations",
      "del_gift_category_relations",
      "get_gift_category_relations",
      "set_gift_language",
      "get_gift_language",
      "del_gift_language",
      "set_gift_category_language",
      "get_gift_category_language",
      "del_gift_category_language",
    ].map((c) => [c, 1]),
  ),
  copy_default_gift_config: 0.1,
};

/**
 * What a setting's schema carries beside JSON Schema's keywords: TypeBox keeps unknown options on the
 * schema object, Value.Check ignores them, and docs/config.schema.json leaves them out (it tells the
 * environment variable and flag in the description).
 */
interface SettingMeta<T = unknown> {
  /** The environment variable that sets it (over the config file, under the flag). */
  env?: string;
  /** The `roomhook serve` flag that sets it (over everything). */
  flag?: string;
  /** The default as the docs show it, where the schema has no `default` or `[]` would read badly. */
  defaultText?: string;
  /** Set only in the config file: no variable, no flag (the docs say so). */
  fileOnly?: true;
  /** Not a key of the config file: the file's own path. */
  notInFile?: true;
  /** Never shown in a problem: it is, or may hold, a password or key. */
  secret?: true;
  /** What a valid value is, for problems ("must be …") and the docs, where the keywords say it badly. */
  mustBe?: string;
  /** A rule JSON Schema cannot say, run on a value the schema accepts: the problem ("must …") or undefined. */
  refine?: (value: T) => string | undefined;
}

/** A setting's options as written below: typed by the setting's value, a description always. */
type Options<T> = SettingMeta<T> & { description: string; default?: T };

/** A schema as the walkers below read it. */
type Setting = TSchema & SettingMeta;

const whole = (minimum: number, maximum: number, o: Options<number>) =>
  Type.Integer({ ...o, minimum, maximum });
const yesNo = (o: Options<boolean>) => Type.Boolean(o);
const text = (o: Options<string> & { minLength?: number; maxLength?: number; pattern?: string }) =>
  Type.String({ minLength: 1, ...o });
/** One of these strings; the cast keeps the literal types that mapping over the list loses. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, o: Options<T[number]>) {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    o,
  ) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K] & string> }>;
}

/** The room rules: top-level keys for every app, and the same in an app's `rooms` of the file. */
const roomRules = {
  maxRooms: (o: Options<number>) => whole(0, 100_000_000, o),
  blockedWords: (o: Options<string[]>) =>
    Type.Union([Type.Array(Type.String()), Type.String()], {
      mustBe: "a comma-separated string or an array of strings",
      ...o,
    }),
  requireAccounts: yesNo,
  // Tencent's ranges for the automatic dissolution windows (destroy_room, page 63406).
  emptyRoomTimeoutSec: (o: Options<number>) => whole(600, 86400, o),
  ownerOfflineTimeoutSec: (o: Options<number>) =>
    Type.Union([Type.Literal(0), Type.Integer({ minimum: 120, maximum: 43200 })], {
      mustBe: "0 (off) or from 120 to 43200 seconds",
      ...o,
    }),
};
const deliveryPolicy = (o: Options<DeliveryPolicy>) => oneOf(deliveryPolicies, o);

const USER_ID = "a user id (1-32 bytes, no spaces or commas)";

/** A user id by the one rule (protocol's userIdProblem), without the list's separators. */
function isAdminId(s: unknown): s is string {
  return typeof s === "string" && userIdProblem(s) === undefined && !/[\s,]/.test(s);
}

const adminId = text({
  description: "an administrator's user id",
  // maxLength counts characters, the rule bytes: the schema tells editors what it can, refine the rest.
  maxLength: 32,
  pattern: "^[^\\s,]+$",
  mustBe: USER_ID,
  refine: (v) => {
    const why = userIdProblem(v);
    return why === undefined ? undefined : `${why} (${USER_ID})`;
  },
});

const appSchema = Type.Object(
  {
    sdkAppId: whole(1, Number.MAX_SAFE_INTEGER, {
      mustBe: "a positive whole number",
      description: "the app's SDKAppID",
    }),
    secretKey: text({ minLength: 16, secret: true, description: "the app's UserSig key (from the console)" }),
    admins: Type.Array(adminId, {
      minItems: 1,
      mustBe: `a non-empty array of user ids (1-32 bytes, no spaces or commas)`,
      description: "the app's administrators",
    }),
    rooms: Type.Optional(
      Type.Object(
        {
          maxRooms: Type.Optional(roomRules.maxRooms({ description: "this app's maxRooms" })),
          blockedWords: Type.Optional(roomRules.blockedWords({ description: "this app's blockedWords" })),
          requireAccounts: Type.Optional(
            roomRules.requireAccounts({ description: "this app's requireAccounts" }),
          ),
          emptyRoomTimeoutSec: Type.Optional(
            roomRules.emptyRoomTimeoutSec({ description: "this app's emptyRoomTimeoutSec" }),
          ),
          ownerOfflineTimeoutSec: Type.Optional(
            roomRules.ownerOfflineTimeoutSec({ description: "this app's ownerOfflineTimeoutSec" }),
          ),
        },
        {
          additionalProperties: false,
          description: "this app's room rules, over the top-level keys of the same names",
        },
      ),
    ),
    deliveryPolicy: Type.Optional(
      deliveryPolicy({ description: "this app's delivery policy, over the top-level deliveryPolicy" }),
    ),
  },
  {
    additionalProperties: false,
    mustBe: "an object { sdkAppId, secretKey, admins, rooms?, deliveryPolicy? }",
    description: "one app",
  },
);

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** A node id gets `-` and 3 random bytes in hex at every start; the store keeps 128 bytes. */
const NODE_SUFFIX_BYTES = 7;
const NODE_ID_MAX_BYTES = 128;
const WHSEC = "whsec_ followed by base64 of 24 to 64 bytes (make one: echo whsec_$(openssl rand -base64 32))";

/**
 * Every setting, declared once: type, range and default (JSON Schema), description, environment
 * variable and flag. Keys without a default are optional; `apps` is the config file's only; `config`
 * (the file's path) is not a key of the file. Its order is the order of the docs and of `--help`.
 */
export const configSchema = Type.Object(
  {
    host: text({
      default: "127.0.0.1",
      env: "ROOMHOOK_HOST",
      flag: "--host",
      description: "address to listen on",
    }),
    port: whole(0, 65535, {
      default: 8080,
      env: "ROOMHOOK_PORT",
      flag: "--port",
      description: "TCP port; 0 picks a free one",
    }),
    data: text({
      default: "./data",
      env: "ROOMHOOK_DATA",
      flag: "--data",
      description: "directory of the SQLite database and of the generated secret key",
    }),
    sdkAppId: whole(1, Number.MAX_SAFE_INTEGER, {
      default: 1400000000,
      env: "ROOMHOOK_SDKAPPID",
      mustBe: "a positive whole number",
      description: "SDKAppID of the single app, when the config file declares no `apps`",
    }),
    secretKey: Type.Optional(
      text({
        minLength: 16,
        secret: true,
        env: "ROOMHOOK_SECRET_KEY",
        defaultText: "generated at first start, kept in `<data>/secret-key`",
        description: "the single app's UserSig key",
      }),
    ),
    admin: text({
      default: "administrator",
      env: "ROOMHOOK_ADMIN",
      description: "the single app's administrator identifiers, comma-separated",
      refine: (v) =>
        v.split(",").every((a) => isAdminId(a.trim()))
          ? undefined
          : "each admin must be a user id of 1-32 bytes without spaces",
    }),
    apps: Type.Optional(
      Type.Array(appSchema, {
        minItems: 1,
        ...({
          fileOnly: true,
          defaultText: "(none)",
          mustBe: "a non-empty array of apps",
          description:
            "several apps, `[{ sdkAppId, secretKey, admins: [..], rooms?, deliveryPolicy? }]`, instead of `sdkAppId`, `secretKey` and `admin`; an app's `rooms` overrides `maxRooms`, `blockedWords`, `requireAccounts`, `emptyRoomTimeoutSec` and `ownerOfflineTimeoutSec` for that app, its `deliveryPolicy` the key of that name",
        } satisfies Options<unknown[]>),
      }),
    ),
    maxRooms: roomRules.maxRooms({
      default: 0,
      env: "ROOMHOOK_MAX_ROOMS",
      description:
        "rooms an app may hold at once (create_room answers 100013 past it; Live.CallbackAfterCreateRoomReachingThreshold at 70%); 0: no limit",
    }),
    blockedWords: roomRules.blockedWords({
      default: [],
      defaultText: "(none)",
      env: "ROOMHOOK_BLOCKED_WORDS",
      description:
        "comma-separated words (in the file, also an array) that make a room's name or texts answer 100026 (content moderation)",
    }),
    requireAccounts: roomRules.requireAccounts({
      default: false,
      env: "ROOMHOOK_REQUIRE_ACCOUNTS",
      description:
        "room owners and robots must be imported Chat accounts (im_open_login_svc/account_import), else 70107",
    }),
    deliveryPolicy: deliveryPolicy({
      default: "at-least-once",
      env: "ROOMHOOK_DELIVERY_POLICY",
      flag: "--delivery-policy",
      description:
        "how after-callbacks are retried: at-least-once (roomhook's retries, ~22 h), tencent (one attempt, 2 s, as Tencent), tencent-retry-timeout (a timed-out attempt once more); per app in the config file's apps[].deliveryPolicy",
    }),
    emptyRoomTimeoutSec: roomRules.emptyRoomTimeoutSec({
      default: 1800,
      env: "ROOMHOOK_EMPTY_ROOM_TIMEOUT_SEC",
      description:
        "a room left empty this long is dissolved by the system (DestroyBySystem), in Tencent's range",
    }),
    ownerOfflineTimeoutSec: roomRules.ownerOfflineTimeoutSec({
      default: 0,
      env: "ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC",
      description: "a room whose owner stayed offline this long is dissolved by the system",
    }),
    config: Type.Optional(
      text({
        env: "ROOMHOOK_CONFIG",
        flag: "--config",
        notInFile: true,
        defaultText: "(none)",
        description: "path of a JSON config file (its JSON Schema, for editors: docs/config.schema.json)",
      }),
    ),
    logLevel: oneOf(LOG_LEVELS, {
      default: "info",
      env: "ROOMHOOK_LOG_LEVEL",
      flag: "--log-level",
      description: "fatal, error, warn, info, debug, trace or silent",
    }),
    bodyLimitBytes: whole(1024, 64 * 1048576, {
      default: 1048576,
      env: "ROOMHOOK_BODY_LIMIT",
      description: "largest REST request body; a larger one is answered 60002",
    }),
    trustProxy: yesNo({
      default: false,
      env: "ROOMHOOK_TRUST_PROXY",
      description: "take the client IP from X-Forwarded-For (behind a load balancer)",
    }),
    rateLimit: Type.Union(
      [
        Type.Literal("off"),
        Type.Literal("tencent"),
        Type.Record(
          Type.String(),
          Type.Number({ exclusiveMinimum: 0, mustBe: "a positive number of requests per second" }),
        ),
      ],
      {
        default: "off",
        env: "ROOMHOOK_RATE_LIMIT",
        mustBe: '"off", "tencent" or an object of per-command limits',
        description:
          '`off`, `tencent` (200/s per API, get_room_list 10/s, per app), or in the file `{ "*": n, "<command>": n }`',
      } satisfies Options<string>,
    ),
    userSigCacheSize: whole(0, 10_000_000, {
      default: 10000,
      env: "ROOMHOOK_USERSIG_CACHE",
      description: "verified UserSigs kept until they expire (0 turns the cache off)",
    }),
    groupCommitWindowMs: whole(0, 1000, {
      default: 0,
      env: "ROOMHOOK_GROUP_COMMIT_MS",
      description: "extra time concurrent writes wait to share one fsync'd commit (0: the next tick)",
    }),
    callbackTimeoutMs: whole(100, 60_000, {
      default: 2000,
      env: "ROOMHOOK_CALLBACK_TIMEOUT_MS",
      description:
        "time a receiver has to answer a callback (connect, send, reply) before the attempt counts as failed",
    }),
    beforeCallbackTimeoutMs: whole(100, 60_000, {
      default: 2000,
      env: "ROOMHOOK_BEFORE_CALLBACK_TIMEOUT_MS",
      description:
        "time the App backend has to answer a before-callback (Tencent's 2 s); then a gift is refused (unless Live.CallbackBeforeCallBackNotBlock is on) and a message goes through",
    }),
    deliveryConcurrency: whole(1, 10_000, {
      default: 64,
      env: "ROOMHOOK_DELIVERY_CONCURRENCY",
      description:
        "callbacks in flight at once, over all rooms (each room sends one at a time); about twice connectionsPerReceiver for each receiver: more only wait in the connection pool",
    }),
    connectionsPerReceiver: whole(1, 1024, {
      default: 32,
      env: "ROOMHOOK_RECEIVER_CONNECTIONS",
      description: "keep-alive connections per receiver origin",
    }),
    signingSecretOverlapSec: whole(0, 30 * 86400, {
      default: 86400,
      env: "ROOMHOOK_SECRET_OVERLAP_SEC",
      description: "after a signing-secret rotation, how long the old secret still signs beside the new one",
    }),
    dispatch: yesNo({
      default: true,
      env: "ROOMHOOK_DISPATCH",
      description:
        "whether this process sends callbacks; false makes an API-only process (the outbox keeps filling)",
    }),
    heartbeatTimeoutMs: whole(100, 3_600_000, {
      default: 30000,
      env: "ROOMHOOK_HEARTBEAT_TIMEOUT_MS",
      description: "a client silent this long is offline in its rooms (HeartbeatInterrupt)",
    }),
    maxFrameBytes: whole(1024, 16 * 1048576, {
      default: 65536,
      env: "ROOMHOOK_MAX_FRAME",
      description: "largest WebSocket frame a client may send; a larger one closes its connection (1009)",
    }),
    httpRequestTimeoutMs: whole(100, 600_000, {
      default: 15000,
      env: "ROOMHOOK_HTTP_REQUEST_TIMEOUT_MS",
      description:
        "time a client has to send a whole request, headers and body; then it is answered 60002 and closed",
    }),
    maxConnectionsPerIp: whole(1, 1_000_000, {
      default: 1024,
      env: "ROOMHOOK_MAX_CONNECTIONS_PER_IP",
      description:
        "open connections (HTTP and WebSocket) one client address may hold; more are closed at once (raise it behind a proxy)",
    }),
    wsLoginTimeoutMs: whole(50, 600_000, {
      default: 5000,
      env: "ROOMHOOK_WS_LOGIN_TIMEOUT_MS",
      description: "a WebSocket connection that has not logged in this long after it opened is closed (4002)",
    }),
    wsSendBufferBytes: whole(65536, 1024 * 1048576, {
      default: 4194304,
      env: "ROOMHOOK_WS_SEND_BUFFER",
      description:
        "bytes waiting to go to a client that does not read, past which its connection is closed (4008)",
    }),
    bannerUserSig: oneOf(["auto", "always", "never"], {
      default: "auto",
      env: "ROOMHOOK_BANNER_USERSIG",
      description:
        "whether the start banner prints a 7-day admin UserSig (curl commands, console link): auto (only when standard output is a terminal, never into a log file or journal), always, never",
    }),
    metricsToken: Type.Optional(
      text({
        secret: true,
        env: "ROOMHOOK_METRICS_TOKEN",
        defaultText: "(none: /metrics is open)",
        description: "bearer token that `GET /metrics` requires (`Authorization: Bearer <token>`)",
      }),
    ),
    operatorUrl: Type.Optional(
      text({
        pattern: "^https?://",
        secret: true,
        mustBe: "an http:// or https:// URL",
        refine: (v) =>
          !URL.canParse(v)
            ? "must be an http:// or https:// URL"
            : new URL(v).username !== "" || new URL(v).password !== ""
              ? "must not carry a user name or password; events are signed"
              : undefined,
        env: "ROOMHOOK_OPERATOR_URL",
        defaultText: "(none: no operational events)",
        description:
          "http(s) Url that receives roomhook's own events (dead delivery, 410, receiver failing and recovered, outbox delayed), signed with Standard Webhooks (docs/operations.md)",
      }),
    ),
    operatorSecret: Type.Optional(
      text({
        pattern: "^whsec_[A-Za-z0-9+/]+={0,2}$",
        secret: true,
        mustBe: WHSEC,
        refine: (v) => {
          const bytes = Buffer.from(v.slice("whsec_".length), "base64").length;
          return bytes < 24 || bytes > 64 ? `must be ${WHSEC}` : undefined;
        },
        env: "ROOMHOOK_OPERATOR_SECRET",
        defaultText: "(none; required with operatorUrl)",
        description:
          "Standard Webhooks secret, `whsec_` + base64 of 24 to 64 random bytes, that signs operational events",
      }),
    ),
    outboxAgeAlertSec: whole(10, 7 * 86400, {
      default: 300,
      env: "ROOMHOOK_OUTBOX_AGE_ALERT",
      description:
        "seconds the oldest pending delivery may wait before the `outbox.delayed` operational event",
    }),
    databaseUrl: Type.Optional(
      text({
        pattern: "^postgres(ql)?://",
        // It holds the database password.
        secret: true,
        mustBe: "a postgres:// or postgresql:// URL",
        refine: (v) => (URL.canParse(v) ? undefined : "must be a postgres:// or postgresql:// URL"),
        env: "DATABASE_URL",
        flag: "--database-url",
        defaultText: "(none: SQLite in `<data>`)",
        description:
          "`postgres://user:pass@host:5432/db`: several processes share this PostgreSQL database (docs/deploy.md)",
      }),
    ),
    pgPoolSize: whole(1, 1000, {
      default: 10,
      env: "ROOMHOOK_PG_POOL_SIZE",
      description: "PostgreSQL connections per process (one more listens for other processes' room events)",
    }),
    nodeId: Type.Optional(
      text({
        refine: (v) =>
          Buffer.byteLength(v) > NODE_ID_MAX_BYTES - NODE_SUFFIX_BYTES
            ? `must be at most ${NODE_ID_MAX_BYTES - NODE_SUFFIX_BYTES} bytes (a ${NODE_SUFFIX_BYTES}-byte suffix is added at every start)`
            : undefined,
        env: "ROOMHOOK_NODE_ID",
        defaultText: "`<hostname>-<pid>`",
        description:
          "this process's name among those sharing the database; a random suffix is added at every start",
      }),
    ),
    deliveryPollMs: whole(10, 60_000, {
      default: 250,
      env: "ROOMHOOK_DELIVERY_POLL_MS",
      description:
        "PostgreSQL: how often an idle dispatcher looks for due deliveries (its own are sent at once)",
    }),
    deliveryLeaseMs: Type.Optional(
      whole(1000, 3_600_000, {
        env: "ROOMHOOK_DELIVERY_LEASE_MS",
        defaultText: "callback timeout + 30000",
        description:
          "PostgreSQL: how long a room's delivery lane stays with the process sending it; a dead process's lanes pass on after this; longer than the callback timeout",
      }),
    ),
    retentionDeliveredDays: whole(0, 36_500, {
      default: 7,
      env: "ROOMHOOK_RETENTION_DELIVERED_DAYS",
      description:
        "delivered callbacks (with their attempts) and before-callback records older than this are removed; 0: kept forever (docs/deploy.md, Retention)",
    }),
    retentionDeadDays: whole(0, 36_500, {
      default: 30,
      env: "ROOMHOOK_RETENTION_DEAD_DAYS",
      description:
        "dead callbacks are removed this long after they gave up (until then they can be redelivered); 0: kept forever",
    }),
    retentionEventsDays: whole(0, 36_500, {
      default: 30,
      env: "ROOMHOOK_RETENTION_EVENTS_DAYS",
      description:
        "room events older than this are removed once no kept callback shows them; each room's last event stays; 0: kept forever",
    }),
    retentionBatchSize: whole(10, 100_000, {
      default: 100,
      env: "ROOMHOOK_RETENTION_BATCH",
      description:
        "rows one retention batch looks at and at most removes, in a short transaction of its own; a pause as long as the batch follows it",
    }),
    retentionIntervalSec: whole(0, 7 * 86400, {
      default: 3600,
      env: "ROOMHOOK_RETENTION_INTERVAL_SEC",
      description:
        "time between retention passes (the first a minute after start); 0: this process removes nothing",
    }),
  },
  { additionalProperties: false },
);

type Settings = Static<typeof configSchema>;
type SettingKey = keyof typeof configSchema.properties;
const settingKeys = Object.keys(configSchema.properties) as SettingKey[];
const setting = (key: SettingKey): Setting => configSchema.properties[key];
/** The single app's keys, refused beside the file's `apps`. */
const singleAppKeys: readonly SettingKey[] = ["sdkAppId", "secretKey", "admin"];

/** Every key present; an optional one (no default) may hold undefined. */
type Filled<T> = { [K in keyof T & string]: T[K] };

/** Settings that make something other than a Config field of their own name and type. */
type Made =
  | "config"
  | "data"
  | "sdkAppId"
  | "secretKey"
  | "admin"
  | "apps"
  | keyof AppRoomSettings
  | "deliveryPolicy"
  | "rateLimit"
  | "nodeId"
  | "deliveryLeaseMs";

/**
 * The configuration a process runs with: the settings of `configSchema` (descriptions there) that pass
 * as they are, and those made from others below.
 */
export interface Config extends Filled<Omit<Settings, Made>> {
  /** `data`, resolved against the working directory. */
  dataDir: string;
  /** The file's `apps`, or the single app of `sdkAppId`, `secretKey` and `admin`; each with its room rules. */
  apps: AppConfig[];
  /** True when apps came from the environment (or defaults) rather than a config file. */
  appsFromEnvironment: boolean;
  /** The config file read (ROOMHOOK_CONFIG or --config), resolved against the working directory. */
  configFile: string | undefined;
  rateLimit: RateLimitConfig;
  /** This process's id among those sharing the database (the configured name and a per-start suffix). */
  nodeId: string;
  /** PostgreSQL only: how long a delivery lane stays leased to the process sending its head, in ms. */
  deliveryLeaseMs: number;
}

/** A setting as `roomhook serve --help` and docs/config.md show it (one row), made from `configSchema`. */
export interface ConfigKey {
  /** Its key in the config file (and in `configSchema`). */
  key: SettingKey;
  /** Its environment variable, or "". */
  env: string;
  /** Its `roomhook serve` flag, or "". */
  flag: string;
  /** Its default, as text. */
  default: string;
  /** What it does, then what it accepts where JSON Schema's keywords say more than the description. */
  doc: string;
}

/** What a setting accepts, for the docs, where its description would not say it. */
function acceptsText(s: Setting): string | undefined {
  // Read before the kind guards: their types' index signatures would make it `any`.
  const mustBe = s.mustBe;
  if (KindGuard.IsInteger(s)) return mustBe ?? `${String(s.minimum)} to ${String(s.maximum)}`;
  if (
    KindGuard.IsUnion(s) &&
    s.anyOf.every((m) => KindGuard.IsInteger(m) || (KindGuard.IsLiteral(m) && typeof m.const === "number"))
  )
    return mustBe;
  if (KindGuard.IsString(s) && (s.minLength ?? 0) > 1) return `at least ${String(s.minLength)} characters`;
  return undefined;
}

/** Every setting, one row each, in `configSchema`'s order: docs/config.md's table and `serve --help`. */
export const configKeys: readonly ConfigKey[] = settingKeys.map((key) => {
  const s = setting(key);
  const accepts = acceptsText(s);
  return {
    key,
    env: s.env ?? "",
    flag: s.flag ?? "",
    default: s.defaultText ?? JSON.stringify(s.default).replace(/^"(.*)"$/, "$1"),
    doc: `${s.fileOnly === true ? "config file only: " : s.notInFile === true ? "not in the config file: " : ""}${String(s.description)}${accepts === undefined ? "" : `; ${accepts}`}`,
  };
});

/** The options of SettingMeta: roomhook's, left out of the published JSON Schema. */
const ownOptions = new Set([
  "env",
  "flag",
  "defaultText",
  "fileOnly",
  "notInFile",
  "secret",
  "mustBe",
  "refine",
]);

/**
 * The JSON Schema (draft-07) of the config file, which docs/config.schema.json holds (`npm run docs`
 * writes it, a test compares them): every key of `configSchema` a file may hold, and `$schema` for
 * editors; none required, unknown keys refused. Each key's description also names its environment
 * variable, its flag and a default the schema cannot hold.
 *
 * @returns a plain JSON object, made anew at each call.
 */
export function configFileJsonSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    $schema: {
      type: "string",
      description:
        "where this file's JSON Schema is, for editors (docs/config.schema.json); roomhook ignores it",
    },
  };
  for (const key of settingKeys) {
    const s = setting(key);
    if (s.notInFile === true) continue;
    const also = [
      s.env === undefined ? undefined : `environment ${s.env}`,
      s.flag === undefined ? undefined : `flag ${s.flag}`,
      s.defaultText === undefined || s.defaultText === "(none)" ? undefined : `default ${s.defaultText}`,
    ].filter((x) => x !== undefined);
    const json = JSON.parse(
      JSON.stringify(s, (k, v: unknown) => (ownOptions.has(k) ? undefined : v)),
    ) as Record<string, unknown>;
    properties[key] = {
      ...json,
      description: `${String(s.description)}${also.length === 0 ? "" : ` (${also.join("; ")})`}`,
    };
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "roomhook config file",
    description:
      "The JSON file named by ROOMHOOK_CONFIG or --config (docs/config.md). The environment and flags win over it.",
    type: "object",
    properties,
    additionalProperties: false,
  };
}

/** An invalid configuration: every problem found, each naming the setting (flag, variable or file key). */
export class ConfigError extends Error {
  readonly problems: string[];
  /** @param problems one line each, e.g. `ROOMHOOK_PORT: must be a whole number from 0 to 65535, got 99999`. */
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Default: process.env. Empty variables count as unset. */
  env?: Record<string, string | undefined>;
  /** `roomhook serve`'s flags (`--port 8080` or `--port=8080`). Default: none. */
  argv?: string[];
  /** What relative paths (the config file, `data`) are resolved against. Default: process.cwd(). */
  cwd?: string;
  /** Reads the config file. Default: fs.readFileSync as UTF-8. */
  readFile?: (path: string) => string;
}

/** ` (did you mean "maxRooms"?)` for a near miss (two edits, any case), else "". */
function didYouMean(word: string, known: readonly string[]): string {
  const distance = (a: string, b: string): number => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      for (let j = 1; j <= b.length; j++)
        cur[j] = Math.min(
          (prev[j] ?? 0) + 1,
          (cur[j - 1] ?? 0) + 1,
          (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      prev = cur;
    }
    return prev[b.length] ?? 0;
  };
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= 2 && d < word.length / 2 && (best === undefined || d < best.d)) best = { name, d };
  }
  return best === undefined ? "" : ` (did you mean "${best.name}"?)`;
}

function parseFlags(argv: string[], problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const known = settingKeys.flatMap((k) => setting(k).flag ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!known.includes(name)) {
      problems.push(`unknown flag ${name}${didYouMean(name, known)}`);
      // Its value, if it has one, is no flag of its own.
      if (eq < 0 && argv[i + 1]?.startsWith("-") === false) i++;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) problems.push(`flag ${name} needs a value`);
    else out[name] = value;
  }
  return out;
}

/** A place in a value: keys and array indexes. */
type Path = readonly (string | number)[];
/** How problems name a place: `--port`, `ROOMHOOK_PORT`, `config file "apps"`, `config file apps[0].admins`. */
type Label = (path: Path) => string;
const pathText = (path: Path) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");

/** Value.Check without its type guard, which would narrow `unknown` to `never` where it fails. */
const passes = (schema: TSchema, value: unknown): boolean => Value.Check(schema, value);

/** What a valid value is, after "must be". */
function describe(schema: TSchema): string {
  const s = schema as Setting;
  if (s.mustBe !== undefined) return s.mustBe;
  if (KindGuard.IsInteger(s)) return `a whole number from ${String(s.minimum)} to ${String(s.maximum)}`;
  if (KindGuard.IsNumber(s)) return "a number";
  if (KindGuard.IsBoolean(s)) return "true or false";
  if (KindGuard.IsLiteral(s)) return JSON.stringify(s.const);
  if (KindGuard.IsUnion(s) && s.anyOf.every((m) => KindGuard.IsLiteral(m)))
    return `one of ${s.anyOf.map((m) => String(m.const)).join(", ")}`;
  if (KindGuard.IsString(s))
    return (s.minLength ?? 0) > 1
      ? `a string of at least ${String(s.minLength)} characters`
      : "a non-empty string";
  if (KindGuard.IsArray(s)) return "an array";
  return "an object";
}

/** `, got 99999`: the value refused, unless it is secret or not a single value. */
function shown(schema: TSchema, value: unknown): string {
  if ((schema as Setting).secret === true || (typeof value === "object" && value !== null)) return "";
  return `, got ${JSON.stringify(value)}`;
}

/**
 * Checks a value against a schema and pushes a problem for each fault, as deep as it can name it:
 * each unknown key, each missing or wrong field, each wrong item. True when the value is valid.
 */
function check(schema: TSchema, value: unknown, label: Label, path: Path, problems: string[]): boolean {
  if (passes(schema, value)) {
    const why = (schema as Setting).refine?.(value);
    if (why === undefined) return true;
    problems.push(`${label(path)}: ${why}`);
    return false;
  }
  const before = problems.length;
  const fields =
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  if (fields !== undefined && KindGuard.IsObject(schema)) {
    const known = Object.keys(schema.properties);
    if (schema.additionalProperties === false)
      for (const k of Object.keys(fields))
        if (!known.includes(k)) problems.push(`${label(path)}: unknown key "${k}"${didYouMean(k, known)}`);
    for (const [k, s] of Object.entries(schema.properties)) {
      if (fields[k] !== undefined) check(s, fields[k], label, [...path, k], problems);
      else if (schema.required?.includes(k) === true)
        problems.push(`${label([...path, k])}: missing; must be ${describe(s)}`);
    }
  } else if (fields !== undefined && KindGuard.IsRecord(schema)) {
    const each = Object.values(schema.patternProperties)[0];
    if (each !== undefined)
      for (const [k, v] of Object.entries(fields)) check(each, v, label, [...path, k], problems);
  } else if (Array.isArray(value) && KindGuard.IsArray(schema) && value.length >= (schema.minItems ?? 0)) {
    value.forEach((v: unknown, i) => check(schema.items, v, label, [...path, i], problems));
  } else if (fields !== undefined && KindGuard.IsUnion(schema)) {
    // An object given where a union allows one shape of object: that shape's faults, by name.
    const shapes = schema.anyOf.filter((s) => KindGuard.IsObject(s) || KindGuard.IsRecord(s));
    const [shape] = shapes;
    if (shapes.length === 1 && shape !== undefined) check(shape, value, label, path, problems);
  }
  if (problems.length === before)
    problems.push(`${label(path)}: must be ${describe(schema)}${shown(schema, value)}`);
  return false;
}

/**
 * A flag's or variable's text as the schema's type: whole numbers, true/false/1/0, comma-separated
 * lists. Text that does not read as the type stays text, and the check says why.
 */
function fromText(schema: TSchema, text: string): unknown {
  const number = /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema)) return number;
  if (KindGuard.IsLiteral(schema)) return typeof schema.const === "number" ? number : text;
  if (KindGuard.IsBoolean(schema))
    return text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : text;
  if (KindGuard.IsArray(schema)) return text.split(",");
  if (KindGuard.IsUnion(schema)) {
    const read = schema.anyOf.map((m) => fromText(m, text));
    return (
      read.find((v, i) => schema.anyOf[i] !== undefined && passes(schema.anyOf[i], v)) ??
      read.find((v) => v !== text) ??
      text
    );
  }
  return text;
}

/** A comma-separated string or a list, trimmed, without empty words. */
const words = (v: string | string[]): string[] =>
  (typeof v === "string" ? v.split(",") : v).map((w) => w.trim()).filter((w) => w !== "");

/**
 * The configuration of this process, from defaults, the config file (ROOMHOOK_CONFIG or --config, JSON),
 * the environment and flags, each over the one before (docs/config.md).
 *
 * @param opts where to read from; by default this process's environment and working directory, no flags.
 * @returns the whole configuration, every key set (defaults filled in, `data` resolved, apps assembled).
 * @throws ConfigError listing every problem at once: unknown flags or file keys, values out of their
 *   schema, settings that exclude each other. Nothing else is thrown; an unreadable file is a problem.
 */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const problems: string[] = [];
  const flags = parseFlags(opts.argv ?? [], problems);
  const given = (name: string | undefined): string | undefined =>
    name === undefined || env[name] === undefined || env[name] === "" ? undefined : env[name];

  const configKey = setting("config");
  const configPath =
    (configKey.flag === undefined ? undefined : flags[configKey.flag]) ?? given(configKey.env);
  let file: Record<string, unknown> = {};
  if (configPath !== undefined && configPath !== "") {
    try {
      const parsed: unknown = JSON.parse(readFile(resolve(cwd, configPath)));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        problems.push(`config file ${configPath}: must hold a JSON object`);
      } else file = parsed as Record<string, unknown>;
    } catch (e) {
      problems.push(`config file ${configPath}: ${(e as Error).message}`);
    }
    // A misspelt key would otherwise be ignored in silence, its setting left at the default.
    const allowed = ["$schema", ...settingKeys.filter((k) => setting(k).notInFile !== true)];
    for (const k of Object.keys(file))
      if (!allowed.includes(k)) problems.push(`config file: unknown key "${k}"${didYouMean(k, allowed)}`);
  }

  // Apps: either a list in the config file, or one app from the environment and defaults.
  const appsFromEnvironment = file.apps === undefined;
  // Each key's winning value (flag, variable, file), checked; else its default (undefined: none).
  const values: Partial<Record<SettingKey, unknown>> = {};
  const present = new Set<SettingKey>();
  for (const key of settingKeys) {
    if (key === "config" || (!appsFromEnvironment && singleAppKeys.includes(key))) continue;
    const s = setting(key);
    values[key] = structuredClone(s.default);
    const flag = s.flag === undefined ? undefined : flags[s.flag];
    const fromEnv = given(s.env);
    let value: unknown;
    let label: Label;
    if (flag !== undefined || fromEnv !== undefined) {
      const name = flag !== undefined ? (s.flag ?? "") : (s.env ?? "");
      value = fromText(s, flag ?? fromEnv ?? "");
      label = (path) => `${name}${pathText(path)}`;
    } else if (s.notInFile !== true && file[key] !== undefined) {
      value = file[key];
      label = (path) => (path.length === 0 ? `config file "${key}"` : `config file ${key}${pathText(path)}`);
    } else continue;
    present.add(key);
    if (check(s, value, label, [], problems)) values[key] = value;
  }
  // Every key holds a value its schema accepts, or its default.
  const v = values as Settings;

  const rooms: AppRoomSettings = {
    maxRooms: v.maxRooms,
    blockedWords: words(v.blockedWords),
    requireAccounts: v.requireAccounts,
    emptyRoomTimeoutSec: v.emptyRoomTimeoutSec,
    ownerOfflineTimeoutSec: v.ownerOfflineTimeoutSec,
  };
  const apps: AppConfig[] = [];
  if (appsFromEnvironment) {
    apps.push({
      sdkAppId: v.sdkAppId,
      secretKey: v.secretKey,
      admins: v.admin.split(",").map((s) => s.trim()),
      rooms,
      deliveryPolicy: v.deliveryPolicy,
    });
  } else {
    const envAppKeys = singleAppKeys.flatMap((k) => {
      const name = setting(k).env;
      return name !== undefined && given(name) !== undefined ? [name] : [];
    });
    if (envAppKeys.length > 0)
      problems.push(
        `${envAppKeys.join(", ")}: not allowed when the config file declares "apps" (declare apps in one place)`,
      );
    for (const k of singleAppKeys)
      if (file[k] !== undefined) problems.push(`config file: "${k}" not allowed beside "apps"`);
    (v.apps ?? []).forEach((a, i) => {
      if (apps.some((x) => x.sdkAppId === a.sdkAppId))
        problems.push(`config file apps[${i}].sdkAppId: ${a.sdkAppId} declared twice`);
      const own = a.rooms ?? {};
      apps.push({
        sdkAppId: a.sdkAppId,
        secretKey: a.secretKey,
        admins: a.admins,
        rooms: {
          maxRooms: own.maxRooms ?? rooms.maxRooms,
          blockedWords: own.blockedWords === undefined ? rooms.blockedWords : words(own.blockedWords),
          requireAccounts: own.requireAccounts ?? rooms.requireAccounts,
          emptyRoomTimeoutSec: own.emptyRoomTimeoutSec ?? rooms.emptyRoomTimeoutSec,
          ownerOfflineTimeoutSec: own.ownerOfflineTimeoutSec ?? rooms.ownerOfflineTimeoutSec,
        },
        deliveryPolicy: a.deliveryPolicy ?? v.deliveryPolicy,
      });
    });
  }

  const rateLimit: RateLimitConfig =
    v.rateLimit === "off"
      ? { enabled: false }
      : { enabled: true, perSecond: { ...(v.rateLimit === "tencent" ? tencentRateLimits : v.rateLimit) } };

  if (present.has("operatorUrl") && !present.has("operatorSecret"))
    problems.push(
      `operator secret: ${String(setting("operatorSecret").env)} (or "operatorSecret" in the config file) is required with the operator Url (make one: echo whsec_$(openssl rand -base64 32))`,
    );

  // A suffix per start: a restarted process is a new node, and its previous life is reaped by timeout.
  const nodeId = `${v.nodeId ?? `${hostname()}-${process.pid}`}-${randomBytes(3).toString("hex")}`;
  if (Buffer.byteLength(nodeId) > NODE_ID_MAX_BYTES)
    problems.push(`node id ${nodeId}: at most ${NODE_ID_MAX_BYTES} bytes; set a shorter ROOMHOOK_NODE_ID`);

  const deliveryLeaseMs = v.deliveryLeaseMs ?? v.callbackTimeoutMs + 30_000;
  // A lease shorter than an attempt would pass a lane on while its head is still being sent.
  if (deliveryLeaseMs <= v.callbackTimeoutMs)
    problems.push(
      `delivery lease (${deliveryLeaseMs} ms) must be longer than the callback timeout (${v.callbackTimeoutMs} ms)`,
    );

  if (problems.length > 0) throw new ConfigError(problems);
  const {
    config: _config,
    data,
    sdkAppId: _sdkAppId,
    secretKey: _secretKey,
    admin: _admin,
    apps: _apps,
    maxRooms: _maxRooms,
    blockedWords: _blockedWords,
    requireAccounts: _requireAccounts,
    emptyRoomTimeoutSec: _emptyRoomTimeoutSec,
    ownerOfflineTimeoutSec: _ownerOfflineTimeoutSec,
    deliveryPolicy: _deliveryPolicy,
    rateLimit: _rateLimit,
    nodeId: _nodeId,
    deliveryLeaseMs: _deliveryLeaseMs,
    ...asTheyAre
  } = v;
  return {
    // values holds every key it was given a turn for, set to undefined where there is no default.
    ...(asTheyAre as Filled<typeof asTheyAre>),
    dataDir: resolve(cwd, data),
    apps,
    appsFromEnvironment,
    configFile: configPath === undefined || configPath === "" ? undefined : resolve(cwd, configPath),
    rateLimit,
    nodeId,
    deliveryLeaseMs,
  };
}
