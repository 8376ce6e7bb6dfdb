import { randomUUID } from "node:crypto";
import { webhookSignature } from "@roomhook/protocol";
import type { Clock } from "../clock.ts";
import { redactUrl, type Logger } from "../logger.ts";
import type { Sender } from "./sender.ts";

/**
 * Operational events: roomhook's own events about its deliveries, posted to the operator's Url (one
 * per server, `ROOMHOOK_OPERATOR_URL`) and signed with Standard Webhooks (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature` with `ROOMHOOK_OPERATOR_SECRET`). The body is Standard
 * Webhooks' event shape: `{"type": …, "timestamp": "<ISO 8601>", "data": {…}}`.
 *
 * | type                       | when                                                                  |
 * | -------------------------- | --------------------------------------------------------------------- |
 * | `delivery.dead`            | a delivery gave up (retries exhausted, 410, no usable configuration)  |
 * | `callback_config.disabled` | an app's callback configuration was disabled by a 410 Gone            |
 * | `receiver.failing`         | an app's receiver failed {@link FAILING_AFTER} attempts in a row     |
 * | `receiver.recovered`       | a receiver reported failing answered a delivery again                 |
 * | `outbox.delayed`           | the oldest pending delivery is older than `outboxAgeAlertSec`         |
 * | `outbox.recovered`         | after `outbox.delayed`, the oldest pending delivery is young again    |
 *
 * Delivery is at least once while the process runs, not durable: each event is tried up to
 * {@link RETRY_DELAYS_MS}.length + 1 times, then logged as lost (an error line). Ids are stable where
 * several processes may report the same fact (`delivery.dead`, `outbox.delayed`), so a receiver that
 * de-duplicates by `webhook-id`, as Standard Webhooks asks, sees it once.
 */
export interface OperatorEvents {
  /** A delivery went dead. */
  deliveryDead(d: {
    appId: number;
    deliveryId: number;
    eventId: string;
    roomId: string;
    command: string;
    attempts: number;
    reason: string;
  }): void;
  /** An app's callback configuration was disabled (410 Gone), ending `ended` pending deliveries. */
  callbackDisabled(appId: number, url: string, reason: string, ended: number): void;
  /** Every attempt's outcome for an app: tracks receivers that fail and recover. */
  attempt(appId: number, url: string, ok: boolean, error?: string): void;
  /** Reads the outbox and reports a delay or its end (also on a timer). */
  checkOutbox(): Promise<void>;
  /** Events waiting to be sent or retried (tests, shutdown). */
  readonly queued: number;
  /** Stops the timer and waits, for at most `ms`, for events being sent. */
  close(ms?: number): Promise<void>;
}

/** Consecutive failed attempts after which an app's receiver is reported failing. */
export const FAILING_AFTER = 3;
/** Delays before the 2nd, 3rd, … try of one operational event. */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000] as const;
/** Events held at most; past it the oldest is dropped with a warning. */
const MAX_QUEUED = 1000;

interface Outgoing {
  id: string;
  type: string;
  data: Record<string, unknown>;
  tries: number;
  /** When it happened, ISO 8601. */
  at: string;
}

