import type { Logger } from "../logger.ts";
import type { DeliveryToSend, ReadyDelivery, SharedLanes } from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";

/**
 * Lanes: one per room of an app. A lane sends its deliveries one at a time in sequence order, so a
 * room's callbacks arrive in commit order; lanes are independent, so a room whose receiver fails
 * (its head waiting for a retry) never delays another room. The store is the truth; this is the
 * dispatcher's index of what is pending, rebuilt from the store at start.
 *
 * Every operation costs O(1) or O(log n) in the number of lanes, and O(1) in the length of a lane
 * (issue 16: a scan of every lane after each completion, and a long lane spliced from its front,
 * made the cost of a delivery grow with the rooms waiting and with the backlog of one room):
 * - a lane's deliveries are a queue by sequence number: appended at the back (a new event always has
 *   the room's highest number), taken from the front;
 * - idle lanes whose head is due wait in a FIFO of ready lanes (round-robin: a lane that was just
 *   served goes to the back); idle lanes whose head is due later wait in a min-heap by due time, each
 *   lane knowing its place in it, so a new due time moves it in O(log n), with no stale entries;
 * - a settle is handed the item a claim gave out, and a duplicate notice finds its delivery in its
 *   lane by sequence number (the back of the queue first: a new event always comes last). No map of
 *   every pending delivery by id: with 200,000 rooms waiting, its inserts and deletes for each delivery
 *   missed the CPU caches (section 7 of docs/benchmarks.md).
 * - an emptied lane stays in the map of lanes while it is likely to be used again (a busy room's next
 *   event); empty lanes are swept out once they are as many as the lanes with deliveries.
 */

/** A pending delivery as a lane holds it. */
interface Item extends ReadyDelivery {
  lane: Lane;
  /** The body's epoch (see Lanes.forgetBodies): a body carried before the current one is not used. */
  bodyEpoch: number;
}

/**
 * A lane's deliveries in sequence order: the head in a field of its own, the rest in an array read
 * from a moving start (compacted when half of it is read), made only for a second delivery: most
 * lanes hold one (100,000 rooms with a callback each are 100,000 lanes of one). New events always
 * come with the room's highest sequence number, so adding is an append; a redelivered old event goes
 * to its place by binary search (a manual action, rare, O(length)).
 */
class SeqQueue {
  head: Item | undefined;
  private rest: (Item | undefined)[] | undefined;
  private start = 0;

  /**
   * Inserts by sequence number, never before the head when `keepHead` (it is in flight). The rest
   * stays in sequence order whatever comes (find relies on it); only the head may be later than the
   * rest (lower numbers that came while it was in flight).
   */
  insert(item: Item, keepHead: boolean): void {
    const head = this.head;
    if (head === undefined) {
      this.head = item;
      return;
    }
    if (!keepHead && item.seq < head.seq) {
      this.head = item;
      this.insertRest(head);
      return;
    }
    this.insertRest(item);
  }

  /** Into the rest at its place by sequence number: at the back or the front in O(1), else O(length). */
  private insertRest(item: Item): void {
    const rest = this.rest;
    if (rest === undefined || this.start === rest.length) {
      this.rest = [item];
      this.start = 0;
      return;
    }
    const last = rest[rest.length - 1];
    if (last === undefined || last.seq <= item.seq) {
      rest.push(item);
      return;
    }
    const first = rest[this.start];
    if (first !== undefined && item.seq < first.seq && this.start > 0) {
      rest[--this.start] = item;
      return;
    }
    rest.splice(this.indexAfter(rest, item.seq, true), 0, item);
  }

