import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { userIdProblem } from "@roomhook/protocol";

/**
 * The only module that reads the environment. Precedence: defaults < config file < environment < flags.
 * An invalid configuration is reported with every problem at once (ConfigError.problems).
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
 * Tencent's automatic dissolution (destroy_room page 63406), which the room sweeper applies.
 */
export interface AppRoomSettings {
  maxRooms: number;
  blockedWords: string[];
  requireAccounts: boolean;
  /** A room empty this long is dissolved (DestroyBySystem), in seconds: 600-86400, default 1800. */
  emptyRoomTimeoutSec: number;
  /** A room whose owner is offline this long is dissolved, in seconds: 0 (off, the default) or 120-43200. */
  ownerOfflineTimeoutSec: number;
}

/** Tencent's ranges for the automatic dissolution windows (seconds). */
export const dissolveRanges = {
  emptyRoomTimeoutSec: { min: 600, max: 86400, default: 1800 },
  ownerOfflineTimeoutSec: { min: 120, max: 43200, default: 0 },
} as const;

export type RateLimitConfig = { enabled: false } | { enabled: true; perSecond: Record<string, number> };

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  apps: AppConfig[];
  /** True when apps came from the environment (or defaults) rather than a config file. */
  appsFromEnvironment: boolean;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  bodyLimitBytes: number;
  trustProxy: boolean;
  rateLimit: RateLimitConfig;
  userSigCacheSize: number;
  /** How long concurrent writes may wait for each other to share one commit, in ms (0 = next tick). */
  groupCommitWindowMs: number;
  callbackTimeoutMs: number;
  /** Time the App backend has to answer a before-callback (gift, message), in ms; Tencent's is 2000. */
  beforeCallbackTimeoutMs: number;
  deliveryConcurrency: number;
  connectionsPerReceiver: number;
  /** How long an old signing secret keeps signing after a rotation, in seconds. */
  signingSecretOverlapSec: number;
  /** Whether this process sends callbacks (off: it only answers the API and fills the outbox). */
  dispatch: boolean;
  heartbeatTimeoutMs: number;
  maxFrameBytes: number;
  /** Time a client has to send a whole request (headers and body), in ms. */
  httpRequestTimeoutMs: number;
  /** Open connections (HTTP and WebSocket) one client address may hold at once. */
  maxConnectionsPerIp: number;
  /** A WebSocket connection must log in within this long, in ms. */
  wsLoginTimeoutMs: number;
  /** Bytes waiting to go to one WebSocket client past which its connection is closed (4008). */
  wsSendBufferBytes: number;
  /** Whether the start banner prints admin UserSigs: always, never, or auto (only to a terminal). */
  bannerUserSig: "auto" | "always" | "never";
  /** Bearer token GET /metrics asks for; unset, /metrics is open (it listens where the API does). */
  metricsToken: string | undefined;
  /** Where roomhook's own operational events go (Standard Webhooks); unset, none are sent. */
  operatorUrl: string | undefined;
  /** The Standard Webhooks secret (`whsec_` + base64) that signs operational events. */
  operatorSecret: string | undefined;
  /** Age of the oldest pending delivery past which `outbox.delayed` is sent, in seconds. */
  outboxAgeAlertSec: number;
  /** PostgreSQL connection URL: set, several processes share one database; unset, SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** Connections each process keeps to PostgreSQL. */
  pgPoolSize: number;
  /** This process's id among those sharing the database (the configured name and a per-start suffix). */
  nodeId: string;
  /** PostgreSQL only: how often an idle dispatcher looks for deliveries due (other processes', retries). */
  deliveryPollMs: number;
  /** PostgreSQL only: how long a delivery lane stays leased to the process sending its head. */
  deliveryLeaseMs: number;
  /** Retention (retention.ts): days delivered deliveries and before-callback records are kept; 0: forever. */
  retentionDeliveredDays: number;
  /** Days dead deliveries are kept (they may still be redelivered); 0: forever. */
  retentionDeadDays: number;
  /** Days room events are kept once no delivery needs them (a room's last always stays); 0: forever. */
  retentionEventsDays: number;
  /** Rows one retention batch (one short write transaction) looks at and at most removes. */
  retentionBatchSize: number;
  /** Seconds between retention passes of this process; 0: this process never removes. */
  retentionIntervalSec: number;
}

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

