import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ReadyDelivery } from "../store/store.ts";
import { Lanes } from "./lanes.ts";

/** The lanes as they were before the schedule, scanning every lane: the model to match. */
class ScanLanes {
  private readonly lanes = new Map<string, { items: ReadyDelivery[]; busy: boolean }>();
  private readonly known = new Set<number>();
  add(ready: readonly ReadyDelivery[]): void {
    for (const d of ready) {
      const key = `${d.appId}\u0000${d.roomId}`;
      let lane = this.lanes.get(key);
      if (lane === undefined) {
        lane = { items: [], busy: false };
        this.lanes.set(key, lane);
      }
      if (this.known.has(d.id)) {
        const existing = lane.items.find((x) => x.id === d.id);
        if (existing !== undefined && !(lane.busy && lane.items[0] === existing))
          existing.nextAttemptMs = d.nextAttemptMs;
        continue;
      }
      this.known.add(d.id);
      let i = lane.items.length;
      while (i > 0 && (lane.items[i - 1]?.seq ?? 0) > d.seq) i--;
      lane.items.splice(i, 0, { ...d });
    }
  }
  get size(): number {
    return this.known.size;
  }
  /** Heads of idle lanes due at nowMs: what a claim may hand out. */
  due(nowMs: number): ReadyDelivery[] {
    const out: ReadyDelivery[] = [];
    for (const lane of this.lanes.values()) {
      const head = lane.items[0];
      if (!lane.busy && head !== undefined && head.nextAttemptMs <= nowMs) out.push(head);
    }
    return out;
  }
  /** What a claim handed out is busy. */
  busy(claimed: ReadyDelivery[]): void {
    for (const c of claimed) {
      const lane = this.lanes.get(`${c.appId}\u0000${c.roomId}`);
      if (lane !== undefined) lane.busy = true;
    }
  }
  done(d: ReadyDelivery): void {
    const key = `${d.appId}\u0000${d.roomId}`;
    const lane = this.lanes.get(key);
    if (lane === undefined) return;
    const i = lane.items.findIndex((x) => x.id === d.id);
    if (i >= 0) lane.items.splice(i, 1);
    this.known.delete(d.id);
    lane.busy = false;
    if (lane.items.length === 0) this.lanes.delete(key);
  }
  retryAt(d: ReadyDelivery, at: number): void {
    const lane = this.lanes.get(`${d.appId}\u0000${d.roomId}`);
    if (lane === undefined) return;
    const item = lane.items.find((x) => x.id === d.id);
    if (item !== undefined) item.nextAttemptMs = at;
    lane.busy = false;
  }
  nextDueMs(): number | undefined {
    let min: number | undefined;
    for (const lane of this.lanes.values()) {
      const head = lane.items[0];
      if (!lane.busy && head !== undefined && (min === undefined || head.nextAttemptMs < min))
        min = head.nextAttemptMs;
    }
    return min;
  }
}

const d = (id: number, room: string, seq: number, due: number): ReadyDelivery => ({
  id,
  appId: 1,
  roomId: room,
  seq,
  nextAttemptMs: due,
});

test("with 50,000 rooms waiting for a retry, a new room's first delivery is claimed at once", () => {
  const lanes = new Lanes();
  const T = 1_000_000;
  lanes.add(Array.from({ length: 50_000 }, (_, i) => d(i + 1, `w${i}`, 1, T + 3_600_000)));
  assert.deepEqual(lanes.claim(T, 256), [], "nothing is due");
  assert.equal(lanes.nextDueMs(), T + 3_600_000);
  lanes.add([d(90_001, "fresh", 1, T)]);
  assert.equal(lanes.nextDueMs(), T);
  assert.deepEqual(
    lanes.claim(T, 256).map((x) => x.id),
    [90_001],
  );
  // Later in its room it waits for its head; other rooms keep their place.
  lanes.add([d(90_002, "fresh", 2, T)]);
  assert.deepEqual(lanes.claim(T, 256), []);
  lanes.done(d(90_001, "fresh", 1, T));
  assert.deepEqual(
    lanes.claim(T, 256).map((x) => x.id),
    [90_002],
  );
  assert.ok(lanes.scheduled < 50_010, `schedule holds ${lanes.scheduled} entries`);
});

