import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../logger.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type {
  AttemptNext,
  AttemptRecord,
  CallbackConfig,
  DeliveryToSend,
  ReadyDelivery,
  StoreReader,
} from "../store/store.ts";
import { buildCallbackRequest, createDispatcher } from "./dispatcher.ts";
import { tencentParamIn } from "@roomhook/protocol";
import type { SendOutcome, Sender } from "./sender.ts";

/**
 * The dispatcher over an outbox kept in memory: what the dispatcher reads and writes of a store, and
 * nothing else (the stores' own tests cover SQL). Deliveries made while running are announced the
 * way the writer announces them, with the delivery to send carried along.
 */
class MemoryOutbox {
  readonly deliveries = new Map<number, DeliveryToSend>();
  readonly attempts: { id: number; attempt: AttemptRecord; next: AttemptNext }[] = [];
  config: CallbackConfig | undefined = {
    url: "http://receiver.test/cb",
    commands: ["Live.CallbackAfterChangeOwner"],
  };
  /** Batched reads of deliveries to send, by the number of ids asked. */
  readonly reads: number[] = [];
  private nextId = 1;
  private readonly seqs = new Map<string, number>();
  private readonly ready: ((r: ReadyDelivery[]) => void)[] = [];
  private readonly settings: ((appId: number) => void)[] = [];

  /** Appends deliveries; `announce`: as a commit does (carrying them), else only stored (a backlog). */
  append(roomId: string, n: number, nowMs: number, announce: boolean): DeliveryToSend[] {
    const made: DeliveryToSend[] = [];
    for (let i = 0; i < n; i++) {
      const seq = (this.seqs.get(roomId) ?? 0) + 1;
      this.seqs.set(roomId, seq);
      const id = this.nextId++;
      const d: DeliveryToSend = {
        id,
        appId: 1,
        roomId,
        seq,
        prevSeq: seq - 1,
        eventId: `evt_${id}`,
        command: "Live.CallbackAfterChangeOwner",
        state: "pending",
        attempts: 0,
        nextAttemptMs: nowMs,
        createdMs: nowMs,
        body: JSON.stringify({ RoomId: roomId, Seq: seq }),
        clientIp: "127.0.0.1",
        platform: "RESTAPI",
      };
      this.deliveries.set(id, d);
      made.push(d);
    }
    if (announce) {
      const notice = made.map((d) => ({ ...this.readyOf(d), toSend: { ...d } }));
      for (const l of this.ready) l(notice);
    }
    return made;
  }

  private readyOf(d: DeliveryToSend): ReadyDelivery {
    return { id: d.id, appId: d.appId, roomId: d.roomId, seq: d.seq, nextAttemptMs: d.nextAttemptMs };
  }

  store(): RoomStore {
    const reader: Partial<StoreReader> = {
      getCallbackConfig: () => Promise.resolve(this.config),
      getCallbackToken: () => Promise.resolve(undefined),
      listSigningSecrets: () => Promise.resolve([]),
      getDeliveriesToSend: (ids) => {
        this.reads.push(ids.length);
        return Promise.resolve(
          ids.flatMap((id) => {
            const d = this.deliveries.get(id);
            return d === undefined ? [] : [{ ...d }];
          }),
        );
      },
      listPendingDeliveries: () =>
        Promise.resolve(
          [...this.deliveries.values()].filter((d) => d.state === "pending").map((d) => this.readyOf(d)),
        ),
    };
    const write = (cmd: { op: string } & Record<string, unknown>): Promise<unknown> => {
      if (cmd.op === "recordAttempt") {
        const { id, attempt, next } = cmd as unknown as {
          id: number;
          attempt: AttemptRecord;
          next: AttemptNext;
        };
        this.attempts.push({ id, attempt, next });
        const d = this.deliveries.get(id);
        // As the store does: only a pending delivery is rescheduled or ended by a failure.
        if (d !== undefined && (d.state === "pending" || next.state === "delivered")) {
          d.attempts = attempt.n;
          if (next.state === "pending") d.nextAttemptMs = next.nextAttemptMs;
          else d.state = next.state;
        }
        return Promise.resolve(undefined);
      }
      if (cmd.op === "disableCallback") {
        const { reason } = cmd as unknown as { reason: string };
        if (this.config !== undefined) this.config = { ...this.config, disabledReason: reason };
        let ended = 0;
        for (const d of this.deliveries.values())
          if (d.state === "pending") {
            d.state = "dead";
            ended++;
          }
        for (const l of this.settings) l(1);
        return Promise.resolve(ended);
      }
      return Promise.reject(new Error(`unexpected write ${cmd.op}`));
    };
    const store = {
      read: <T>(fn: (r: StoreReader) => Promise<T>) => fn(reader as StoreReader),
      write,
      onReadyDeliveries: (l: (r: ReadyDelivery[]) => void) => {
        this.ready.push(l);
      },
      onSettingsChanged: (l: (appId: number) => void) => {
        this.settings.push(l);
      },
    };
    return store as unknown as RoomStore;
  }
}

