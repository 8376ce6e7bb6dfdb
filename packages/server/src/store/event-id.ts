import { randomBytes } from "node:crypto";

/** `evt_` + time (base36, sortable) + 64 random bits: unique without coordination between processes. */
export function newEventId(timeMs: number): string {
  return `evt_${timeMs.toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;
}