  /** The first index of the rest whose number is past `seq` (`orEqual`: at or past it): a binary search. */
  private indexAfter(rest: (Item | undefined)[], seq: number, orEqual: boolean): number {
    let lo = this.start;
    let hi = rest.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const at = rest[mid]?.seq ?? 0;
      if (at < seq || (orEqual && at === seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Takes the head off; the next one (if any) becomes the head. */
  shift(): Item | undefined {
    const head = this.head;
    const rest = this.rest;
    if (rest === undefined) {
      this.head = undefined;
      return head;
    }
    this.head = rest[this.start];
    rest[this.start++] = undefined;
    if (this.start >= rest.length) {
      this.rest = undefined;
      this.start = 0;
    } else if (this.start >= 64 && this.start * 2 >= rest.length) {
      this.rest = rest.slice(this.start);
      this.start = 0;
    }
    return head;
  }

  /** The item of this delivery (its sequence number and id), if the queue holds it. */
  find(seq: number, id: number): Item | undefined {
    const head = this.head;
    if (head === undefined) return undefined;
    if (head.seq === seq && head.id === id) return head;
    const rest = this.rest;
    if (rest === undefined) return undefined;
    // A new event comes last: the back first, then a binary search to the first of that number.
    const last = rest[rest.length - 1];
    if (last === undefined || last.seq < seq) return undefined;
    if (last.seq === seq && last.id === id) return last;
    for (let i = this.indexAfter(rest, seq, false); i < rest.length; i++) {
      const x = rest[i];
      if (x === undefined || x.seq !== seq) break;
      if (x.id === id) return x;
    }
    return undefined;
  }

  /** Removes an item that is not the head (never happens in the dispatcher's use): O(length). */
  remove(item: Item): void {
    if (this.head === item) {
      this.shift();
      return;
    }
    const i = this.rest?.indexOf(item, this.start) ?? -1;
    if (i >= 0) this.rest?.splice(i, 1);
  }
}

/** A lane is its queue of deliveries, with its place in the schedule. */
class Lane extends SeqQueue {
  /** The head is in flight. */
  busy = false;
  /** Waiting in the FIFO of ready lanes. */
  ready = false;
  /** Index in the heap of lanes due later, -1 when not there. */
  heapIndex = -1;
  /** The head's due time when the lane entered the heap (its key there). */
  dueMs = 0;
}

/** Lanes whose head is due later, by due time: a binary min-heap in which each lane knows its index. */
class DueHeap {
  private readonly h: Lane[] = [];

  get size(): number {
    return this.h.length;
  }

  peek(): Lane | undefined {
    return this.h[0];
  }

  /** Adds the lane, or moves it to its new due time when it is already in. */
  set(lane: Lane, dueMs: number): void {
    if (lane.heapIndex < 0) {
      lane.dueMs = dueMs;
      lane.heapIndex = this.h.length;
      this.h.push(lane);
      this.up(lane.heapIndex);
    } else {
      const before = lane.dueMs;
      lane.dueMs = dueMs;
      if (dueMs < before) this.up(lane.heapIndex);
      else this.down(lane.heapIndex);
    }
  }

  pop(): Lane | undefined {
    const top = this.h[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  private removeAt(i: number): void {
    const lane = this.h[i];
    const last = this.h.pop();
    if (lane !== undefined) lane.heapIndex = -1;
    if (last === undefined || last === lane) return;
    this.h[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  private place(lane: Lane, i: number): void {
    this.h[i] = lane;
    lane.heapIndex = i;
  }

  private up(i: number): void {
    const lane = this.h[i];
    if (lane === undefined) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = this.h[p];
      if (parent === undefined || parent.dueMs <= lane.dueMs) break;
      this.place(parent, i);
      i = p;
    }
    this.place(lane, i);
  }

  private down(i: number): void {
    const lane = this.h[i];
    if (lane === undefined) return;
    const n = this.h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const left = this.h[l];
      const right = this.h[l + 1];
      let c = l;
      let child = left;
      if (right !== undefined && left !== undefined && right.dueMs < left.dueMs) {
        c = l + 1;
        child = right;
      }
      if (child === undefined || child.dueMs >= lane.dueMs) break;
      this.place(child, i);
      i = c;
    }
    this.place(lane, i);
  }
}

/** A FIFO of lanes (array with a moving start, compacted when half read). */
class LaneFifo {
  private items: (Lane | undefined)[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  peek(): Lane | undefined {
    return this.items[this.start];
  }

  push(lane: Lane): void {
    this.items.push(lane);
  }

  shift(): Lane | undefined {
    const lane = this.items[this.start];
    if (lane === undefined) return undefined;
    this.items[this.start++] = undefined;
    if (this.start === this.items.length) {
      this.items = [];
      this.start = 0;
    } else if (this.start >= 1024 && this.start * 2 >= this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return lane;
  }
}

/** A lane's key in the map of lanes: one lane per room of an app. */
function laneKey(d: { appId: number; roomId: string }): string {
  return `${d.appId}\u0000${d.roomId}`;
}

/** Bodies carried with ready notices that the lanes keep at most, in string length (~bytes). */
const DEFAULT_BODY_BUDGET = 8 * 1024 * 1024;

export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  /** Pending deliveries held. */
  private count = 0;
  /** Lanes in the map with no delivery (kept for the room's next event; swept in bulk). */
  private emptyLanes = 0;
  private readonly readyLanes = new LaneFifo();
  private readonly later = new DueHeap();
  /** The latest claim's time: what was due then is due at every later claim (time moves forward). */
  private nowMs = Number.NEGATIVE_INFINITY;
  private bodyEpoch = 0;
  private bodyBytes = 0;
  private readonly bodyBudget: number;

  constructor(opts: { bodyBudget?: number } = {}) {
    this.bodyBudget = opts.bodyBudget ?? DEFAULT_BODY_BUDGET;
  }

  /** Pending deliveries known. */
  get size(): number {
    return this.count;
  }

  /**
   * Deliveries that became due (created, redelivered, or loaded at start). A delivery already known
   * takes the new due time (unless it is in flight). A body carried along (`toSend`) is kept while
   * the bodies kept stay within the budget; otherwise the dispatcher reads it when it is claimed.
   */
  add(ready: readonly ReadyDelivery[]): void {
    for (const d of ready) {
      const key = laneKey(d);
      let lane = this.lanes.get(key);
      if (lane === undefined) {
        lane = new Lane();
        this.lanes.set(key, lane);
      } else if (lane.head === undefined) this.emptyLanes--;
      const known = lane.find(d.seq, d.id);
      if (known !== undefined) {
        if (lane.busy && lane.head === known) continue;
        known.nextAttemptMs = d.nextAttemptMs;
        this.keepBody(known, d.toSend);
        if (lane.head === known) this.schedule(lane);
        continue;
      }
      const item: Item = {
        id: d.id,
        appId: d.appId,
        roomId: d.roomId,
        seq: d.seq,
        nextAttemptMs: d.nextAttemptMs,
        toSend: undefined,
        lane,
        bodyEpoch: this.bodyEpoch,
      };
      this.keepBody(item, d.toSend);
      this.count++;
      lane.insert(item, lane.busy);
      if (!lane.busy && lane.head === item) this.schedule(lane);
    }
  }

  /** Heads of idle lanes that are due at nowMs, marked busy; at most `limit`, longest ready first. */
  claim(nowMs: number, limit: number): ReadyDelivery[] {
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    // Everything due goes to the FIFO first, so that a lane coming due waits behind those that were
    // ready before it, and ahead of those served after it.
    for (let top = this.later.peek(); top !== undefined && top.dueMs <= this.nowMs; top = this.later.peek()) {
      this.later.pop();
      top.ready = true;
      this.readyLanes.push(top);
    }
    const out: ReadyDelivery[] = [];
    while (out.length < limit) {
      const lane = this.readyLanes.shift();
      if (lane === undefined) break;
      lane.ready = false;
      const head = lane.head;
      if (head === undefined) continue;
      if (head.nextAttemptMs > this.nowMs) {
        // Its head changed to a later time while it waited (a duplicate notice).
        this.later.set(lane, head.nextAttemptMs);
        continue;
      }
      lane.busy = true;
      if (head.toSend !== undefined && head.bodyEpoch !== this.bodyEpoch) this.dropBody(head);
      out.push(head);
    }
    return out;
  }

  /**
   * The item of a delivery given to done or retryAt, if it is still held: the claimed item itself
   * when it is its lane's head (what the dispatcher settles), else found in its lane by sequence
   * number and id (a copy, or a delivery settled already: not held, nothing to do).
   */
  private itemOf(d: ReadyDelivery): { lane: Lane | undefined; item: Item | undefined } {
    const lane = (d as Partial<Item>).lane ?? this.lanes.get(laneKey(d));
    if (lane === undefined) return { lane, item: undefined };
    return { lane, item: lane.head === d ? (d as Item) : lane.find(d.seq, d.id) };
  }

  /**
   * The head was delivered or is dead: the lane moves on. A delivery not held (settled already)
   * changes nothing: its lane may be busy with the next head by now.
   */
  done(d: ReadyDelivery): void {
    const { lane, item } = this.itemOf(d);
    if (lane === undefined || item === undefined) return;
    if (lane.head === item) lane.shift();
    else lane.remove(item);
    this.count--;
    this.dropBody(item);
    if (lane.head === undefined) this.laneEmptied();
    lane.busy = false;
    if (lane.head !== undefined) this.schedule(lane);
  }

  /**
   * A lane has no delivery left. It stays in the map (a room's next event finds it); once the empty
   * lanes are as many as the others (and at least 1,024), the idle ones are swept out in one pass:
   * O(1) per delivery over time, and at most about twice the lanes' memory.
   */
  private laneEmptied(): void {
    this.emptyLanes++;
    if (this.emptyLanes < 1024 || this.emptyLanes * 2 < this.lanes.size) return;
    for (const [key, lane] of this.lanes)
      if (lane.head === undefined && !lane.busy && !lane.ready && lane.heapIndex < 0) {
        this.lanes.delete(key);
        this.emptyLanes--;
      }
  }

  /** The head failed and waits until retryAtMs; the rest of its lane waits behind it (not held: nothing). */
  retryAt(d: ReadyDelivery, retryAtMs: number): void {
    const { lane, item } = this.itemOf(d);
    if (lane === undefined || item === undefined) return;
    item.nextAttemptMs = retryAtMs;
    // Its attempt count changed: the next attempt reads it afresh.
    this.dropBody(item);
    lane.busy = false;
    this.schedule(lane);
  }

  /**
   * Bodies carried so far are not to be trusted any more (deliveries were ended in the store behind
   * the lanes' back): each is read again when its delivery is claimed.
   */
  forgetBodies(): void {
    this.bodyEpoch++;
  }

  /**
   * When the earliest idle head becomes due (a time at or before the last claim's when one is due
   * already), or undefined when nothing waits.
   */
  nextDueMs(): number | undefined {
    for (let lane = this.readyLanes.peek(); lane !== undefined; lane = this.readyLanes.peek()) {
      const head = lane.head;
      if (head !== undefined && head.nextAttemptMs <= this.nowMs) return head.nextAttemptMs;
      this.readyLanes.shift();
      lane.ready = false;
      if (head !== undefined) this.later.set(lane, head.nextAttemptMs);
    }
    return this.later.peek()?.dueMs;
  }

  /** Lanes waiting in the schedule (ready or due later): at most one entry per lane. */
  get scheduled(): number {
    return this.readyLanes.length + this.later.size;
  }

  /** An idle lane with a head takes its place: ready when due at the last claim's time, else in the heap. */
  private schedule(lane: Lane): void {
    const head = lane.head;
    if (head === undefined || lane.busy || lane.ready) return;
    if (lane.heapIndex >= 0 || head.nextAttemptMs > this.nowMs) this.later.set(lane, head.nextAttemptMs);
    else {
      lane.ready = true;
      this.readyLanes.push(lane);
    }
  }

  private keepBody(item: Item, toSend: DeliveryToSend | undefined): void {
    this.dropBody(item);
    if (toSend === undefined || this.bodyBytes + toSend.body.length > this.bodyBudget) return;
    item.toSend = toSend;
    item.bodyEpoch = this.bodyEpoch;
    this.bodyBytes += toSend.body.length;
  }

  private dropBody(item: Item): void {
    if (item.toSend === undefined) return;
    this.bodyBytes -= item.toSend.body.length;
    // Assigned, not deleted: the object keeps its shape (a delete would make it a slow dictionary).
    item.toSend = undefined;
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
   * gave the lane back). retryAtMs: the head waits until then; otherwise the lane moves on. Lanes in
   * memory settle at once (undefined); shared lanes may have a lane to give back (a promise).
   */
  settle(d: ReadyDelivery, how: { recorded: boolean; retryAtMs?: number }): Promise<void> | undefined;
  /** When to look again. */
  nextDueMs(nowMs: number): number | undefined;
  /** Pending deliveries were ended in the store (a callback configuration disabled): bodies carried are stale. */
  forgetBodies(): void;
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
      return undefined;
    },
    nextDueMs: () => lanes.nextDueMs(),
    forgetBodies: () => {
      lanes.forgetBodies();
    },
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
    forgetBodies: () => undefined, // a claim reads each head afresh
    get size() {
      return held;
    },
  };
}
