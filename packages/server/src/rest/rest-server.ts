import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { failEnvelope, okEnvelope, parseJson, type RestEnvelope } from "@roomhook/protocol";
import type { Clock } from "../clock.ts";
import { LiveError } from "../live-error.ts";
import type { Logger } from "../logger.ts";
import { FieldReader } from "../rooms/field-reader.ts";
import type { OpContext } from "../rooms/room.ts";
import type { Authenticator } from "./auth.ts";
import type { Metrics } from "../metrics.ts";
import type { RestCommand } from "./live-engine-api.ts";
import type { CallLog, CallRecord } from "./call-log.ts";

/** Tencent's RequestId shape: `Id-<32 hex>-O-Seq-<n>`. One random prefix per process, a counter after. */
export function createRequestIds(): () => string {
  const prefix = `Id-${randomBytes(16).toString("hex")}-O-Seq-`;
  let seq = 0;
  return () => `${prefix}${++seq}`;
}

export interface RestRoutesOptions {
  services: Record<string, Record<string, RestCommand>>;
  auth: Authenticator;
  rateLimiter: { take(appId: number, command: string): void };
  clock: Clock;
  logger: Logger;
  nextRequestId: () => string;
  /** Counts each call answered (GET /metrics). */
  metrics?: Metrics;
  /** Keeps the newest calls of each app for `roomhook logs tail` (roomhook_log/get_call_feed). */
  callLog?: CallLog;
}

const TOP_LEVEL = Symbol("top-level fields");

/** A payload answered beside ActionStatus rather than in `Response` (Tencent Chat's APIs). */
export interface TopLevelFields {
  readonly [TOP_LEVEL]: Record<string, unknown>;
}

export function topLevel(fields: Record<string, unknown>): TopLevelFields {
  return { [TOP_LEVEL]: fields };
}

function isTopLevel(v: unknown): v is TopLevelFields {
  return typeof v === "object" && v !== null && TOP_LEVEL in v;
}

/** IPv4 clients show up as `::ffff:a.b.c.d` on a dual-stack socket; Tencent's ClientIP is a dotted quad. */
export function clientIp(raw: string | undefined): string {
  if (raw === undefined) return "";
  return raw.startsWith("::ffff:") && raw.includes(".") ? raw.slice(7) : raw;
}

function send(reply: FastifyReply, envelope: RestEnvelope): FastifyReply {
  // Tencent: HTTP 200 for every business outcome; the result is in the body.
  void reply
    .code(200)
    .header("content-type", "application/json; charset=utf-8")
    .send(JSON.stringify(envelope));
  return reply;
}

/**
 * Every path under /v4 answers in Tencent's envelope, whatever goes wrong: bad method or path (60002,
 * 60009), bad query (60012, 60006, 60004, 70xxx, 60010), bad body (60003, 60002 when too large, 100002),
 * and anything unexpected (100001, details in the log only).
 */
/**
 * The command a request names: the services' own entries only. The path is the client's, and a plain
 * object answers `toString`, `constructor` or `__proto__` with what every object inherits.
 */
export function commandOf(
  services: Record<string, Record<string, RestCommand>>,
  service: string,
  command: string,
): RestCommand | undefined {
  const commands = Object.hasOwn(services, service) ? services[service] : undefined;
  return commands !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
}

