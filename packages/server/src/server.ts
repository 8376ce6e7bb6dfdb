import Fastify, { LogController, type FastifyBaseLogger } from "fastify";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import { createAuthenticator } from "./rest/auth.ts";
import { liveEngineApi } from "./rest/live-engine-api.ts";
import { seatApi } from "./rest/seat-api.ts";
import { groupApi } from "./rest/group-api.ts";
import { createBeforeCallbacks } from "./delivery/before-callback.ts";
import { createMessenger } from "./rooms/messenger.ts";
import { createGiftSender } from "./rooms/gift-sender.ts";
import { giftApi } from "./rest/gift-api.ts";
import { battleApi } from "./rest/battle-api.ts";
import { accountApi, profileApi } from "./rest/chat-api.ts";
import { createRoomSweeper, type RoomSweeper } from "./rooms/room-sweeper.ts";
import { createRetention, type Retention } from "./retention.ts";
import { createOperatorEvents, type OperatorEvents } from "./delivery/operator-events.ts";
import { createMetrics } from "./metrics.ts";
import { timingSafeEqual } from "node:crypto";

/** `Authorization: Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (m?.[1] === undefined) return false;
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
import { DEFAULT_ROOM_POLICY, type RoomPolicy } from "./rooms/room.ts";
import { liveConfigApi } from "./rest/live-config-api.ts";
import { deliveryApi } from "./rest/delivery-api.ts";
import { roomApi } from "./rest/room-api.ts";
import { createCallLog, logApi } from "./rest/call-log.ts";
import { registerConsole } from "./console-site.ts";
import { createDispatcher, type Dispatcher } from "./delivery/dispatcher.ts";
import { createSender } from "./delivery/sender.ts";
import { createGateway, type Gateway } from "./gateway/gateway.ts";
import { createRateLimiter } from "./rest/rate-limit.ts";
import { createRequestIds, registerRestRoutes } from "./rest/rest-server.ts";
import { failEnvelope } from "@roomhook/protocol";
import { openSqliteStore } from "./store/sqlite-store.ts";
import { openPgStore } from "./store/pg-store.ts";
import { COMMANDS_MODULE, commandRunner, type RoomStore } from "./rooms/commands.ts";

export interface ServerOptions {
  config: Config;
  /** Apps with their keys resolved (see secret-key.ts). */
  apps: { sdkAppId: number; secretKey: string; admins: string[] }[];
  logger: Logger;
  clock?: Clock;
  store?: RoomStore;
  /** "auto" (default) sends callbacks continuously; "manual" only on dispatcher.runOnce() (tests). */
  dispatch?: "auto" | "manual";
}

export interface RoomhookServer {
  /** Base URL, known after listen(). */
  readonly url: string;
  readonly store: RoomStore;
  readonly dispatcher: Dispatcher;
  readonly gateway: Gateway;
  /** Tencent's automatic dissolution of rooms (also runs on a timer). */
  readonly roomSweeper: RoomSweeper;
  /** Removes old deliveries, attempts, events and before-callback records (also runs on a timer). */
  readonly retention: Retention;
  /** roomhook's own events to the operator Url; undefined when none is configured. */
  readonly operator: OperatorEvents | undefined;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** SQLite in the data directory, or PostgreSQL when a database URL is configured. */
export async function openStore(config: Config, logger: Logger): Promise<RoomStore> {
  if (config.databaseUrl !== undefined)
    return openPgStore({
      url: config.databaseUrl,
      poolSize: config.pgPoolSize,
      nodeId: config.nodeId,
      logger,
      runner: commandRunner,
    });
  return openSqliteStore({
    dataDir: config.dataDir,
    groupCommitWindowMs: config.groupCommitWindowMs,
    runner: commandRunner,
    runnerModule: COMMANDS_MODULE,
  });
}

/** Why the HTTP parser refused a request, in words, by Node's error code. */
const CLIENT_ERRORS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "request headers are too large (16 KiB at most)",
  ERR_HTTP_REQUEST_TIMEOUT: "the request did not arrive in time",
  HPE_INVALID_CONTENT_LENGTH: "Content-Length is not a number",
  HPE_INVALID_CHUNK_SIZE: "a chunk size is not valid",
  HPE_INVALID_METHOD: "unknown HTTP method",
  HPE_INVALID_URL: "the request path is not valid",
};

/**
 * Answers a request the HTTP layer refused with Tencent's envelope (60002, HTTP 200 as every roomhook
 * answer) and `Connection: close`: the connection cannot carry another request.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code = err.code ?? "";
  const why = Object.hasOwn(CLIENT_ERRORS, code) ? CLIENT_ERRORS[code] : "the request is not valid HTTP";
  const body = JSON.stringify(failEnvelope(requestId, 60002, `cannot parse HTTP request: ${why} (${code})`));
  socket.end(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\nconnection: close\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Closes at once a connection from an address that already holds `max` (its others are served). */
