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
  /** Bumped whenever the lane's place in the schedule changes: older schedule entries are stale. */
  version: number;
}

/** A lane's place in the schedule: its idle head is due at `dueMs` (valid while `version` matches). */
interface Due {
  dueMs: number;
  lane: Lane;
  version: number;
}

function valid(e: Due): boolean {
  const head = e.lane.items[0];
  return e.version === e.lane.version && !e.lane.busy && head !== undefined && head.nextAttemptMs === e.dueMs;
}

/**
 * The schedule of idle lanes, by their head's due time. Lanes already due (at the last claim's time or
 * before) wait in a FIFO: most heads are due the moment they are added, and they never touch the heap.
 * Lanes due later wait in a binary min-heap and move to the FIFO when a claim finds them due. Stale
 * entries (the lane changed since) are dropped as they surface. So a claim of k heads costs O(k)
 * for what is due and O(log n) only for what becomes due, whatever the number of lanes waiting: with
 * 50,000 rooms waiting for a retry, a scan of every lane after every completion kept a core busy and
 * delayed first attempts (issue 11, case 17; bench section 7).
 */
class Schedule {
  private readonly heap: Due[] = [];
  private fifo: Due[] = [];
  private fifoStart = 0;
  /** The latest claim's time: what was due then is due at every later claim (time moves forward). */
  private nowMs = Number.NEGATIVE_INFINITY;

  push(lane: Lane): void {
    const head = lane.items[0];
    if (lane.busy || head === undefined) return;
    lane.version++;
    const e = { dueMs: head.nextAttemptMs, lane, version: lane.version };
    if (e.dueMs <= this.nowMs) this.fifo.push(e);
    else this.heapPush(e);
  }

  /** Up to `limit` valid entries due at nowMs, oldest first; each names a different lane. */
  take(nowMs: number, limit: number): Due[] {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    for (let top = this.heapPeek(); top !== undefined && top.dueMs <= this.nowMs; top = this.heapPeek()) {
      this.heapPop();
      this.fifo.push(top);
    }
    const out: Due[] = [];
    while (out.length < limit && this.fifoStart < this.fifo.length) {
      const e = this.fifo[this.fifoStart++];
      if (e !== undefined && valid(e)) out.push(e);
    }
    this.compact();
    return out;
  }

  /** When the earliest waiting lane is due: at or before the last claim's time if one is due already. */
  nextDueMs(): number | undefined {
    while (this.fifoStart < this.fifo.length) {
      const e = this.fifo[this.fifoStart];
      if (e !== undefined && valid(e)) return e.dueMs;
      this.fifoStart++;
    }
    this.compact();
    return this.heapPeek()?.dueMs;
  }

  get entries(): number {
    return this.heap.length + this.fifo.length - this.fifoStart;
  }

  private compact(): void {
    if (this.fifoStart > 1024 && this.fifoStart * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoStart);
      this.fifoStart = 0;
    }
  }

  /** The heap's earliest valid entry, stale ones dropped on the way. */
  private heapPeek(): Due | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || valid(top)) return top;
      this.heapPop();
    }
  }

  private heapPush(e: Due): void {
    this.heap.push(e);
    this.up(this.heap.length - 1);
  }

  private heapPop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private up(i: number): void {
    const h = this.heap;
    const item = h[i];
    if (item === undefined) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || parent.dueMs <= item.dueMs) break;
      h[i] = parent;
      i = p;
    }
    h[i] = item;
  }

  private down(i: number): void {
    const h = this.heap;
    const item = h[i];
    if (item === undefined) return;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let c = l;
      const left = h[l];
      if (left === undefined) break;
      const right = h[r];
      if (right !== undefined && right.dueMs < left.dueMs) c = r;
      const child = h[c];
      if (child === undefined || child.dueMs >= item.dueMs) break;
      h[i] = child;
      i = c;
    }
    h[i] = item;
  }
}

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<number>();
  private readonly schedule = new Schedule();

  get size(): number {
    return this.known.size;
  }

  add(ready: readonly ReadyDelivery[]): void {
    for (const d of ready) {
      const key = `${d.appId}\u0000${d.roomId}`;
      let lane = this.lanes.get(key);
      if (lane === undefined) {
        lane = { key, items: [], busy: false, version: 0 };
        this.lanes.set(key, lane);
      }
      const headBefore = lane.items[0];
      const dueBefore = headBefore?.nextAttemptMs;
      if (this.known.has(d.id)) {
        const existing = lane.items.find((x) => x.id === d.id);
        if (existing !== undefined && !(lane.busy && lane.items[0] === existing))
          existing.nextAttemptMs = d.nextAttemptMs;
      } else {
        this.known.add(d.id);
        // Almost always an append; a redelivered old event goes back to its place by sequence.
        let i = lane.items.length;
        while (i > 0 && (lane.items[i - 1]?.seq ?? 0) > d.seq) i--;
        lane.items.splice(i, 0, { ...d });
      }
      // The lane's place changes only when its head or the head's due time did.
      if (lane.items[0] !== headBefore || lane.items[0]?.nextAttemptMs !== dueBefore)
        this.schedule.push(lane);
    }
  }

  /** Heads of idle lanes that are due at nowMs, marked busy; at most `limit`. */
  claim(nowMs: number, limit: number): ReadyDelivery[] {
    const out: ReadyDelivery[] = [];
    for (const e of this.schedule.take(nowMs, limit)) {
      const head = e.lane.items[0];
      if (head === undefined) continue;
      e.lane.busy = true;
      e.lane.version++;
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
    else this.schedule.push(lane);
  }

  /** The head failed and waits until retryAtMs; the rest of its lane waits behind it. */
  retryAt(d: ReadyDelivery, retryAtMs: number): void {
    const lane = this.lanes.get(`${d.appId}\u0000${d.roomId}`);
    if (lane === undefined) return;
    const item = lane.items.find((x) => x.id === d.id);
    if (item !== undefined) item.nextAttemptMs = retryAtMs;
    lane.busy = false;
    this.schedule.push(lane);
  }

  /**
   * When the earliest idle head becomes due (a time at or before the last claim's when one is due
   * already), or undefined when nothing waits.
   */
  nextDueMs(): number | undefined {
    return this.schedule.nextDueMs();
  }

  /** Entries in the schedule, stale ones included (bounded by the changes since they surfaced). */
  get scheduled(): number {
    return this.schedule.entries;
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