/** A receiver: each callback's room and sequence number, answered by `answer`. */
function receiver(answer: (roomId: string, seq: number) => SendOutcome = () => ok) {
  const got: { roomId: string; seq: number }[] = [];
  const sender: Sender = {
    send(req) {
      const { RoomId: roomId } = JSON.parse(req.body) as { RoomId: string };
      const seq = Number(req.headers["roomhook-sequence"]);
      got.push({ roomId, seq });
      return Promise.resolve(answer(roomId, seq));
    },
    close: () => Promise.resolve(),
  };
  return { sender, got };
}

const ok: SendOutcome = { ok: true, status: 200, ms: 1, reply: "{}" };
const failing = (status: number): SendOutcome => ({
  ok: false,
  kind: "http",
  retryable: status !== 410,
  ms: 1,
  status,
  error: `HTTP ${status}`,
  reply: "{}",
});

function dispatcherOver(outbox: MemoryOutbox, sender: Sender, clock: { now: () => number }) {
  return createDispatcher({
    store: outbox.store(),
    sender,
    clock,
    logger: createLogger({ level: "silent" }),
    config: { concurrency: 64, leaseMs: 60_000, pollMs: 1000 },
    random: () => 0.5,
  });
}

const seqsOf = (got: { roomId: string; seq: number }[], roomId: string) =>
  got.filter((g) => g.roomId === roomId).map((g) => g.seq);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test("10,000 deliveries in one room arrive in order, each once, while other rooms go on", async () => {
  const outbox = new MemoryOutbox();
  const clock = { ms: 1_000_000, now: () => clock.ms };
  // A backlog found at start (no bodies carried: read in batches), then more announced while running.
  outbox.append("long", 6_000, clock.ms, false);
  for (let r = 0; r < 50; r++) outbox.append(`r${r}`, 3, clock.ms, false);
  const { sender, got } = receiver();
  const dispatcher = dispatcherOver(outbox, sender, clock);
  await dispatcher.runOnce();
  outbox.append("long", 4_000, clock.ms, true);
  for (let r = 0; r < 50; r++) outbox.append(`r${r}`, 2, clock.ms, true);
  await dispatcher.runOnce();

  assert.deepEqual(seqsOf(got, "long"), upTo(10_000));
  for (let r = 0; r < 50; r++) assert.deepEqual(seqsOf(got, `r${r}`), upTo(5), `room r${r}`);
  assert.equal(dispatcher.pending(), 0);
  assert.ok(
    [...outbox.deliveries.values()].every((d) => d.state === "delivered"),
    "every delivery recorded as delivered",
  );
  assert.equal(outbox.attempts.length, 10_250, "one attempt each");
  // The backlog was read in batches; what was announced was not read back at all.
  const read = outbox.reads.reduce((a, b) => a + b, 0);
  assert.equal(read, 6_150, "each delivery of the backlog read once, none of those announced");
  assert.ok(
    outbox.reads.some((n) => n > 1),
    "reads come in batches",
  );
});

test("a failing head holds its own room only; it is retried on the schedule, in order", async () => {
  const outbox = new MemoryOutbox();
  const clock = { ms: 1_000_000, now: () => clock.ms };
  let down = true;
  const { sender, got } = receiver((roomId) => (roomId === "slow" && down ? failing(500) : ok));
  const dispatcher = dispatcherOver(outbox, sender, clock);
  await dispatcher.runOnce();
  outbox.append("slow", 1_000, clock.ms, true);
  outbox.append("fast", 1_000, clock.ms, true);
  await dispatcher.runOnce();
  assert.deepEqual(seqsOf(got, "fast"), upTo(1_000));
  assert.deepEqual(seqsOf(got, "slow"), [1], "only its head was tried");
  clock.ms += 3_000;
  await dispatcher.runOnce();
  assert.deepEqual(seqsOf(got, "slow"), [1], "not before its retry time (5 s)");
  down = false;
  clock.ms += 2_000;
  await dispatcher.runOnce();
  assert.deepEqual(seqsOf(got, "slow"), [1, ...upTo(1_000)]);
  const first = outbox.attempts.filter((a) => a.id === 1);
  assert.deepEqual(
    first.map((a) => [a.attempt.n, a.next.state]),
    [
      [1, "pending"],
      [2, "delivered"],
    ],
  );
});