function limitConnectionsPerAddress(server: HttpServer, max: number, logger: Logger): void {
  const open = new Map<string, number>();
  let warnedMs = 0;
  server.on("connection", (socket: Socket) => {
    const addr = socket.remoteAddress ?? "";
    const n = (open.get(addr) ?? 0) + 1;
    if (n > max) {
      const now = Date.now();
      if (now - warnedMs > 10_000) {
        warnedMs = now;
        logger.warn(
          { address: addr, max },
          "refused a connection over maxConnectionsPerIp (repeats are not logged for 10 s)",
        );
      }
      socket.destroy();
      return;
    }
    open.set(addr, n);
    socket.on("close", onClose);
  });
  /**
   * One listener for every socket, not a closure each (issue 16: ~250-450 B less per connection). The
   * address is the one counted: Node keeps a socket's peer address once read, after it closes too.
   */
  function onClose(this: Socket): void {
    const addr = this.remoteAddress ?? "";
    const left = (open.get(addr) ?? 1) - 1;
    if (left <= 0) open.delete(addr);
    else open.set(addr, left);
  }
}

export async function createServer(opts: ServerOptions): Promise<RoomhookServer> {
  const { config, logger } = opts;
  const clock = opts.clock ?? systemClock;
  const store = opts.store ?? (await openStore(config, logger));
  const nextRequestId = createRequestIds();
  // Typed as Fastify's logger so the instance keeps Fastify's default type parameters.
  const fastifyLogger: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance: fastifyLogger,
    // Per-request lines cost a third of the throughput; the REST layer logs what matters itself.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Headers and body must arrive within the timeout; the check runs every second (Node's default,
    // 30 s, would let a stalled request sit that much longer).
    serverFactory: (handler) => {
      const server = createHttpServer(
        {
          requestTimeout: config.httpRequestTimeoutMs,
          headersTimeout: config.httpRequestTimeoutMs,
          connectionsCheckingInterval: Math.min(1000, config.httpRequestTimeoutMs),
          // A request without Host is answered like any other (in the envelope), not with Node's
          // empty 400: roomhook serves one site and does not route by host.
          requireHostHeader: false,
        },
        handler,
      );
      limitConnectionsPerAddress(server, config.maxConnectionsPerIp, logger);
      return server;
    },
    // What the HTTP parser refuses (headers too large, a bad Content-Length or chunk, an unknown
    // method) and requests that did not arrive in time: Tencent's envelope, then the connection ends.
    clientErrorHandler: (err, socket) => {
      answerClientError(err, socket, nextRequestId());
    },
    frameworkErrors: (err, _req, reply) => {
      // A URL the router cannot take (bad percent-encoding, overlong segment): Tencent's answer, not a 400.
      reply.raw.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      const env =
        err.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? failEnvelope(nextRequestId(), 60009, "no such API (path segment too long)")
          : failEnvelope(nextRequestId(), 60002, `cannot parse HTTP request (${err.code})`);
      reply.raw.end(JSON.stringify(env));
    },
  });
  const policies = new Map<number, RoomPolicy>(
    config.apps.map((a) => [
      a.sdkAppId,
      {
        maxRooms: a.rooms.maxRooms,
        blockedWords: a.rooms.blockedWords,
        requireAccounts: a.rooms.requireAccounts,
      },
    ]),
  );
  const policyOf = (appId: number) => policies.get(appId) ?? DEFAULT_ROOM_POLICY;
  const deliveryPolicies = new Map(config.apps.map((a) => [a.sdkAppId, a.deliveryPolicy]));
  const policyOfApp = (appId: number) => deliveryPolicies.get(appId) ?? "at-least-once";
  // Before-callbacks have their own sender: Tencent's 2 s, never the after-callbacks' pool.
  const beforeSender = createSender({
    timeoutMs: config.beforeCallbackTimeoutMs,
    connectionsPerOrigin: config.connectionsPerReceiver,
  });
  const before = createBeforeCallbacks({ store, sender: beforeSender, clock, logger });
  const messenger = createMessenger({ store, before });
  const giftSender = createGiftSender({ store, before });
  const metrics = createMetrics({
    outbox: async () => {
      const s = await store.read((tx) => tx.getOutboxStats());
      const age = s.oldestPendingMs === undefined ? 0 : Math.max(0, clock.now() - s.oldestPendingMs) / 1000;
      return { pending: s.pending, dead: s.dead, oldestPendingAgeSeconds: age };
    },
    // Read at scrape time, when the gateway (made below) exists.
    wsConnections: () => gateway.sessions(),
  });
  store.onCommit((n) => {
    metrics.storeCommit(n);
  });
  const callLog = createCallLog(opts.apps.map((a) => a.sdkAppId));
  registerRestRoutes(app, {
    metrics,
    services: {
      live_engine_http_srv: {
        ...liveEngineApi(store, { messenger, policyOf }),
        ...giftApi(store, giftSender),
      },
      group_open_http_svc: groupApi(messenger),
      live_engine_http_pk: battleApi(store),
      room_engine_http_mic: seatApi(store),
      im_open_login_svc: accountApi(store),
      profile: profileApi(store),
      live_config: liveConfigApi(store, policyOfApp),
      roomhook_delivery: deliveryApi(store, { signingSecretOverlapSec: config.signingSecretOverlapSec }),
      roomhook_room: roomApi(store),
      roomhook_log: logApi(callLog),
    },
    callLog,
    auth: createAuthenticator({ apps: opts.apps, cacheSize: config.userSigCacheSize, clock }),
    rateLimiter: createRateLimiter({ config: config.rateLimit, clock }),
    clock,
    logger,
    nextRequestId,
  });
  registerConsole(app);
  app.get("/healthz", () => ({ status: "ok" }));
  // Ready: the store answers (its migrations ran before the server was built) and, on PostgreSQL,
  // the connection that hears other processes' events is up.
  app.get("/readyz", async (_req, reply) => {
    try {
      await store.read((tx) => tx.getCallbackConfig(0));
    } catch (err) {
      logger.warn({ err }, "readiness check failed: the store does not answer");
      return reply.code(503).send({ status: "unavailable", reason: "the store does not answer" });
    }
    const problem = store.notReady();
    if (problem !== undefined) {
      logger.warn({ reason: problem }, "readiness check failed");
      return reply.code(503).send({ status: "unavailable", reason: problem });
    }
    return { status: "ready" };
  });
  app.get("/metrics", async (req, reply) => {
    const token = config.metricsToken;
    if (token !== undefined && !bearerMatches(req.headers.authorization, token))
      return reply
        .code(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "a bearer token is required" });
    return reply.header("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const gateway: Gateway = createGateway({
    server: app.server,
    store,
    apps: opts.apps,
    clock,
    logger,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxFrameBytes: config.maxFrameBytes,
    loginTimeoutMs: config.wsLoginTimeoutMs,
    sendBufferBytes: config.wsSendBufferBytes,
    nodeId: config.nodeId,
    policyOf,
    messenger,
    gifts: giftSender,
  });
  const roomSweeper = createRoomSweeper({
    store,
    apps: config.apps,
    clock,
    logger,
    intervalMs: 10_000,
  });
  const retention = createRetention({
    store,
    clock,
    logger,
    settings: {
      deliveredDays: config.retentionDeliveredDays,
      deadDays: config.retentionDeadDays,
      eventsDays: config.retentionEventsDays,
      batchSize: config.retentionBatchSize,
      intervalMs: config.retentionIntervalSec * 1000,
    },
    onPass: (pass) => {
      metrics.retentionPass(pass);
    },
  });
  // roomhook's own events for the operator: their own sender, so a slow operator Url never holds
  // the callbacks' connections.
  const operator =
    config.operatorUrl === undefined || config.operatorSecret === undefined
      ? undefined
      : createOperatorEvents({
          url: config.operatorUrl,
          secret: config.operatorSecret,
          sender: createSender({ timeoutMs: config.callbackTimeoutMs, connectionsPerOrigin: 4 }),
          clock,
          logger,
          outboxAgeAlertSec: config.outboxAgeAlertSec,
          outbox: () => store.read((tx) => tx.getOutboxStats()),
        });
  // Apps under a `tencent` policy get Tencent's 2 s, whatever callbackTimeoutMs says.
  const tencentSender =
    config.apps.some((a) => a.deliveryPolicy !== "at-least-once") && config.callbackTimeoutMs !== 2000
      ? createSender({ timeoutMs: 2000, connectionsPerOrigin: config.connectionsPerReceiver })
      : undefined;
  const dispatcher = createDispatcher({
    store,
    metrics,
    policyOf: policyOfApp,
    ...(tencentSender === undefined ? {} : { tencentSender }),
    ...(operator === undefined ? {} : { operator }),
    sender: createSender({
      timeoutMs: config.callbackTimeoutMs,
      connectionsPerOrigin: config.connectionsPerReceiver,
    }),
    clock,
    logger,
    config: {
      concurrency: config.deliveryConcurrency,
      leaseMs: config.deliveryLeaseMs,
      pollMs: config.deliveryPollMs,
    },
  });

  let url = "";
  return {
    get url() {
      return url;
    },
    store,
    dispatcher,
    gateway,
    roomSweeper,
    retention,
    operator,
    async listen() {
      await gateway.start();
      await app.listen({ host: config.host, port: config.port });
      if (opts.dispatch !== "manual" && config.dispatch) await dispatcher.start();
      const addr = app.server.address() as AddressInfo;
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      url = `http://${host}:${addr.port}`;
      logger.info(
        {
          url,
          store: config.databaseUrl === undefined ? "sqlite" : "postgresql",
          node: config.nodeId,
          apps: opts.apps.map((a) => a.sdkAppId),
          dispatch: opts.dispatch !== "manual" && config.dispatch,
        },
        "roomhook started",
      );
      return url;
    },
    async close() {
      roomSweeper.close();
      await retention.close();
      await gateway.close();
      await app.close();
      await dispatcher.stop();
      await tencentSender?.close();
      await operator?.close();
      await beforeSender.close();
      await store.close();
      if (url !== "") logger.info({ node: config.nodeId }, "roomhook stopped normally");
    },
  };
}
