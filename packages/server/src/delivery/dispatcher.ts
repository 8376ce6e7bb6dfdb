import type { Metrics } from "../metrics.ts";
import { tencentParamIn, callbackSign, webhookSignature } from "@roomhook/protocol";
import type { Clock } from "../clock.ts";
import { redactUrl, type Logger } from "../logger.ts";
import type { OperatorEvents } from "./operator-events.ts";
import type { DeliveryPolicy } from "../config.ts";
import type {
  AttemptNext,
  AttemptRecord,
  CallbackConfig,
  CallbackToken,
  DeliveryToSend,
  ReadyDelivery,
} from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";
import { laneSource } from "./lanes.ts";
import { MAX_ATTEMPTS, parseRetryAfter, retryDelay } from "./retry-schedule.ts";
import type { PostRequest, SendOutcome, Sender } from "./sender.ts";

export interface DispatcherConfig {
  /** Deliveries in flight at once, over all lanes. */
  concurrency: number;
  /** Shared lanes: how long a lane stays leased to this process (longer than any attempt). */
  leaseMs: number;
  /** Shared lanes: how often to look for due deliveries when nothing told this process of any. */
  pollMs: number;
}

export interface Dispatcher {
  /** Loads what is pending and sends continuously, on the clock, until stop(). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends everything due now, and what becomes due by it, then resolves (for tests). */
  runOnce(): Promise<void>;
  /** Deliveries the dispatcher knows to be pending (with shared lanes: those in flight here). */
  pending(): number;
}

/** Extension headers, ignorable by a Tencent-only receiver (docs/delivery.md). */
export const HEADER = {
  eventId: "roomhook-event-id",
  seq: "roomhook-sequence",
  prevSeq: "roomhook-previous-sequence",
  attempt: "roomhook-attempt",
} as const;

const REPLY_LOG_BYTES = 1024;
const SETTINGS_TTL_MS = 1000;
/** Rounds of attempt records waiting for their commit at once (see writeRecord). */
const RECORD_ROUNDS = 2;

interface RecordCommand {
  op: "recordAttempt";
  id: number;
  appId: number;
  roomId: string;
  attempt: AttemptRecord;
  next: AttemptNext;
}

interface AppSettings {
  cfg: CallbackConfig | undefined;
  token: CallbackToken | undefined;
  secrets: string[];
}

/**
 * A configured callback URL, parsed once: the origin its connection pool is for, and the path with
 * the URL's own query, re-serialized as URLSearchParams writes it, without any of Tencent's parameters
 * (a Url stored before set_callback refused them may still have its own: they are replaced), ending
 * where Tencent's parameters follow (`?` or `&`). Parsing the URL and writing its query with
 * URL/URLSearchParams for every delivery cost ~2 µs and ~1 KB of garbage each (issue 16).
 */
