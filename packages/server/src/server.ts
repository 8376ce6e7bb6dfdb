import Fastify, { LogController, type FastifyBaseLogger } from "fastify";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import { createAuthenticator } from "./rest/auth.ts";
import { liveEngineApi } from "./rest/live-engine-api.ts";
import { liveConfigApi } from "./rest/live-config-api.ts";
import { deliveryApi } from "./rest/delivery-api.ts";
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
  registerRestRoutes(app, {
    services: {
      live_engine_http_srv: liveEngineApi(store),
      live_config: liveConfigApi(store),
      roomhook_delivery: deliveryApi(store, { signingSecretOverlapSec: config.signingSecretOverlapSec }),
    },
    auth: createAuthenticator({ apps: opts.apps, cacheSize: config.userSigCacheSize, clock }),
    rateLimiter: createRateLimiter({ config: config.rateLimit, clock }),
    clock,
    logger,
    nextRequestId,
  });
  app.get("/healthz", () => ({ status: "ok" }));
  const gateway = createGateway({
    server: app.server,
    store,
    apps: opts.apps,
    clock,
    logger,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxFrameBytes: config.maxFrameBytes,
    nodeId: config.nodeId,
  });
  const dispatcher = createDispatcher({
    store,
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
    async listen() {
      await gateway.start();
      await app.listen({ host: config.host, port: config.port });
      if (opts.dispatch !== "manual" && config.dispatch) await dispatcher.start();
      const addr = app.server.address() as AddressInfo;
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      url = `http://${host}:${addr.port}`;
      return url;
    },
    async close() {
      await gateway.close();
      await app.close();
      await dispatcher.stop();
      await store.close();
    },
  };
}