export function registerRestRoutes(app: FastifyInstance, opts: RestRoutesOptions): void {
  const { services, auth, rateLimiter, clock, logger, nextRequestId } = opts;

  // Bodies are decoded here, not by Fastify: whatever the Content-Type, so that a client that sends
  // text/plain or none at all still gets a Tencent answer rather than a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => {
    done(null, body);
  });

  function failureEnvelope(requestId: string, err: unknown, req: FastifyRequest): RestEnvelope {
    if (err instanceof LiveError) return failEnvelope(requestId, err.code, err.message);
    logger.error({ err, requestId, path: req.routeOptions.url }, "unexpected error in REST call");
    return failEnvelope(requestId, 100001);
  }

  /**
   * One line per REST call: what was asked, by whom, and what was answered. The query (with its
   * UserSig) is never logged; a path that names no service is logged as it was asked, cut to 100
   * characters. A refused call (ErrorCode other than 0) carries ErrorInfo too.
   */
  function logCall(
    req: FastifyRequest<{ Params: { service: string; command: string } }>,
    envelope: RestEnvelope,
    seconds: number,
    caller: { app: { sdkAppId: number }; identifier: string } | undefined,
  ): void {
    const appId = caller?.app.sdkAppId ?? numberOrUndefined(req.query);
    if (opts.callLog !== undefined && appId !== undefined) {
      // A path that names no command is the client's text: the feed gets no more of it than metrics.
      const known = commandOf(services, req.params.service, req.params.command) !== undefined;
      const call: Omit<CallRecord, "Id"> = {
        Time: clock.now(),
        Service: known ? req.params.service : "unknown",
        Command: known ? req.params.command : "unknown",
        ErrorCode: envelope.ErrorCode,
        DurationMs: Math.round(seconds * 10_000) / 10,
        RequestId: envelope.RequestId,
        ClientIP: clientIp(req.ip),
      };
      if (caller !== undefined) call.Operator_Account = caller.identifier;
      if (envelope.ErrorCode !== 0) call.ErrorInfo = envelope.ErrorInfo;
      opts.callLog.record(appId, call);
    }
    if (!logger.isLevelEnabled("info")) return;
    const line: Record<string, unknown> = {
      service: req.params.service.slice(0, 100),
      command: req.params.command.slice(0, 100),
      SDKAppID: appId,
      operator: caller?.identifier,
      ErrorCode: envelope.ErrorCode,
      ms: Math.round(seconds * 10_000) / 10,
      RequestId: envelope.RequestId,
      ip: clientIp(req.ip),
    };
    if (envelope.ErrorCode !== 0) line.ErrorInfo = envelope.ErrorInfo;
    logger.info(line, envelope.ErrorCode === 0 ? "REST call" : "REST call refused");
  }

  app.post<{ Params: { service: string; command: string }; Querystring: Record<string, unknown> }>(
    "/v4/:service/:command",
    async (req, reply) => {
      const requestId = nextRequestId();
      const started = performance.now();
      let envelope: RestEnvelope;
      let caller: { app: { sdkAppId: number }; identifier: string } | undefined;
      const handler = commandOf(services, req.params.service, req.params.command);
      try {
        if (handler === undefined) {
          throw new LiveError(60009, `no API ${req.params.service}/${req.params.command}`);
        }
        auth.checkTransportParams(req.query);
        caller = auth.authenticate(req.query);
        rateLimiter.take(caller.app.sdkAppId, req.params.command);
        const body = decodeBody(req.body);
        const ctx: OpContext = {
          appId: caller.app.sdkAppId,
          operator: caller.identifier,
          platform: "RESTAPI",
          clientIp: clientIp(req.ip),
          nowMs: clock.now(),
        };
        const payload = await handler(ctx, body);
        envelope = isTopLevel(payload)
          ? { ...okEnvelope(requestId), ...payload[TOP_LEVEL] }
          : okEnvelope(requestId, payload);
      } catch (err) {
        envelope = failureEnvelope(requestId, err, req);
      }
      // Labels from the services' own names only: a client's path must not grow the label set.
      const known = handler !== undefined;
      const seconds = (performance.now() - started) / 1000;
      opts.metrics?.httpRequest(
        known ? req.params.service : "unknown",
        known ? req.params.command : "unknown",
        envelope.ErrorCode,
        seconds,
      );
      logCall(req, envelope, seconds, caller);
      return send(reply, envelope);
    },
  );

  app.setNotFoundHandler((req, reply) => {
    const requestId = nextRequestId();
    const path = req.url.split("?")[0] ?? "";
    if (/^\/v4\/[^/]+\/[^/]+$/.test(path)) {
      return send(reply, failEnvelope(requestId, 60002, `method ${req.method} not allowed: use POST`));
    }
    return send(reply, failEnvelope(requestId, 60009, `no resource at ${path}`));
  });

  app.setErrorHandler((err: { code?: string; statusCode?: number }, req, reply) => {
    const requestId = nextRequestId();
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // The connection is closed after this answer: the rest of the body is never read.
      reply.header("connection", "close");
      return send(reply, failEnvelope(requestId, 60002, "request body too large"));
    }
    if (typeof err.statusCode === "number" && err.statusCode < 500) {
      return send(
        reply,
        failEnvelope(requestId, 60002, `cannot parse HTTP request (${err.code ?? "bad request"})`),
      );
    }
    return send(reply, failureEnvelope(requestId, err, req));
  });
}

/** The sdkappid a refused call named, when it is a number (for the log line only). */
function numberOrUndefined(query: unknown): number | undefined {
  const v = (query as Record<string, unknown> | undefined)?.sdkappid;
  const n = typeof v === "string" && /^\d{1,10}$/.test(v) ? Number(v) : undefined;
  return n;
}

function decodeBody(raw: unknown): FieldReader {
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new LiveError(60003, "request body is empty: send {} for APIs without parameters");
  }
  let value: unknown;
  try {
    // An account written as an 18-digit number keeps its digits (Tencent renders ids so).
    value = parseJson(raw.toString("utf8"));
  } catch {
    throw new LiveError(60003);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new LiveError(60003, "request body must be a JSON object");
  }
  return new FieldReader(value as Record<string, unknown>);
}