test("the schedule hands out what scanning every lane did: a model-based check over random operations", () => {
  const op = fc.oneof(
    fc.record({
      k: fc.constant("add" as const),
      room: fc.integer({ min: 0, max: 6 }),
      due: fc.integer({ min: 0, max: 50 }),
    }),
    fc.record({ k: fc.constant("redeliver" as const), pick: fc.nat(), due: fc.integer({ min: 0, max: 50 }) }),
    fc.record({
      k: fc.constant("claim" as const),
      now: fc.integer({ min: 0, max: 60 }),
      limit: fc.integer({ min: 1, max: 4 }),
    }),
    fc.record({
      k: fc.constant("settle" as const),
      pick: fc.nat(),
      retry: fc.option(fc.integer({ min: 0, max: 60 })),
    }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
      const real = new Lanes();
      const model = new ScanLanes();
      const seqs = new Map<number, number>();
      const all: ReadyDelivery[] = [];
      let inFlight: ReadyDelivery[] = [];
      let lastNow = Number.NEGATIVE_INFINITY;
      let nextId = 1;
      for (const o of ops) {
        if (o.k === "add") {
          const seq = (seqs.get(o.room) ?? 0) + 1;
          seqs.set(o.room, seq);
          const x = d(nextId++, `r${o.room}`, seq, o.due);
          all.push(x);
          real.add([x]);
          model.add([x]);
        } else if (o.k === "redeliver" && all.length > 0) {
          const x = { ...(all[o.pick % all.length] as ReadyDelivery), nextAttemptMs: o.due };
          real.add([x]);
          model.add([x]);
        } else if (o.k === "claim") {
          // Which of several due heads a limited claim takes is free; that it takes due idle heads,
          // as many as it may, one per lane, is not.
          lastNow = Math.max(lastNow, o.now);
          const due = model.due(lastNow);
          const a = real.claim(lastNow, o.limit);
          assert.equal(a.length, Math.min(o.limit, due.length));
          for (const x of a)
            assert.ok(
              due.some((y) => y.id === x.id),
              `claimed ${x.id}, not a due idle head`,
            );
          assert.equal(new Set(a.map((x) => x.roomId)).size, a.length, "one per lane");
          model.busy(a);
          inFlight.push(...a);
        } else if (o.k === "settle" && inFlight.length > 0) {
          const x = inFlight[o.pick % inFlight.length] as ReadyDelivery;
          inFlight = inFlight.filter((y) => y !== x);
          if (o.retry === null) {
            real.done(x);
            model.done(x);
          } else {
            real.retryAt(x, o.retry);
            model.retryAt(x, o.retry);
          }
        }
        // The next due time: exact when nothing is due yet; when something is due at the last claim's
        // time, any time at or before it (it only says "now").
        const want = model.nextDueMs();
        const got = real.nextDueMs();
        if (want === undefined || want > lastNow) assert.equal(got, want);
        else
          assert.ok(got !== undefined && got <= lastNow, `next due ${got}, something was due at ${lastNow}`);
        assert.equal(real.size, model.size);
      }
    }),
    { numRuns: 2000 },
  );
});