/** Every configuration key, documented once. docs/config.md is checked against this table by a test. */
export const configKeys = [
  { key: "host", env: "ROOMHOOK_HOST", flag: "--host", default: "127.0.0.1", doc: "address to listen on" },
  { key: "port", env: "ROOMHOOK_PORT", flag: "--port", default: "8080", doc: "TCP port; 0 picks a free one" },
  {
    key: "data",
    env: "ROOMHOOK_DATA",
    flag: "--data",
    default: "./data",
    doc: "directory of the SQLite database and of the generated secret key",
  },
  {
    key: "sdkAppId",
    env: "ROOMHOOK_SDKAPPID",
    flag: "",
    default: "1400000000",
    doc: "SDKAppID of the single app, when the config file declares no `apps`",
  },
  {
    key: "secretKey",
    env: "ROOMHOOK_SECRET_KEY",
    flag: "",
    default: "generated at first start, kept in `<data>/secret-key`",
    doc: "the single app's UserSig key",
  },
  {
    key: "admin",
    env: "ROOMHOOK_ADMIN",
    flag: "",
    default: "administrator",
    doc: "the single app's administrator identifiers, comma-separated",
  },
  {
    key: "apps",
    env: "",
    flag: "",
    default: "(none)",
    doc: "config file only: `[{ sdkAppId, secretKey, admins: [..], rooms? }]`, several apps; excludes the three keys above; `rooms` overrides the five room keys below for that app",
  },
  {
    key: "maxRooms",
    env: "ROOMHOOK_MAX_ROOMS",
    flag: "",
    default: "0",
    doc: "rooms an app may hold at once (create_room answers 100013 past it; Live.CallbackAfterCreateRoomReachingThreshold at 70%); 0: no limit",
  },
  {
    key: "blockedWords",
    env: "ROOMHOOK_BLOCKED_WORDS",
    flag: "",
    default: "(none)",
    doc: "comma-separated words that make a room's name or texts answer 100026 (content moderation)",
  },
  {
    key: "requireAccounts",
    env: "ROOMHOOK_REQUIRE_ACCOUNTS",
    flag: "",
    default: "false",
    doc: "room owners and robots must be imported Chat accounts (im_open_login_svc/account_import), else 70107",
  },
  {
    key: "deliveryPolicy",
    env: "ROOMHOOK_DELIVERY_POLICY",
    flag: "--delivery-policy",
    default: "at-least-once",
    doc: "how after-callbacks are retried: at-least-once (roomhook's retries, ~22 h), tencent (one attempt, 2 s, as Tencent), tencent-retry-timeout (a timed-out attempt once more); per app in the config file's apps[].deliveryPolicy",
  },
  {
    key: "emptyRoomTimeoutSec",
    env: "ROOMHOOK_EMPTY_ROOM_TIMEOUT_SEC",
    flag: "",
    default: "1800",
    doc: "a room left empty this long is dissolved by the system (DestroyBySystem); 600 to 86400, as Tencent's",
  },
  {
    key: "ownerOfflineTimeoutSec",
    env: "ROOMHOOK_OWNER_OFFLINE_TIMEOUT_SEC",
    flag: "",
    default: "0",
    doc: "a room whose owner stayed offline this long is dissolved by the system; 0 (off) or 120 to 43200",
  },
  {
    key: "config",
    env: "ROOMHOOK_CONFIG",
    flag: "--config",
    default: "(none)",
    doc: "path of a JSON config file",
  },
  {
    key: "logLevel",
    env: "ROOMHOOK_LOG_LEVEL",
    flag: "--log-level",
    default: "info",
    doc: "fatal, error, warn, info, debug, trace or silent",
  },
  {
    key: "bodyLimitBytes",
    env: "ROOMHOOK_BODY_LIMIT",
    flag: "",
    default: "1048576",
    doc: "largest REST request body; a larger one is answered 60002",
  },
  {
    key: "trustProxy",
    env: "ROOMHOOK_TRUST_PROXY",
    flag: "",
    default: "false",
    doc: "take the client IP from X-Forwarded-For (behind a load balancer)",
  },
  {
    key: "rateLimit",
    env: "ROOMHOOK_RATE_LIMIT",
    flag: "",
    default: "off",
    doc: '`off`, `tencent` (200/s per API, get_room_list 10/s, per app), or in the file `{ "*": n, "<command>": n }`',
  },
  {
    key: "userSigCacheSize",
    env: "ROOMHOOK_USERSIG_CACHE",
    flag: "",
    default: "10000",
    doc: "verified UserSigs kept until they expire (0 turns the cache off)",
  },
  {
    key: "groupCommitWindowMs",
    env: "ROOMHOOK_GROUP_COMMIT_MS",
    flag: "",
    default: "0",
    doc: "extra time concurrent writes wait to share one fsync'd commit",
  },
  {
    key: "callbackTimeoutMs",
    env: "ROOMHOOK_CALLBACK_TIMEOUT_MS",
    flag: "",
    default: "2000",
    doc: "time a receiver has to answer a callback (connect, send, reply) before the attempt counts as failed",
  },
  {
    key: "beforeCallbackTimeoutMs",
    env: "ROOMHOOK_BEFORE_CALLBACK_TIMEOUT_MS",
    flag: "",
    default: "2000",
    doc: "time the App backend has to answer a before-callback (Tencent's 2 s); then a gift is refused (unless Live.CallbackBeforeCallBackNotBlock is on) and a message goes through",
  },
  {
    key: "deliveryConcurrency",
    env: "ROOMHOOK_DELIVERY_CONCURRENCY",
    flag: "",
    default: "256",
    doc: "callbacks in flight at once, over all rooms (each room sends one at a time)",
  },
  {
    key: "connectionsPerReceiver",
    env: "ROOMHOOK_RECEIVER_CONNECTIONS",
    flag: "",
    default: "32",
    doc: "keep-alive connections per receiver origin",
  },
  {
    key: "signingSecretOverlapSec",
    env: "ROOMHOOK_SECRET_OVERLAP_SEC",
    flag: "",
    default: "86400",
    doc: "after a signing-secret rotation, how long the old secret still signs beside the new one",
  },
  {
    key: "dispatch",
    env: "ROOMHOOK_DISPATCH",
    flag: "",
    default: "true",
    doc: "whether this process sends callbacks; false makes an API-only process (the outbox keeps filling)",
  },
  {
    key: "heartbeatTimeoutMs",
    env: "ROOMHOOK_HEARTBEAT_TIMEOUT_MS",
    flag: "",
    default: "30000",
    doc: "a client silent this long is offline in its rooms (HeartbeatInterrupt)",
  },
  {
    key: "maxFrameBytes",
    env: "ROOMHOOK_MAX_FRAME",
    flag: "",
    default: "65536",
    doc: "largest WebSocket frame a client may send; a larger one closes its connection (1009)",
  },
  {
    key: "httpRequestTimeoutMs",
    env: "ROOMHOOK_HTTP_REQUEST_TIMEOUT_MS",
    flag: "",
    default: "15000",
    doc: "time a client has to send a whole request, headers and body; then it is answered 60002 and closed",
  },
  {
    key: "maxConnectionsPerIp",
    env: "ROOMHOOK_MAX_CONNECTIONS_PER_IP",
    flag: "",
    default: "1024",
    doc: "open connections (HTTP and WebSocket) one client address may hold; more are closed at once (raise it behind a proxy)",
  },
  {
    key: "wsLoginTimeoutMs",
    env: "ROOMHOOK_WS_LOGIN_TIMEOUT_MS",
    flag: "",
    default: "5000",
    doc: "a WebSocket connection that has not logged in this long after it opened is closed (4002)",
  },
  {
    key: "wsSendBufferBytes",
    env: "ROOMHOOK_WS_SEND_BUFFER",
    flag: "",
    default: "4194304",
    doc: "bytes waiting to go to a client that does not read, past which its connection is closed (4008)",
  },
  {
    key: "bannerUserSig",
    env: "ROOMHOOK_BANNER_USERSIG",
    flag: "",
    default: "auto",
    doc: "whether the start banner prints a 7-day admin UserSig (curl commands, console link): auto (only when standard output is a terminal, never into a log file or journal), always, never",
  },
  {
    key: "metricsToken",
    env: "ROOMHOOK_METRICS_TOKEN",
    flag: "",
    default: "(none: /metrics is open)",
    doc: "bearer token that `GET /metrics` requires (`Authorization: Bearer <token>`)",
  },
  {
    key: "operatorUrl",
    env: "ROOMHOOK_OPERATOR_URL",
    flag: "",
    default: "(none: no operational events)",
    doc: "http(s) Url that receives roomhook's own events (dead delivery, 410, receiver failing and recovered, outbox delayed), signed with Standard Webhooks (docs/operations.md)",
  },
  {
    key: "operatorSecret",
    env: "ROOMHOOK_OPERATOR_SECRET",
    flag: "",
    default: "(none; required with operatorUrl)",
    doc: "Standard Webhooks secret, `whsec_` + base64 of 24 to 64 random bytes, that signs operational events",
  },
  {
    key: "outboxAgeAlertSec",
    env: "ROOMHOOK_OUTBOX_AGE_ALERT",
    flag: "",
    default: "300",
    doc: "seconds the oldest pending delivery may wait before the `outbox.delayed` operational event; 10 to 604800",
  },
  {
    key: "databaseUrl",
    env: "DATABASE_URL",
    flag: "--database-url",
    default: "(none: SQLite in `<data>`)",
    doc: "`postgres://user:pass@host:5432/db`: several processes share this PostgreSQL database (docs/deploy.md)",
  },
  {
    key: "pgPoolSize",
    env: "ROOMHOOK_PG_POOL_SIZE",
    flag: "",
    default: "10",
    doc: "PostgreSQL connections per process (one more listens for other processes' room events)",
  },
  {
    key: "nodeId",
    env: "ROOMHOOK_NODE_ID",
    flag: "",
    default: "`<hostname>-<pid>`",
    doc: "this process's name among those sharing the database; a random suffix is added at every start",
  },
  {
    key: "deliveryPollMs",
    env: "ROOMHOOK_DELIVERY_POLL_MS",
    flag: "",
    default: "250",
    doc: "PostgreSQL: how often an idle dispatcher looks for due deliveries (its own are sent at once)",
  },
  {
    key: "deliveryLeaseMs",
    env: "ROOMHOOK_DELIVERY_LEASE_MS",
    flag: "",
    default: "callback timeout + 30000",
    doc: "PostgreSQL: how long a room's delivery lane stays with the process sending it; a dead process's lanes pass on after this",
  },
  {
    key: "retentionDeliveredDays",
    env: "ROOMHOOK_RETENTION_DELIVERED_DAYS",
    flag: "",
    default: "7",
    doc: "delivered callbacks (with their attempts) and before-callback records older than this are removed; 0: kept forever; up to 36500 (docs/deploy.md, Retention)",
  },
  {
    key: "retentionDeadDays",
    env: "ROOMHOOK_RETENTION_DEAD_DAYS",
    flag: "",
    default: "30",
    doc: "dead callbacks are removed this long after they gave up (until then they can be redelivered); 0: kept forever; up to 36500",
  },
  {
    key: "retentionEventsDays",
    env: "ROOMHOOK_RETENTION_EVENTS_DAYS",
    flag: "",
    default: "30",
    doc: "room events older than this are removed once no kept callback shows them; each room's last event stays; 0: kept forever; up to 36500",
  },
  {
    key: "retentionBatchSize",
    env: "ROOMHOOK_RETENTION_BATCH",
    flag: "",
    default: "100",
    doc: "rows one retention batch looks at and at most removes, in a short transaction of its own; a pause as long as the batch follows it; 10 to 100000",
  },
  {
    key: "retentionIntervalSec",
    env: "ROOMHOOK_RETENTION_INTERVAL_SEC",
    flag: "",
    default: "3600",
    doc: "time between retention passes (the first a minute after start); 0: this process removes nothing; up to 604800",
  },
] as const;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  argv?: string[];
  cwd?: string;
  readFile?: (path: string) => string;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function parseFlags(argv: string[], problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const known = new Set<string>(configKeys.map((k) => k.flag).filter((f) => f !== ""));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!known.has(name)) {
      problems.push(`unknown flag ${name}`);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) problems.push(`flag ${name} needs a value`);
    else out[name] = value;
  }
  return out;
}