interface CallbackTarget {
  origin: string;
  base: string;
}
const targets = new Map<string, CallbackTarget>();
/** URLs kept parsed (one per app's callback configuration in use): past it, the cache starts over. */
const TARGETS_KEPT = 1024;
function callbackTarget(url: string): CallbackTarget {
  let t = targets.get(url);
  if (t === undefined) {
    const u = new URL(url);
    const q = u.searchParams;
    for (let own = tencentParamIn(q); own !== undefined; own = tencentParamIn(q)) q.delete(own);
    const own = q.toString();
    t = { origin: u.origin, base: `${u.pathname}?${own === "" ? "" : `${own}&`}` };
    if (targets.size >= TARGETS_KEPT) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/**
 * A query value as URLSearchParams writes it (application/x-www-form-urlencoded): most of Tencent's
 * values (digits, command names, platforms, IPv4 addresses, hex) need nothing, and are not copied.
 */
function formValue(v: string): string {
  return /^[A-Za-z0-9*._-]*$/.test(v) ? v : new URLSearchParams([["", v]]).toString().slice(1);
}

/** The callback request as Tencent sends it (Tencent: Live webhook overview): URL with query, headers, body. */
export function buildCallbackRequest(opts: {
  /** An outbox delivery; a before-callback has no sequence and no attempt number. */
  delivery: Pick<DeliveryToSend, "appId" | "command" | "clientIp" | "platform" | "eventId" | "body"> &
    Partial<Pick<DeliveryToSend, "seq" | "prevSeq">>;
  url: string;
  token: { token: string; enabled: boolean } | undefined;
  secrets: readonly string[];
  nowMs: number;
  attempt?: number;
}): PostRequest {
  const { delivery: d } = opts;
  const { origin, base } = callbackTarget(opts.url);
  // The configured URL's own query stays; Tencent's parameters follow it, each once.
  let path =
    `${base}SdkAppid=${d.appId}&CallbackCommand=${formValue(d.command)}&contenttype=json` +
    `&ClientIP=${formValue(d.clientIp)}&OptPlatform=${formValue(d.platform)}`;
  const nowSec = Math.floor(opts.nowMs / 1000);
  if (opts.token?.enabled === true)
    path += `&Sign=${callbackSign(opts.token.token, nowSec)}&RequestTime=${nowSec}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "roomhook",
    [HEADER.eventId]: d.eventId,
  };
  if (d.seq !== undefined) headers[HEADER.seq] = String(d.seq);
  if (d.prevSeq !== undefined) headers[HEADER.prevSeq] = String(d.prevSeq);
  if (opts.attempt !== undefined) headers[HEADER.attempt] = String(opts.attempt);
  if (opts.secrets.length > 0) {
    headers["webhook-id"] = d.eventId;
    headers["webhook-timestamp"] = String(nowSec);
    headers["webhook-signature"] = webhookSignature({
      secrets: opts.secrets,
      id: d.eventId,
      timestamp: nowSec,
      body: d.body,
    });
  }
  return { target: { origin, path }, headers, body: d.body };
}

/**
 * The dispatcher: the only part that talks to App backends. Takes due lane heads, posts each exactly as
 * Tencent does, records every attempt in the store, and schedules retries. A delivery's answer is
 * committed before its lane moves on, so a crash of the process repeats at most the deliveries in
 * flight (the record is committed asynchronously, not flushed: a crash of the machine can also repeat
 * those of its last moments, in order; docs/delivery.md).
 */
export function createDispatcher(deps: {
  store: RoomStore;
  sender: Sender;
  clock: Clock;
  logger: Logger;
  config: DispatcherConfig;
  random?: () => number;
  /** Counts each attempt and its outcome (GET /metrics). */
  metrics?: Metrics;
  /** Told of dead deliveries, disabled configurations, failing and recovered receivers. */
  operator?: OperatorEvents;
  /** Each app's delivery policy (default: at-least-once for every app). */
  policyOf?: (appId: number) => DeliveryPolicy;
  /** The sender of apps under a `tencent` policy: Tencent's 2 s timeout (default: `sender`). */
  tencentSender?: Sender;
}): Dispatcher {
  const { store, sender, clock, logger, config } = deps;
  const random = deps.random ?? Math.random;
  const lanes = laneSource(store, config, logger);
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let subscribed = false;

  /**
   * An app's callback settings, read at send time (a fixed URL or a new token applies to pending
   * deliveries too). Kept for at most SETTINGS_TTL_MS and dropped at once when this process changes
   * them, so a local change is seen by the next delivery.
   */
  /** An app's settings: read at `at`, the read's promise, and its value once it came. */
  type SettingsEntry = { at: number; value: Promise<AppSettings>; read?: AppSettings };
  const settings = new Map<number, SettingsEntry>();
  store.onSettingsChanged((appId) => settings.delete(appId));
  /** The settings, as they are once read (no await on the hot path), or the read under way. */
  function settingsOf(appId: number, nowMs: number): AppSettings | Promise<AppSettings> {
    const hit = settings.get(appId);
    if (hit !== undefined && nowMs - hit.at < SETTINGS_TTL_MS && nowMs >= hit.at)
      return hit.read ?? hit.value;
    const value = store.read(async (tx) => ({
      cfg: await tx.getCallbackConfig(appId),
      token: await tx.getCallbackToken(appId),
      secrets: (await tx.listSigningSecrets(appId, nowMs)).map((x) => x.secret),
    }));
    const entry: SettingsEntry = { at: nowMs, value };
    settings.set(appId, entry);
    value.then(
      (v) => {
        entry.read = v;
      },
      () => undefined, // the delivery awaiting it fails and settles for a retry
    );
    return value;
  }

  async function deliver(
    r: ReadyDelivery,
    read: Promise<Map<number, DeliveryToSend>> | undefined,
  ): Promise<void> {
    // A shared lane's claim, or the writer's ready notice, brings the delivery along; otherwise it is
    // in the claim's batched read.
    const d = r.toSend ?? (await read)?.get(r.id);
    if (d?.state !== "pending") {
      await lanes.settle(r, { recorded: false });
      return;
    }
    const nowMs = clock.now();
    const known = settingsOf(d.appId, nowMs);
    const { cfg, token, secrets } = known instanceof Promise ? await known : known;
    const attempt = d.attempts + 1;
    if (cfg === undefined || cfg.disabledReason !== undefined) {
      const reason =
        cfg === undefined
          ? "no callback configuration"
          : `callback configuration disabled: ${cfg.disabledReason}`;
      await record(
        d,
        { n: attempt, startedMs: nowMs, durationMs: 0, error: reason },
        { state: "dead", reason },
        "not-configured",
      );
      deps.metrics?.deliveryAttempt(d.command, "dead", 0);
      await lanes.settle(r, { recorded: true });
      return;
    }
    const req = buildCallbackRequest({
      delivery: d,
      url: cfg.url,
      token,
      secrets,
      nowMs,
      attempt,
    });
    const policy = deps.policyOf?.(d.appId) ?? "at-least-once";
    const outcome = await (policy === "at-least-once" ? sender : (deps.tencentSender ?? sender)).send(req);
    const a: AttemptRecord = { n: attempt, startedMs: nowMs, durationMs: outcome.ms };
    if (outcome.status !== undefined) a.status = outcome.status;
    if (!outcome.ok) a.error = outcome.error;
    if (outcome.reply !== undefined) a.reply = outcome.reply.slice(0, REPLY_LOG_BYTES);
    const next = decide(outcome, attempt, clock.now(), policy);
    await record(d, a, next, outcome.ok ? undefined : outcome.kind);
    deps.operator?.attempt(d.appId, cfg.url, outcome.ok, outcome.ok ? undefined : outcome.error);
    deps.metrics?.deliveryAttempt(
      d.command,
      next.state === "pending" ? "failed" : next.state,
      outcome.ms / 1000,
      next.state === "delivered" ? Math.max(0, clock.now() - d.createdMs) / 1000 : undefined,
    );
    if (!outcome.ok && outcome.status === 410) {
      // Standard Webhooks etiquette: 410 Gone means the endpoint is gone for good. The app's other
      // pending deliveries end with it (dead): counted, logged and told to the operator here.
      const reason = `410 Gone from ${redactUrl(cfg.url)}`;
      const ended = await store.write({ op: "disableCallback", appId: d.appId, reason, nowMs: clock.now() });
      // The app's pending deliveries are dead now: a body carried with a ready notice says pending.
      lanes.forgetBodies();
      deps.metrics?.deliveriesEnded(ended);
      deps.operator?.callbackDisabled(d.appId, cfg.url, reason, ended);
      logger.warn(
        { SDKAppID: d.appId, url: redactUrl(cfg.url), endedDeliveries: ended },
        "callback configuration disabled: the receiver answered 410 Gone; its pending deliveries are dead; enable it again with live_config/update_callback",
      );
    }
    const settled = lanes.settle(
      r,
      next.state === "pending" ? { recorded: true, retryAtMs: next.nextAttemptMs } : { recorded: true },
    );
    if (settled !== undefined) await settled;
  }

  function decide(outcome: SendOutcome, attempt: number, nowMs: number, policy: DeliveryPolicy): AttemptNext {
    // Tencent: for after-callbacks the reply's ActionStatus/ErrorCode are ignored; 200 + JSON is delivered.
    if (outcome.ok) return { state: "delivered" };
    if (!outcome.retryable) return { state: "dead", reason: outcome.error };
    // Tencent's own behaviour: one attempt; with tencent-retry-timeout, a timed-out one once more, at once.
    if (policy === "tencent-retry-timeout" && outcome.kind === "timeout" && attempt === 1)
      return { state: "pending", nextAttemptMs: nowMs };
    if (policy !== "at-least-once")
      return { state: "dead", reason: `${outcome.error} (delivery policy ${policy}: no more attempts)` };
    let delay = retryDelay(attempt, random);
    if (delay === undefined)
      return { state: "dead", reason: `${outcome.error} (after ${MAX_ATTEMPTS} attempts)` };
    if (outcome.status === 429 || outcome.status === 503)
      delay = parseRetryAfter(outcome.retryAfter, nowMs) ?? delay;
    return { state: "pending", nextAttemptMs: nowMs + delay };
  }

  /**
   * Attempt records go to the store in rounds: while RECORD_ROUNDS rounds wait for their commit, the
   * records made meanwhile wait too, then go together (one message to SQLite's writer thread, one
   * batch on PostgreSQL, instead of one each: at thousands of deliveries a second, one each cost more
   * than the rest of a delivery's own work). With little traffic (one busy lane), a record goes at once.
   */
  const recordQueue: { cmd: RecordCommand; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let recordRounds = 0;
  function writeRecord(cmd: RecordCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      recordQueue.push({ cmd, resolve, reject });
      if (recordRounds < RECORD_ROUNDS) recordRound();
    });
  }
  function recordRound(): void {
    const round = recordQueue.splice(0);
    recordRounds++;
    void Promise.all(
      round.map((r) =>
        store.write(r.cmd).then(
          () => {
            r.resolve();
          },
          (err: unknown) => {
            r.reject(err);
          },
        ),
      ),
    ).finally(() => {
      recordRounds--;
      if (recordQueue.length > 0) recordRound();
    });
  }

  async function record(
    d: DeliveryToSend,
    attempt: AttemptRecord,
    next: AttemptNext,
    failure?: string,
  ): Promise<void> {
    await writeRecord({ op: "recordAttempt", id: d.id, appId: d.appId, roomId: d.roomId, attempt, next });
    logAttempt(d, attempt, next, failure);
    if (next.state === "dead")
      deps.operator?.deliveryDead({
        appId: d.appId,
        deliveryId: d.id,
        eventId: d.eventId,
        roomId: d.roomId,
        command: d.command,
        attempts: attempt.n,
        reason: next.reason,
      });
  }

  /**
   * One line per attempt: the command, room, event, attempt number, the HTTP status or the kind of
   * failure, how long it took, and when the next try is. A delivery that goes dead is a warning.
   */
  function logAttempt(d: DeliveryToSend, a: AttemptRecord, next: AttemptNext, failure?: string): void {
    if (next.state !== "dead" && !logger.isLevelEnabled("info")) return;
    const line: Record<string, unknown> = {
      SDKAppID: d.appId,
      CallbackCommand: d.command,
      RoomId: d.roomId,
      eventId: d.eventId,
      deliveryId: d.id,
      attempt: a.n,
      ms: a.durationMs,
    };
    if (a.status !== undefined) line.status = a.status;
    if (failure !== undefined) line.failure = failure;
    if (a.error !== undefined) line.error = a.error;
    if (next.state === "pending") {
      line.nextAttemptAt = new Date(next.nextAttemptMs).toISOString();
      logger.info(line, "delivery attempt failed; will retry");
    } else if (next.state === "dead") {
      line.reason = next.reason;
      logger.warn(line, "delivery is dead: no more attempts (redeliver it with roomhook_delivery/redeliver)");
    } else logger.info(line, "delivered");
  }

  /** deliver, whose failure to record settles the head for a retry: never rejects. */
  async function deliverOrRetry(r: ReadyDelivery, read: Promise<Map<number, DeliveryToSend>> | undefined) {
    try {
      await deliver(r, read);
    } catch (err) {
      // The attempt could not be recorded (store failure): try again later, in order.
      logger.error({ err, deliveryId: r.id }, "delivery failed unexpectedly");
      await lanes.settle(r, { recorded: false, retryAtMs: clock.now() + 1000 });
    }
  }

  function launch(r: ReadyDelivery, read: Promise<Map<number, DeliveryToSend>> | undefined): void {
    const finished = () => {
      inFlight.delete(p);
      // The last one in flight (one busy lane): nothing to batch with, the next claim goes now.
      if (inFlight.size === 0) pump();
      else pumpSoon();
    };
    // One promise per delivery besides deliver's own (a .catch and a .finally made two more).
    const p: Promise<void> = deliverOrRetry(r, read).then(finished, (err: unknown) => {
      logger.error({ err, deliveryId: r.id }, "delivery could not be settled");
      finished();
    });
    inFlight.add(p);
  }

  /** Launches a claim's heads; those that came without their delivery are read in one query. */
  function launchAll(batch: readonly ReadyDelivery[]): void {
    const ids: number[] = [];
    for (const r of batch) if (r.toSend === undefined) ids.push(r.id);
    const read =
      ids.length === 0
        ? undefined
        : store.read(async (tx) => new Map((await tx.getDeliveriesToSend(ids)).map((d) => [d.id, d])));
    // Each delivery awaits the read; one that fails fails them all (each settles for a retry).
    read?.catch(() => undefined);
    for (const r of batch) launch(r, read);
  }

  /**
   * Claims run once per turn of the event loop, after that turn's completions: each completion frees
   * a slot, and one claim then fills them all (one batched read) instead of one claim per slot.
   */
  let pumpScheduled = false;
  function pumpSoon(): void {
    if (pumpScheduled || !running) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** A claim from shared lanes is a query: one at a time, and once more if asked meanwhile. */
  let claiming = false;
  let claimErrorLoggedMs = 0;
  let again = false;

  function pump(): void {
    if (!running) return;
    const free = config.concurrency - inFlight.size;
    if (free > 0 && claiming) again = true;
    else if (free > 0) {
      const claimed = lanes.claim(clock.now(), free);
      if (Array.isArray(claimed)) launchAll(claimed);
      else {
        claiming = true;
        again = false;
        claimed
          .then(
            (batch) => {
              launchAll(batch);
              if (batch.length === free) again = true;
            },
            (err: unknown) => {
              // Polled every deliveryPollMs: while the database is away, one line per 10 s is enough.
              const now = Date.now();
              if (now - claimErrorLoggedMs >= 10_000) {
                claimErrorLoggedMs = now;
                logger.error({ err }, "could not claim deliveries (repeats are not logged for 10 s)");
              }
            },
          )
          .finally(() => {
            claiming = false;
            if (again) pump();
          });
      }
    }
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const next = lanes.nextDueMs(clock.now());
    if (next !== undefined && inFlight.size < config.concurrency) {
      timer = setTimeout(pump, Math.max(0, Math.min(next - clock.now(), 60_000)));
    }
  }

  async function load(): Promise<void> {
    if (!subscribed) {
      subscribed = true;
      store.onReadyDeliveries((ready) => {
        lanes.add(ready);
        pumpSoon();
      });
    }
    await lanes.load();
  }

  return {
    async start() {
      await load();
      running = true;
      pump();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await Promise.all(inFlight);
      await sender.close();
    },
    async runOnce() {
      if (!subscribed) await load();
      for (;;) {
        // A claim from shared lanes takes time: one that began while a delivery was in flight may have
        // found its lane still leased. Only an empty claim begun with nothing in flight means done.
        const busyBefore = inFlight.size > 0;
        const batch = await lanes.claim(clock.now(), config.concurrency - inFlight.size);
        if (batch.length === 0) {
          if (inFlight.size > 0) await Promise.race(inFlight);
          else if (!busyBefore) return;
          continue;
        }
        launchAll(batch);
      }
    },
    pending: () => lanes.size,
  };
}