test("lanes due later are handed out by due time, then round-robin once due", () => {
  const lanes = new Lanes();
  const dues = [50, 10, 40, 20, 30, 10];
  lanes.add(dues.map((due, i) => d(i + 1, `r${i}`, 1, 1000 + due)));
  assert.deepEqual(lanes.claim(999, 10), [], "nothing due yet");
  assert.equal(lanes.nextDueMs(), 1010);
  assert.deepEqual(
    lanes.claim(1035, 10).map((x) => x.nextAttemptMs - 1000),
    [10, 10, 20, 30],
    "the due ones, earliest first",
  );
  assert.equal(lanes.nextDueMs(), 1040);
  assert.deepEqual(
    lanes.claim(2000, 1).map((x) => x.nextAttemptMs - 1000),
    [40],
    "a limited claim takes the earliest",
  );
  // A lane served goes behind the lanes that were ready before it.
  lanes.done(d(3, "r2", 1, 0));
  lanes.add([d(7, "r2", 2, 1500)]);
  assert.deepEqual(
    lanes.claim(2000, 10).map((x) => x.id),
    [1, 7],
  );
  assert.equal(lanes.nextDueMs(), undefined, "every lane is busy");
  assert.equal(lanes.scheduled, 0);
});

test("a lane of 10,000 deliveries, added in any order, is sent in sequence order, one at a time", () => {
  const lanes = new Lanes();
  const n = 10_000;
  // Mostly in order, as commits come, with a share of old events put back out of order.
  const seqs = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = 0; i < n; i += 7) {
    const j = Math.min(n - 1, i + ((i * 7919) % 50));
    [seqs[i], seqs[j]] = [seqs[j] as number, seqs[i] as number];
  }
  for (const s of seqs) lanes.add([d(s, "long", s, 0)]);
  lanes.add([d(n + 1, "other", 1, 0)]);
  const sent: number[] = [];
  for (;;) {
    const batch = lanes.claim(0, 16).filter((x) => x.roomId === "long");
    if (batch.length === 0) break;
    assert.equal(batch.length, 1, "one in flight per lane");
    const [head] = batch;
    assert.ok(head);
    sent.push(head.seq);
    // Every 1,000th fails once and is retried before the rest of its lane.
    if (head.seq % 1000 === 0 && sent.filter((s) => s === head.seq).length === 1) lanes.retryAt(head, 0);
    else lanes.done(head);
  }
  const firsts = sent.filter((s, i) => sent.indexOf(s) === i);
  assert.deepEqual(
    firsts,
    Array.from({ length: n }, (_, i) => i + 1),
  );
  assert.equal(sent.length, n + n / 1000, "each once, and the retried ones twice in a row");
  assert.equal(lanes.size, 1, "only the other room's delivery is left");
});

test("bodies carried with ready notices: kept within a budget, dropped by a retry or by forgetBodies", () => {
  const body = "x".repeat(100);
  const withBody = (id: number, room: string, seq: number): ReadyDelivery => ({
    ...d(id, room, seq, 0),
    toSend: {
      ...d(id, room, seq, 0),
      prevSeq: seq - 1,
      eventId: `evt_${id}`,
      command: "Live.CallbackAfterChangeOwner",
      state: "pending",
      attempts: 0,
      createdMs: 0,
      body,
      clientIp: "127.0.0.1",
      platform: "RESTAPI",
    },
  });
  const lanes = new Lanes({ bodyBudget: 250 });
  lanes.add([withBody(1, "a", 1), withBody(2, "b", 1), withBody(3, "c", 1)]);
  const first = lanes.claim(0, 10).sort((x, y) => x.id - y.id);
  assert.deepEqual(
    first.map((x) => x.toSend !== undefined),
    [true, true, false],
    "the third is over the budget: read when claimed",
  );
  const [a, b, c] = first;
  assert.ok(a && b && c);
  lanes.retryAt(a, 0);
  lanes.done(c);
  assert.equal(lanes.claim(0, 10)[0]?.toSend, undefined, "a retried delivery is read afresh");
  lanes.add([withBody(4, "c", 2)]);
  lanes.forgetBodies();
  lanes.done(b);
  lanes.add([withBody(5, "b", 2)]);
  const last = lanes.claim(0, 10).sort((x, y) => x.id - y.id);
  assert.deepEqual(
    last.map((x) => [x.id, x.toSend !== undefined]),
    [
      [4, false],
      [5, true],
    ],
    "a body carried before forgetBodies is not handed out; one carried after is",
  );
});

