import type { ReadyDelivery } from "../store/store.ts";

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
