import { randomFillSync } from "node:crypto";

/**
 * `evt_` + time (base36, sortable) + 64 random bits: unique without coordination between processes.
 * Random bytes come from a pool refilled 4 KiB at a time: one randomBytes(8) per event cost 14% of
 * the owner-change hot path (a syscall each).
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function newEventId(timeMs: number): string {
  if (offset + 8 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 8);
  offset += 8;
  return `evt_${timeMs.toString(36).padStart(9, "0")}${hex}`;
}