test("emptied lanes are kept for the room's next event and swept in bulk: the map stays bounded, rooms go on", () => {
  const lanes = new Lanes();
  const map = (lanes as unknown as { lanes: Map<string, unknown> }).lanes;
  let id = 0;
  const seqs = new Map<string, number>();
  const next = (room: string, due = 0) => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    return d(++id, room, seq, due);
  };
  // 10,000 rooms with one delivery each, all delivered: the lanes empty, and are swept once the empty
  // ones are as many as the rest (the map never holds many more lanes than rooms with deliveries).
  const waiting = Array.from({ length: 500 }, (_, i) => next(`w${i}`, 1_000_000));
  lanes.add(waiting);
  let most = 0;
  for (let round = 0; round < 3; round++) {
    lanes.add(Array.from({ length: 10_000 }, (_, i) => next(`r${round}_${i}`)));
    for (let batch = lanes.claim(0, 256); batch.length > 0; batch = lanes.claim(0, 256))
      for (const c of batch) {
        lanes.done(c);
        lanes.done(c); // a second settle of the same delivery changes nothing
        most = Math.max(most, map.size);
      }
    assert.equal(lanes.size, 500, "only the waiting rooms' deliveries are left");
  }
  assert.ok(most <= 12_000, `lanes in the map at most ${most} (30,500 rooms were used)`);
  assert.ok(map.size <= 1024 + 2 * 500, `after the drains ${map.size} lanes remain in the map`);
  // A room whose lane was swept, and one whose emptied lane was kept, both start again in order.
  lanes.add([next("r0_1"), next("r0_1"), next("r2_9999")]);
  const first = lanes.claim(0, 10).map((x) => `${x.roomId}:${x.seq}`);
  assert.deepEqual(first.sort(), ["r0_1:2", "r2_9999:2"]);
  assert.equal(lanes.size, 503);
  // The waiting rooms were never touched by the sweeps.
  assert.equal(lanes.claim(1_000_000, 1000).length, 500);
});

test("a delivery settled twice does not free its lane while the next head is in flight", () => {
  const lanes = new Lanes();
  lanes.add([d(1, "r", 1, 0), d(2, "r", 2, 0)]);
  const [first] = lanes.claim(0, 10);
  assert.equal(first?.id, 1);
  lanes.done(first);
  const [second] = lanes.claim(0, 10);
  assert.equal(second?.id, 2);
  // A late or repeated settle of the first (done or retry) must not hand the second out again.
  lanes.done(first);
  lanes.retryAt(first, 0);
  lanes.done({ ...first });
  assert.deepEqual(lanes.claim(0, 10), [], "the second is still in flight");
  assert.equal(lanes.size, 1);
  lanes.done(second);
  assert.equal(lanes.size, 0);
});

test("a second notice for a delivery behind lower numbers redelivered meanwhile is the same delivery, sent once", () => {
  // helper-19's sequence: the room's latest event in flight, an old one redelivered meanwhile, the
  // head retried, another old one redelivered, then a repeated notice for the first.
  const lanes = new Lanes();
  lanes.add([d(1, "r", 7, 0)]);
  const [h] = lanes.claim(0, 10);
  lanes.add([d(2, "r", 2, 0)]);
  lanes.retryAt(h as ReadyDelivery, 0);
  lanes.add([d(3, "r", 3, 0)]);
  lanes.add([d(1, "r", 7, 0)]);
  assert.equal(lanes.size, 3);
  const sent: number[] = [];
  for (let batch = lanes.claim(0, 10); batch.length > 0; batch = lanes.claim(0, 10))
    for (const x of batch) {
      sent.push(x.id);
      lanes.done(x);
    }
  assert.deepEqual([...sent].sort(), [1, 2, 3], `sent ${sent.join(",")}`);
  assert.equal(lanes.size, 0);
});