test("after a 410, deliveries announced before it are not sent: the carried copies are stale", async () => {
  const outbox = new MemoryOutbox();
  const clock = { ms: 1_000_000, now: () => clock.ms };
  const { sender, got } = receiver((roomId) => (roomId === "gone" ? failing(410) : ok));
  const dispatcher = dispatcherOver(outbox, sender, clock);
  await dispatcher.runOnce();
  outbox.append("gone", 1, clock.ms, true);
  // Behind the 410 in its lane, and in other lanes behind a busy head: announced with their bodies.
  outbox.append("gone", 3, clock.ms, true);
  const first = outbox.append("other", 1, clock.ms, true);
  const later = outbox.append("other", 5, clock.ms, true);
  await dispatcher.runOnce();
  assert.deepEqual(seqsOf(got, "gone"), [1]);
  assert.deepEqual(seqsOf(got, "other"), [1], "its head was in flight with the 410; nothing after");
  for (const d of [...later, ...outbox.deliveries.values()].filter((x) => x.roomId === "gone" && x.seq > 1))
    assert.equal(outbox.attempts.filter((a) => a.id === d.id).length, 0, `no attempt recorded for ${d.id}`);
  assert.equal(outbox.attempts.filter((a) => later.some((d) => d.id === a.id)).length, 0);
  assert.ok(first[0] !== undefined && outbox.deliveries.get(first[0].id)?.state === "delivered");
  assert.equal(dispatcher.pending(), 0, "the dead ones left the lanes");
});

test("the callback URL is written as URL and URLSearchParams would write it, whatever the Url and the values", () => {
  // The way it was built before the target was cached and the query written as a string (issue 16):
  // the configured URL parsed, Tencent's own parameters removed from its query, theirs appended.
  function before(url: string, d: { appId: number; command: string; clientIp: string; platform: string }) {
    const u = new URL(url);
    const q = u.searchParams;
    for (let own = tencentParamIn(q); own !== undefined; own = tencentParamIn(q)) q.delete(own);
    q.append("SdkAppid", String(d.appId));
    q.append("CallbackCommand", d.command);
    q.append("contenttype", "json");
    q.append("ClientIP", d.clientIp);
    q.append("OptPlatform", d.platform);
    q.append("Sign", "s");
    q.append("RequestTime", "1700000000");
    return { origin: u.origin, path: u.pathname + u.search };
  }
  const urls = [
    "http://127.0.0.1:8080/cb",
    "http://receiver.test",
    "https://user:pw@receiver.test:8443/a/b%20c/?x=1&y=a%20b+c&z",
    "http://receiver.test/cb?sdkappid=1&SdkAppid=2&CallbackCommand=x&keep=%E4%BD%A0&empty=",
    "http://receiver.test/cb?#frag",
    "http://[::1]:9000/cb?a=~!*'()",
    "http://receiver.test/p%C3%A9?q=\u00e9&r=%2B",
  ];
  const values = [
    {
      appId: 1400000000,
      command: "Live.CallbackAfterChangeOwner",
      clientIp: "127.0.0.1",
      platform: "RESTAPI",
    },
    { appId: 1, command: "Live.Callback After", clientIp: "::ffff:10.0.0.1", platform: "Web" },
    { appId: 2, command: "x&y=z", clientIp: "fe80::1%eth0", platform: "i O S~*._-+" },
    { appId: 3, command: "\u4f60\u597d", clientIp: "", platform: "\ud83d\ude00" },
    { appId: 4, command: "A~B", clientIp: "1.2.3.4", platform: "x(y)!'" },
  ];
  for (const url of urls)
    for (const v of values) {
      const req = buildCallbackRequest({
        delivery: { ...v, eventId: "e1", body: "{}" },
        url,
        token: { token: "t", enabled: true },
        secrets: [],
        nowMs: 1_700_000_000_000,
      });
      const want = before(url, v);
      const sign = /[?&]Sign=([0-9a-f]{64})&/.exec(req.target.path)?.[1];
      assert.ok(sign !== undefined, req.target.path);
      assert.deepEqual(
        { origin: req.target.origin, path: req.target.path.replace(sign, "s") },
        want,
        `${url} ${JSON.stringify(v)}`,
      );
    }
});
