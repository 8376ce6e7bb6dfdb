import { Lanes } from "../packages/server/src/delivery/lanes.ts";
import type { ReadyDelivery } from "../packages/server/src/store/store.ts";

/**
 * The dispatcher's lane index alone (no HTTP, no store): deliveries claimed and settled per second
 * in 1,000 busy rooms while `waiting` other rooms hold a delivery due an hour from now (a receiver
 * that is down). The cost of a claim should not depend on how many rooms wait: the ratio of the
 * rate with 100,000 waiting rooms to the rate with none is the figure (issue 11, case 17).
 */
export function benchLaneIndex(waiting: number, seconds: number): number {
  const lanes = new Lanes();
  const now = 1_000_000;
  let id = 0;
  const d = (room: string, seq: number, due: number): ReadyDelivery => ({
    id: ++id,
    appId: 1,
    roomId: room,
    seq,
    nextAttemptMs: due,
  });
  lanes.add(Array.from({ length: waiting }, (_, i) => d(`waiting${i}`, 1, now + 3_600_000)));
  const seqs = new Array<number>(1000).fill(0);
  lanes.add(seqs.map((_, r) => d(`busy${r}`, ++seqs[r]!, now)));
  let done = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 100; k++) {
      const claimed = lanes.claim(now, 256);
      for (const c of claimed) {
        lanes.done(c);
        const r = Number(c.roomId.slice(4));
        lanes.add([d(c.roomId, ++seqs[r]!, now)]);
        done++;
      }
    }
  }
  return done / seconds;
}