export function createOperatorEvents(deps: {
  url: string;
  secret: string;
  sender: Sender;
  clock: Clock;
  logger: Logger;
  /** The outbox now: pending deliveries, and the oldest pending one's commit time (ms). */
  outbox: () => Promise<{ pending: number; oldestPendingMs?: number | undefined }>;
  /** Age of the oldest pending delivery past which `outbox.delayed` is sent (seconds). */
  outboxAgeAlertSec: number;
  /** How often the outbox is read (ms). Default 15 000. */
  checkEveryMs?: number;
}): OperatorEvents {
  const { sender, clock, logger } = deps;
  const url = new URL(deps.url);
  const target = { origin: url.origin, path: url.pathname + url.search };
  const queue: Outgoing[] = [];
  const sending = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const failing = new Map<string, { since: number; count: number; reported: boolean; url: string }>();
  let delayed: string | undefined;
  let closed = false;

  function emit(type: string, data: Record<string, unknown>, id = `${type}-${randomUUID()}`): void {
    if (closed) return;
    if (queue.length >= MAX_QUEUED) {
      const dropped = queue.shift();
      logger.warn({ type: dropped?.type, id: dropped?.id }, "operational event dropped: too many waiting");
    }
    const ev: Outgoing = { id, type, data, tries: 0, at: new Date(clock.now()).toISOString() };
    queue.push(ev);
    send(ev);
  }

  function send(ev: Outgoing): void {
    const p = (async () => {
      ev.tries++;
      // The body's timestamp is when it happened (roomhook's clock); webhook-timestamp is when it is
      // sent, checked by the receiver against its own wall clock (replay protection).
      const timestamp = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({ type: ev.type, timestamp: ev.at, data: ev.data });
      const outcome = await sender.send({
        target,
        headers: {
          "content-type": "application/json",
          "user-agent": "roomhook",
          "webhook-id": ev.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": webhookSignature({ secrets: [deps.secret], id: ev.id, timestamp, body }),
        },
        body,
      });
      // Any 2xx is taken (Standard Webhooks); the sender's `ok` also wants a JSON reply.
      const accepted =
        outcome.ok || (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300);
      if (accepted) {
        queue.splice(queue.indexOf(ev), 1);
        logger.info({ type: ev.type, id: ev.id, tries: ev.tries }, "operational event sent");
        return;
      }
      const delay = RETRY_DELAYS_MS[ev.tries - 1] as number | undefined;
      const error = outcome.error;
      if (delay === undefined || closed) {
        queue.splice(queue.indexOf(ev), 1);
        logger.error(
          { type: ev.type, id: ev.id, tries: ev.tries, error, url: redactUrl(deps.url) },
          "operational event lost: the operator Url did not take it",
        );
        return;
      }
      logger.warn(
        { type: ev.type, id: ev.id, tries: ev.tries, error, retryInMs: delay },
        "operational event not taken; will retry",
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(ev);
      }, delay);
      timer.unref();
      timers.add(timer);
    })().catch((err: unknown) => {
      logger.error({ err, type: ev.type }, "could not send an operational event");
    });
    const tracked = p.finally(() => sending.delete(tracked));
    sending.add(tracked);
  }

  const app = (appId: number) => ({ SDKAppID: appId });
  const receiverOf = (url: string) => {
    try {
      return new URL(url).origin;
    } catch {
      return "";
    }
  };

  async function checkOutbox(): Promise<void> {
    let o;
    try {
      o = await deps.outbox();
    } catch (err) {
      logger.error({ err }, "could not read the outbox for operational events");
      return;
    }
    const ageSec = o.oldestPendingMs === undefined ? 0 : Math.max(0, clock.now() - o.oldestPendingMs) / 1000;
    if (delayed === undefined && ageSec > deps.outboxAgeAlertSec) {
      delayed = String(o.oldestPendingMs);
      emit(
        "outbox.delayed",
        {
          OldestPendingAgeSeconds: Math.round(ageSec),
          Pending: o.pending,
          ThresholdSeconds: deps.outboxAgeAlertSec,
        },
        `outbox.delayed-${delayed}`,
      );
    } else if (delayed !== undefined && ageSec <= deps.outboxAgeAlertSec) {
      emit(
        "outbox.recovered",
        {
          OldestPendingAgeSeconds: Math.round(ageSec),
          Pending: o.pending,
          ThresholdSeconds: deps.outboxAgeAlertSec,
        },
        `outbox.recovered-${delayed}`,
      );
      delayed = undefined;
    }
  }

  const interval = setInterval(() => void checkOutbox(), deps.checkEveryMs ?? 15_000);
  interval.unref();

  return {
    deliveryDead(d) {
      emit(
        "delivery.dead",
        {
          ...app(d.appId),
          DeliveryId: d.deliveryId,
          EventId: d.eventId,
          RoomId: d.roomId,
          CallbackCommand: d.command,
          Attempts: d.attempts,
          Reason: d.reason,
        },
        `delivery.dead-${d.deliveryId}-${d.attempts}`,
      );
    },
    callbackDisabled(appId, url, reason, ended) {
      emit("callback_config.disabled", {
        ...app(appId),
        Url: redactUrl(url),
        Reason: redactUrl(reason),
        EndedDeliveries: ended,
      });
    },
    attempt(appId, url, ok, error) {
      // Per receiver: a new Url starts with a clean record.
      const key = `${appId} ${receiverOf(url)}`;
      const f = failing.get(key);
      if (ok) {
        if (f === undefined) return;
        failing.delete(key);
        if (f.reported)
          emit("receiver.recovered", {
            ...app(appId),
            Receiver: receiverOf(url),
            FailingSince: new Date(f.since).toISOString(),
            FailedAttempts: f.count,
          });
        return;
      }
      const now = clock.now();
      const cur = f ?? { since: now, count: 0, reported: false, url };
      cur.count++;
      failing.set(key, cur);
      if (!cur.reported && cur.count >= FAILING_AFTER) {
        cur.reported = true;
        emit("receiver.failing", {
          ...app(appId),
          Receiver: receiverOf(url),
          FailingSince: new Date(cur.since).toISOString(),
          FailedAttempts: cur.count,
          LastError: error ?? "",
        });
      }
    },
    checkOutbox,
    get queued() {
      return queue.length;
    },
    async close(ms = 2000) {
      closed = true;
      clearInterval(interval);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const waited = Promise.all(sending);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        waited,
        new Promise((r) => {
          timer = setTimeout(r, ms);
        }),
      ]);
      clearTimeout(timer);
      if (queue.length > 0)
        logger.warn({ events: queue.map((e) => e.type) }, "stopping: operational events not sent are lost");
    },
  };
}
