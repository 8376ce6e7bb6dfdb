import { test } from "node:test";
import assert from "node:assert/strict";
import type { AfterChangeOwner } from "@roomhook/protocol";
import { OwnerMirror, type RoomMirrorState } from "./owner-mirror.ts";
import type { VerifiedCallback } from "./verify.ts";

function change(room: string, n: number, opts: { headers?: boolean; prev?: number } = {}): VerifiedCallback {
  const cb: VerifiedCallback = {
    command: "Live.CallbackAfterChangeOwner",
    packet: {
      CallbackCommand: "Live.CallbackAfterChangeOwner",
      RoomId: room,
      EventTime: 1_000_000 + n,
      Operator_Account: "admin",
      CurrentOwner_Account: `u${n}`,
      OriginalOwner_Account: `u${n - 1}`,
    },
    sdkAppId: 1,
  };
  if (opts.headers !== false) {
    cb.eventId = `evt_${room}_${n}`;
    cb.sequence = n;
    cb.previousSequence = opts.prev ?? n - 1;
  }
  return cb;
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test("in any order and with duplicates, the mirror ends with the right owner and the full history", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const m = new OwnerMirror();
    const all = Array.from({ length: 30 }, (_, i) => change("r", i + 1));
    const delivered = shuffle([...all, ...all.slice(5, 12), all[29]!], seed);
    const results = delivered.map((cb) => m.apply(cb));
    assert.equal(m.owner("r"), "u30", `seed ${seed}`);
    assert.deepEqual(
      m.history("r").map((h) => h.to),
      all.map((c) => (c.packet as { CurrentOwner_Account: string }).CurrentOwner_Account),
      `seed ${seed}`,
    );
    assert.equal(results.filter((r) => r === "applied").length <= 30, true);
    assert.equal(results.includes("ignored"), false);
    assert.deepEqual(m.gaps(), []);
  }
});

test("a gap is noticed and filled through the catch-up query, a page at a time", async () => {
  const all = Array.from({ length: 6 }, (_, i) => change("g", i + 1));
  const asked: [string, number][] = [];
  const PAGE = 3;
  const m = new OwnerMirror({
    // roomhook_delivery/get_room_callbacks' answer, as the server pages it.
    catchUp: (roomId, after) => {
      asked.push([roomId, after]);
      const missed = all.filter((c) => c.sequence! > after);
      return Promise.resolve({
        CallbackList: missed.slice(0, PAGE).map((c) => ({
          Sequence: c.sequence!,
          PreviousSequence: c.previousSequence!,
          EventId: c.eventId!,
          CallbackCommand: "Live.CallbackAfterChangeOwner" as const,
          State: "dead" as const,
          Packet: c.packet as AfterChangeOwner,
        })),
        HasMore: missed.length > PAGE,
      });
    },
  });
  assert.equal(m.apply(all[0]!), "applied");
  assert.equal(m.apply(all[3]!), "waiting"); // 2 and 3 never came (they went dead while the App was down)
  assert.equal(m.owner("g"), "u1");
  assert.deepEqual(m.gaps(), ["g"]);
  assert.deepEqual(await m.fillGaps(), []);
  // It pages: asks again after the last of a full page, and stops after one that was not full.
  assert.deepEqual(asked, [
    ["g", 1],
    ["g", 4],
  ]);
  assert.equal(m.owner("g"), "u6");
  assert.deepEqual(
    m.history("g").map((h) => h.sequence),
    [1, 2, 3, 4, 5, 6],
  );
});

test("a catch-up page that applies nothing ends the refresh (no loop on a gap the server cannot fill)", async () => {
  let calls = 0;
  const m = new OwnerMirror({
    catchUp: () => {
      calls++;
      // Sequence 5 follows 4, which the server no longer has: it waits, and nothing is applied.
      const c = change("s", 5);
      return Promise.resolve({
        CallbackList: [
          {
            Sequence: 5,
            PreviousSequence: 4,
            EventId: c.eventId!,
            CallbackCommand: "Live.CallbackAfterChangeOwner" as const,
            State: "delivered" as const,
            Packet: c.packet as AfterChangeOwner,
          },
        ],
        HasMore: true,
      });
    },
  });
  await m.refresh(["s"]);
  assert.equal(calls, 1);
  assert.deepEqual(m.gaps(), ["s"]);
});

test("filtered commands: previous-sequence skips what this app is not sent, without a false gap", () => {
  const m = new OwnerMirror();
  // The room's sequence counts every event; this app only gets owner changes: 3 follows 1.
  assert.equal(m.apply(change("f", 1, { prev: 0 })), "applied");
  assert.equal(m.apply(change("f", 3, { prev: 1 })), "applied");
  assert.deepEqual(m.gaps(), []);
  assert.equal(m.owner("f"), "u3");
});

test("without roomhook's headers (a Tencent-only sender), EventTime orders and repeats are dropped", () => {
  const m = new OwnerMirror();
  const all = Array.from({ length: 10 }, (_, i) => change("t", i + 1, { headers: false }));
  for (const cb of shuffle([...all, all[3]!, all[9]!], 7)) m.apply(cb);
  assert.equal(m.owner("t"), "u10");
  assert.equal(m.history("t").length, 10);
});

test("state is saved after each change and loaded back", () => {
  const saved = new Map<string, RoomMirrorState>();
  const opts = {
    load: (id: string) => saved.get(id),
    save: (s: RoomMirrorState) => saved.set(s.roomId, structuredClone(s)),
  };
  const a = new OwnerMirror(opts);
  a.apply(change("p", 1));
  a.apply(change("p", 2));
  const b = new OwnerMirror(opts);
  assert.equal(b.owner("p"), "u2");
  assert.equal(b.apply(change("p", 2)), "duplicate");
  assert.equal(b.apply(change("p", 3)), "applied");
  assert.deepEqual(
    b.history("p").map((h) => h.to),
    ["u1", "u2", "u3"],
  );
});
