import type { Logger } from "../logger.ts";
import type { ReadyDelivery, SharedLanes } from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";

/**
 * Lanes: one per room of an app. A lane sends its deliveries one at a time in sequence order, so a
 * room's callbacks arrive in commit order; lanes are independent, so a room whose receiver fails
 * (its head waiting for a retry) never delays another room. The store is the truth; this is the
 * dispatcher's index of what is pending, rebuilt from the store at start.
 */
interface Lane {
  key: string;
  /** Pending deliveries by sequence number; the head is the only one that may be sent. */
  items: ReadyDelivery[];
  busy: boolean;
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<number>();

  get size(): number {
    return this.known.size;
  }

  add(ready: readonly ReadyDelivery[]): void {
    for (const d of ready) {
      const key = `${d.appId}\u0000${d.roomId}`;
      let lane = this.lanes.get(key);
      if (lane === undefined) {
        lane = { key, items: [], busy: false };
        this.lanes.set(key, lane);
      }
      if (this.known.has(d.id)) {
        const existing = lane.items.find((x) => x.id === d.id);
        if (existing !== undefined && !(lane.busy && lane.items[0] === existing))
          existing.nextAttemptMs = d.nextAttemptMs;
        continue;
      }
      this.known.add(d.id);
      // Almost always an append; a redelivered old event goes back to its place by sequence.
      let i = lane.items.length;
      while (i > 0 && (lane.items[i - 1]?.seq ?? 0) > d.seq) i--;
      lane.items.splice(i, 0, { ...d });
    }
  }

  /** Heads of idle lanes that are due at nowMs, marked busy; at most `limit`. */
  claim(nowMs: number, limit: number): ReadyDelivery[] {
    const out: ReadyDelivery[] = [];
    for (const lane of this.lanes.values()) {
      if (out.length >= limit) break;
      const head = lane.items[0];
      if (lane.busy || head === undefined || head.nextAttemptMs > nowMs) continue;
      lane.busy = true;
      out.push(head);
    }
    return out;
  }

  /** The head was delivered or is dead: the lane moves on. */
  done(d: ReadyDelivery): void {
    const lane = this.lanes.get(`${d.appId}\u0000${d.roomId}`);
    if (lane === undefined) return;
    const i = lane.items.findIndex((x) => x.id === d.id);
    if (i >= 0) lane.items.splice(i, 1);
    this.known.delete(d.id);
    lane.busy = false;
    if (lane.items.length === 0) this.lanes.delete(lane.key);
  }

  /** The head failed and waits until retryAtMs; the rest of its lane waits behind it. */
  retryAt(d: ReadyDelivery, retryAtMs: number): void {
    const lane = this.lanes.get(`${d.appId}\u0000${d.roomId}`);
    if (lane === undefined) return;
    const item = lane.items.find((x) => x.id === d.id);
    if (item !== undefined) item.nextAttemptMs = retryAtMs;
    lane.busy = false;
  }

  /** When the earliest idle head becomes due, or undefined when nothing waits. */
  nextDueMs(): number | undefined {
    let min: number | undefined;
    for (const lane of this.lanes.values()) {
      const head = lane.items[0];
      if (lane.busy || head === undefined) continue;
      if (min === undefined || head.nextAttemptMs < min) min = head.nextAttemptMs;
    }
    return min;
  }
}

/** Where the dispatcher takes lane heads from: its own memory (one process) or the database (several). */
export interface LaneSource {
  /** Deliveries that became due in this process. */
  add(ready: readonly ReadyDelivery[]): void;
  /** Loads what is pending at start. */
  load(): Promise<void>;
  /** Heads of idle due lanes, now owned by this process until settled; at most `limit`. */
  claim(nowMs: number, limit: number): ReadyDelivery[] | Promise<ReadyDelivery[]>;
  /**
   * The head's attempt is over. recorded: its outcome is in the store (which, with shared lanes, also
   * gave the lane back). retryAtMs: the head waits until then; otherwise the lane moves on.
   */
  settle(d: ReadyDelivery, how: { recorded: boolean; retryAtMs?: number }): Promise<void>;
  /** When to look again. */
  nextDueMs(nowMs: number): number | undefined;
  readonly size: number;
}

export function laneSource(
  store: RoomStore,
  config: { leaseMs: number; pollMs: number },
  logger: Logger,
): LaneSource {
  const shared = store.sharedLanes;
  return shared === undefined ? memoryLanes(store) : sharedLanes(store, shared, config, logger);
}

function memoryLanes(store: RoomStore): LaneSource {
  const lanes = new Lanes();
  return {
    add: (ready) => {
      lanes.add(ready);
    },
    load: async () => {
      lanes.add(await store.read((tx) => tx.listPendingDeliveries()));
    },
    claim: (nowMs, limit) => lanes.claim(nowMs, limit),
    settle(d, how) {
      if (how.retryAtMs === undefined) lanes.done(d);
      else lanes.retryAt(d, how.retryAtMs);
      return Promise.resolve();
    },
    nextDueMs: () => lanes.nextDueMs(),
    get size() {
      return lanes.size;
    },
  };
}

/**
 * Lanes in the database, leased with FOR UPDATE SKIP LOCKED: each process claims due heads of lanes no
 * other process holds. A lease that is never given back (its process died) runs out after leaseMs and
 * another process takes the lane over, resending the delivery that was in flight.
 */
function sharedLanes(
  store: RoomStore,
  shared: SharedLanes,
  config: { leaseMs: number; pollMs: number },
  logger: Logger,
): LaneSource {
  let held = 0;
  return {
    add: () => undefined, // the database is the index; the dispatcher pumps on the news
    load: () => Promise.resolve(),
    async claim(nowMs, limit) {
      const heads = await shared.claim(nowMs, limit, nowMs + config.leaseMs);
      held += heads.length;
      return heads;
    },
    async settle(d, how) {
      held--;
      if (how.recorded) return;
      await store.write({ op: "releaseLane", appId: d.appId, roomId: d.roomId }).catch((err: unknown) => {
        logger.warn({ err, deliveryId: d.id }, "could not give a lane back; its lease will run out");
      });
    },
    nextDueMs: (nowMs) => nowMs + config.pollMs,
    get size() {
      return held;
    },
  };
}