/** A user id by the one rule (protocol's userIdProblem), without the list's separators. */
function isAdminId(s: unknown): s is string {
  return typeof s === "string" && userIdProblem(s) === undefined && !/[\s,]/.test(s);
}

export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const problems: string[] = [];
  const flags = parseFlags(opts.argv ?? [], problems);

  const configPath = flags["--config"] ?? env.ROOMHOOK_CONFIG;
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
    const allowed = new Set<string>(configKeys.map((k) => k.key).filter((k) => k !== "config"));
    for (const k of Object.keys(file)) if (!allowed.has(k)) problems.push(`config file: unknown key "${k}"`);
  }

  /** The winning raw value of a key and where it came from, for messages. */
  const pick = (key: (typeof configKeys)[number]["key"]): { value: unknown; from: string } | undefined => {
    const spec = configKeys.find((k) => k.key === key);
    if (spec === undefined) return undefined;
    if (spec.flag !== "" && flags[spec.flag] !== undefined)
      return { value: flags[spec.flag], from: spec.flag };
    if (spec.env !== "" && env[spec.env] !== undefined && env[spec.env] !== "") {
      return { value: env[spec.env], from: spec.env };
    }
    if (file[key] !== undefined) return { value: file[key], from: `config file "${key}"` };
    return undefined;
  };

  const str = (key: Parameters<typeof pick>[0], dflt: string): string => {
    const v = pick(key);
    if (v === undefined) return dflt;
    if (typeof v.value !== "string" || v.value === "") {
      problems.push(`${v.from}: must be a non-empty string`);
      return dflt;
    }
    return v.value;
  };
  const int = (key: Parameters<typeof pick>[0], dflt: number, min: number, max: number): number => {
    const v = pick(key);
    if (v === undefined) return dflt;
    const n = typeof v.value === "string" && /^-?\d+$/.test(v.value.trim()) ? Number(v.value) : v.value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      problems.push(
        `${v.from}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(v.value)}`,
      );
      return dflt;
    }
    return n;
  };
  const bool = (key: Parameters<typeof pick>[0], dflt: boolean): boolean => {
    const v = pick(key);
    if (v === undefined) return dflt;
    if (typeof v.value === "boolean") return v.value;
    if (v.value === "true" || v.value === "1") return true;
    if (v.value === "false" || v.value === "0") return false;
    problems.push(`${v.from}: must be true or false, got ${JSON.stringify(v.value)}`);
    return dflt;
  };

  const host = str("host", "127.0.0.1");
  const port = int("port", 8080, 0, 65535);
  const dataDir = resolve(cwd, str("data", "./data"));
  const logLevelRaw = str("logLevel", "info");
  let logLevel: Config["logLevel"] = "info";
  if ((LOG_LEVELS as readonly string[]).includes(logLevelRaw)) logLevel = logLevelRaw as Config["logLevel"];
  else problems.push(`log level: must be one of ${LOG_LEVELS.join(", ")}, got "${logLevelRaw}"`);
  const bodyLimitBytes = int("bodyLimitBytes", 1048576, 1024, 64 * 1048576);
  const trustProxy = bool("trustProxy", false);
  const userSigCacheSize = int("userSigCacheSize", 10000, 0, 10_000_000);
  const groupCommitWindowMs = int("groupCommitWindowMs", 0, 0, 1000);
  const callbackTimeoutMs = int("callbackTimeoutMs", 2000, 100, 60_000);
  const beforeCallbackTimeoutMs = int("beforeCallbackTimeoutMs", 2000, 100, 60_000);
  const deliveryConcurrency = int("deliveryConcurrency", 256, 1, 10_000);
  const connectionsPerReceiver = int("connectionsPerReceiver", 32, 1, 1024);
  const signingSecretOverlapSec = int("signingSecretOverlapSec", 86400, 0, 30 * 86400);
  const dispatch = bool("dispatch", true);
  const heartbeatTimeoutMs = int("heartbeatTimeoutMs", 30000, 100, 3_600_000);
  const maxFrameBytes = int("maxFrameBytes", 65536, 1024, 16 * 1048576);
  const httpRequestTimeoutMs = int("httpRequestTimeoutMs", 15000, 100, 600_000);
  const maxConnectionsPerIp = int("maxConnectionsPerIp", 1024, 1, 1_000_000);
  const wsLoginTimeoutMs = int("wsLoginTimeoutMs", 5000, 50, 600_000);
  const wsSendBufferBytes = int("wsSendBufferBytes", 4194304, 65536, 1024 * 1048576);
  const bannerRaw = str("bannerUserSig", "auto");
  let bannerUserSig: Config["bannerUserSig"] = "auto";
  if (bannerRaw === "auto" || bannerRaw === "always" || bannerRaw === "never") bannerUserSig = bannerRaw;
  else
    problems.push(
      `banner UserSig (ROOMHOOK_BANNER_USERSIG): must be auto, always or never, got "${bannerRaw}"`,
    );
  const metricsTokenRaw = pick("metricsToken");
  const metricsToken = metricsTokenRaw === undefined ? undefined : str("metricsToken", "");
  const outboxAgeAlertSec = int("outboxAgeAlertSec", 300, 10, 7 * 86400);
  let operatorUrl: string | undefined;
  let operatorSecret: string | undefined;
  const operatorUrlRaw = pick("operatorUrl");
  const operatorSecretRaw = pick("operatorSecret");
  if (operatorUrlRaw !== undefined) {
    const v = operatorUrlRaw.value;
    const u = typeof v === "string" && URL.canParse(v) ? new URL(v) : undefined;
    if (u === undefined || (u.protocol !== "http:" && u.protocol !== "https:"))
      problems.push(`${operatorUrlRaw.from}: must be an http:// or https:// URL`);
    else if (u.username !== "" || u.password !== "")
      problems.push(`${operatorUrlRaw.from}: must not carry a user name or password; events are signed`);
    else operatorUrl = v as string;
  }
  if (operatorSecretRaw !== undefined) {
    const v = operatorSecretRaw.value;
    const key =
      typeof v === "string" && /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(v)
        ? Buffer.from(v.slice(6), "base64")
        : undefined;
    if (key === undefined || key.length < 24 || key.length > 64)
      problems.push(
        `${operatorSecretRaw.from}: must be whsec_ followed by base64 of 24 to 64 bytes (make one: echo whsec_$(openssl rand -base64 32))`,
      );
    else operatorSecret = v as string;
  }
  if (operatorUrlRaw !== undefined && operatorSecretRaw === undefined)
    problems.push(
      `operator secret: ROOMHOOK_OPERATOR_SECRET (or "operatorSecret" in the config file) is required with the operator Url (make one: echo whsec_$(openssl rand -base64 32))`,
    );
  const databaseUrlRaw = pick("databaseUrl");
  let databaseUrl: string | undefined;
  if (databaseUrlRaw !== undefined) {
    const v = databaseUrlRaw.value;
    if (typeof v !== "string" || !/^postgres(ql)?:\/\//.test(v) || !URL.canParse(v))
      problems.push(`${databaseUrlRaw.from}: must be a postgres:// or postgresql:// URL`);
    else databaseUrl = v;
  }
  const pgPoolSize = int("pgPoolSize", 10, 1, 1000);
  // A suffix per start: a restarted process is a new node, and its previous life is reaped by timeout.
  const nodeId = `${str("nodeId", `${hostname()}-${process.pid}`)}-${randomBytes(3).toString("hex")}`;
  if (Buffer.byteLength(nodeId) > 128) problems.push(`node id: at most 128 bytes`);
  const deliveryPollMs = int("deliveryPollMs", 250, 10, 60_000);
  const deliveryLeaseMs = int("deliveryLeaseMs", callbackTimeoutMs + 30_000, 1000, 3_600_000);
  // A lease shorter than an attempt would pass a lane on while its head is still being sent.
  if (deliveryLeaseMs <= callbackTimeoutMs)
    problems.push(
      `delivery lease (${deliveryLeaseMs} ms) must be longer than the callback timeout (${callbackTimeoutMs} ms)`,
    );
  const retentionDeliveredDays = int("retentionDeliveredDays", 7, 0, 36_500);
  const retentionDeadDays = int("retentionDeadDays", 30, 0, 36_500);
  const retentionEventsDays = int("retentionEventsDays", 30, 0, 36_500);
  const retentionBatchSize = int("retentionBatchSize", 100, 10, 100_000);
  const retentionIntervalSec = int("retentionIntervalSec", 3600, 0, 7 * 86400);

  // Room rules: these keys for every app; an app of the file may override them in its `rooms`.
  const blockedRaw = pick("blockedWords");
  const words = (v: unknown, from: string): string[] => {
    const list = typeof v === "string" ? v.split(",") : Array.isArray(v) ? v : undefined;
    if (list === undefined || !list.every((w) => typeof w === "string")) {
      problems.push(`${from}: must be a comma-separated string or an array of strings`);
      return [];
    }
    return list.map((w) => w.trim()).filter((w) => w !== "");
  };
  const ownerOffline = (n: number, from: string): number => {
    const r = dissolveRanges.ownerOfflineTimeoutSec;
    if (n !== 0 && (n < r.min || n > r.max)) {
      problems.push(`${from}: must be 0 (off) or from ${r.min} to ${r.max} seconds, got ${n}`);
      return 0;
    }
    return n;
  };
  const policyOf = (v: unknown, from: string): DeliveryPolicy => {
    if ((deliveryPolicies as readonly unknown[]).includes(v)) return v as DeliveryPolicy;
    problems.push(`${from}: must be one of ${deliveryPolicies.join(", ")}, got ${JSON.stringify(v)}`);
    return "at-least-once";
  };
  const policyRaw = pick("deliveryPolicy");
  const defaultPolicy: DeliveryPolicy =
    policyRaw === undefined ? "at-least-once" : policyOf(policyRaw.value, policyRaw.from);
  const roomDefaults: AppRoomSettings = {
    maxRooms: int("maxRooms", 0, 0, 100_000_000),
    blockedWords: blockedRaw === undefined ? [] : words(blockedRaw.value, blockedRaw.from),
    requireAccounts: bool("requireAccounts", false),
    emptyRoomTimeoutSec: int(
      "emptyRoomTimeoutSec",
      dissolveRanges.emptyRoomTimeoutSec.default,
      dissolveRanges.emptyRoomTimeoutSec.min,
      dissolveRanges.emptyRoomTimeoutSec.max,
    ),
    ownerOfflineTimeoutSec: ownerOffline(int("ownerOfflineTimeoutSec", 0, 0, 43200), "owner offline timeout"),
  };
  /** An app's `rooms` object of the config file over the defaults. */
  const appRooms = (raw: unknown, at: string): AppRoomSettings => {
    if (raw === undefined) return roomDefaults;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      problems.push(`${at}: must be an object`);
      return roomDefaults;
    }
    const r = raw as Record<string, unknown>;
    const out = { ...roomDefaults };
    const num = (
      k: "maxRooms" | "emptyRoomTimeoutSec" | "ownerOfflineTimeoutSec",
      min: number,
      max: number,
    ) => {
      const v = r[k];
      if (v === undefined) return;
      if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
        problems.push(`${at}.${k}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
      else out[k] = v;
    };
    for (const k of Object.keys(r))
      if (
        ![
          "maxRooms",
          "blockedWords",
          "requireAccounts",
          "emptyRoomTimeoutSec",
          "ownerOfflineTimeoutSec",
        ].includes(k)
      )
        problems.push(`${at}: unknown key "${k}"`);
    num("maxRooms", 0, 100_000_000);
    const e = dissolveRanges.emptyRoomTimeoutSec;
    num("emptyRoomTimeoutSec", e.min, e.max);
    num("ownerOfflineTimeoutSec", 0, dissolveRanges.ownerOfflineTimeoutSec.max);
    out.ownerOfflineTimeoutSec = ownerOffline(out.ownerOfflineTimeoutSec, `${at}.ownerOfflineTimeoutSec`);
    if (r.blockedWords !== undefined) out.blockedWords = words(r.blockedWords, `${at}.blockedWords`);
    if (r.requireAccounts !== undefined) {
      if (typeof r.requireAccounts !== "boolean")
        problems.push(`${at}.requireAccounts: must be true or false`);
      else out.requireAccounts = r.requireAccounts;
    }
    return out;
  };

  // Apps: either a list in the config file, or one app from the environment and defaults.
  const apps: AppConfig[] = [];
  const envAppKeys = (["ROOMHOOK_SDKAPPID", "ROOMHOOK_SECRET_KEY", "ROOMHOOK_ADMIN"] as const).filter(
    (k) => env[k] !== undefined && env[k] !== "",
  );
  const fileApps = file.apps;
  const appsFromEnvironment = fileApps === undefined;
  if (!appsFromEnvironment) {
    if (envAppKeys.length > 0) {
      problems.push(
        `${envAppKeys.join(", ")}: not allowed when the config file declares "apps" (declare apps in one place)`,
      );
    }
    for (const k of ["sdkAppId", "secretKey", "admin"]) {
      if (file[k] !== undefined) problems.push(`config file: "${k}" not allowed beside "apps"`);
    }
    if (!Array.isArray(fileApps) || fileApps.length === 0) {
      problems.push(`config file "apps": must be a non-empty array`);
    } else {
      fileApps.forEach((raw: unknown, i) => {
        const at = `config file apps[${i}]`;
        if (typeof raw !== "object" || raw === null) {
          problems.push(`${at}: must be an object`);
          return;
        }
        const a = raw as Record<string, unknown>;
        const sdkAppId = a.sdkAppId;
        if (typeof sdkAppId !== "number" || !Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
          problems.push(`${at}.sdkAppId: must be a positive whole number`);
        }
        if (typeof a.secretKey !== "string" || a.secretKey.length < 16) {
          problems.push(`${at}.secretKey: must be a string of at least 16 characters`);
        }
        if (!Array.isArray(a.admins) || a.admins.length === 0 || !a.admins.every(isAdminId)) {
          problems.push(
            `${at}.admins: must be a non-empty array of user ids (1-32 bytes, no spaces or commas)`,
          );
        }
        if (apps.some((x) => x.sdkAppId === sdkAppId))
          problems.push(`${at}.sdkAppId: ${String(sdkAppId)} declared twice`);
        apps.push({
          sdkAppId: sdkAppId as number,
          secretKey: a.secretKey as string,
          admins: Array.isArray(a.admins) ? (a.admins as string[]) : [],
          rooms: appRooms(a.rooms, `${at}.rooms`),
          deliveryPolicy:
            a.deliveryPolicy === undefined
              ? defaultPolicy
              : policyOf(a.deliveryPolicy, `${at}.deliveryPolicy`),
        });
      });
    }
  } else {
    const sdkAppId = int("sdkAppId", 1400000000, 1, Number.MAX_SAFE_INTEGER);
    const admins = str("admin", "administrator")
      .split(",")
      .map((s) => s.trim());
    if (!admins.every(isAdminId))
      problems.push(`ROOMHOOK_ADMIN: each admin must be a user id of 1-32 bytes without spaces`);
    const secretKey = pick("secretKey");
    if (secretKey !== undefined && (typeof secretKey.value !== "string" || secretKey.value.length < 16)) {
      problems.push(`${secretKey.from}: must be at least 16 characters`);
    }
    apps.push({
      sdkAppId,
      secretKey: secretKey?.value as string | undefined,
      admins,
      rooms: roomDefaults,
      deliveryPolicy: defaultPolicy,
    });
  }

  let rateLimit: RateLimitConfig = { enabled: false };
  const rl = pick("rateLimit");
  if (rl !== undefined) {
    if (rl.value === "off") rateLimit = { enabled: false };
    else if (rl.value === "tencent") rateLimit = { enabled: true, perSecond: { ...tencentRateLimits } };
    else if (typeof rl.value === "object" && rl.value !== null && !Array.isArray(rl.value)) {
      const perSecond: Record<string, number> = {};
      for (const [k, v] of Object.entries(rl.value)) {
        if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
          problems.push(`${rl.from}.${k}: must be a positive number of requests per second`);
        } else perSecond[k] = v;
      }
      rateLimit = { enabled: true, perSecond };
    } else problems.push(`${rl.from}: must be "off", "tencent" or an object of per-command limits`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host,
    port,
    dataDir,
    apps,
    appsFromEnvironment,
    logLevel,
    bodyLimitBytes,
    trustProxy,
    rateLimit,
    userSigCacheSize,
    groupCommitWindowMs,
    callbackTimeoutMs,
    beforeCallbackTimeoutMs,
    deliveryConcurrency,
    connectionsPerReceiver,
    signingSecretOverlapSec,
    dispatch,
    heartbeatTimeoutMs,
    maxFrameBytes,
    httpRequestTimeoutMs,
    maxConnectionsPerIp,
    wsLoginTimeoutMs,
    wsSendBufferBytes,
    bannerUserSig,
    metricsToken,
    operatorUrl,
    operatorSecret,
    outboxAgeAlertSec,
    databaseUrl,
    pgPoolSize,
    nodeId,
    deliveryPollMs,
    deliveryLeaseMs,
    retentionDeliveredDays,
    retentionDeadDays,
    retentionEventsDays,
    retentionBatchSize,
    retentionIntervalSec,
  };
}
