import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import type { RoomStore } from "./rooms/commands.ts";
import type { PruneBatch } from "./store/store.ts";

/**
 * Retention: delivered deliveries with their attempts, dead ones (kept longer: an operator may still
 * redeliver them), before-callback records and room events are removed once older than their age,
 * in small batches, each its own short write between everyone else's. What is still needed stays
 * whatever its age: a pending delivery, the last delivery of a room (its next one's
 * PreviousSequence), an event a delivery still shows, and the last event of every room. The
 * catch-up query (roomhook_delivery/get_room_callbacks) therefore reaches back as far as the ages
 * allow, and always to a room's latest callback.
 */
export interface RetentionSettings {
  /** Days a delivered delivery (and its attempts) and a before-callback record are kept; 0: forever. */
  deliveredDays: number;
  /** Days a dead delivery is kept after it gave up; 0: forever. */
  deadDays: number;
  /** Days a room event is kept once nothing needs it; 0: forever. */
  eventsDays: number;
  /** Rows a batch looks at, and at most removes (deliveries: plus their attempts); a batch is one write. */
  batchSize: number;
  /** Time between passes; 0: no timer (passes run only through runOnce). */
  intervalMs: number;
}

/** What one pass removed, and in how many batches (write transactions). */
export interface RetentionPass {
  deliveries: number;
  attempts: number;
  events: number;
  beforeCallbacks: number;
  batches: number;
}

export interface Retention {
  /** One pass at the clock's time, batch after batch until every table is done; a running pass is joined. */
  runOnce(): Promise<RetentionPass>;
  /** Stops the timer and the pass in progress after its current batch. */
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const FIRST_PASS_MS = 60_000;

export function createRetention(opts: {
  store: RoomStore;
  clock: Clock;
  logger: Logger;
  settings: RetentionSettings;
  /** Told of every pass that removed something (a metric, a test). */
  onPass?: (pass: RetentionPass) => void;
}): Retention {
  const { store, clock, logger, settings } = opts;
  let running: Promise<RetentionPass> | undefined;
  let closed = false;

  /** Batches over one table from its first id until the batch that says the pass is over. */
  async function sweep(batch: (afterId: number) => Promise<PruneBatch>, pass: RetentionPass) {
    let afterId = 0;
    let removed = 0;
    let attempts = 0;
    while (!closed) {
      const started = performance.now();
      const b = await batch(afterId);
      pass.batches++;
      removed += b.removed;
      attempts += b.attempts;
      if (b.done) break;
      afterId = b.lastId;
      // A pause as long as the batch took (real time, not the clock's): retention takes at most half
      // of the writer's time, and the writes that came meanwhile commit without it.
      await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
    }
    return { removed, attempts };
  }

  async function passOnce(): Promise<RetentionPass> {
    const now = clock.now();
    const before = (days: number) => (days > 0 ? now - days * DAY_MS : undefined);
    const delivered = before(settings.deliveredDays);
    const dead = before(settings.deadDays);
    const events = before(settings.eventsDays);
    const limit = settings.batchSize;
    const pass: RetentionPass = { deliveries: 0, attempts: 0, events: 0, beforeCallbacks: 0, batches: 0 };
    // Deliveries first: the events they held may go in the same pass.
    if (delivered !== undefined || dead !== undefined) {
      const r = await sweep(
        (afterId) =>
          store.write({
            op: "pruneDeliveries",
            afterId,
            limit,
            ...(delivered === undefined ? {} : { deliveredBeforeMs: delivered }),
            ...(dead === undefined ? {} : { deadBeforeMs: dead }),
          }),
        pass,
      );
      pass.deliveries = r.removed;
      pass.attempts = r.attempts;
    }
    if (delivered !== undefined)
      pass.beforeCallbacks = (
        await sweep(
          (afterId) => store.write({ op: "pruneBeforeCallbacks", afterId, limit, beforeMs: delivered }),
          pass,
        )
      ).removed;
    if (events !== undefined)
      pass.events = (
        await sweep((afterId) => store.write({ op: "pruneEvents", afterId, limit, beforeMs: events }), pass)
      ).removed;
    if (pass.deliveries + pass.attempts + pass.events + pass.beforeCallbacks > 0)
      logger.info({ ...pass }, "retention removed old rows");
    opts.onPass?.(pass);
    return pass;
  }

  const runOnce = () => {
    // One pass at a time: a slow one is joined, not doubled.
    running ??= passOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  // The first pass soon after start (a process restarted more often than the interval still
  // removes), then one per interval.
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (closed || settings.intervalMs <= 0) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => {
          logger.error({ err }, "retention could not remove old rows (the next pass tries again)");
        })
        .finally(() => {
          schedule(settings.intervalMs);
        });
    }, ms);
    timer.unref();
  };
  schedule(Math.min(settings.intervalMs, FIRST_PASS_MS));
  return {
    runOnce,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
