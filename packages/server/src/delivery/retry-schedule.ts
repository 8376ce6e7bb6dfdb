/**
 * When a failed delivery is tried again. Tencent documents no retries for Live callbacks; roomhook
 * retries (an extension a Tencent-only receiver never notices beyond getting its callback late).
 * Delays after attempt 1, 2, ... : about 22 hours in all, then the delivery is dead.
 */
export const RETRY_DELAYS_MS = [
  5_000, // 5 s
  30_000, // 30 s
  120_000, // 2 min
  300_000, // 5 min
  900_000, // 15 min
  1_800_000, // 30 min
  3_600_000, // 1 h
  7_200_000, // 2 h
  14_400_000, // 4 h
  21_600_000, // 6 h
  28_800_000, // 8 h
] as const;

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Each delay is spread by up to 20% either way, so that receivers coming back are not stampeded. */
export const JITTER = 0.2;

/** Bounds for a receiver's Retry-After (on 429 and 503). */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 3_600_000;

/** Delay before the next attempt after `attemptsMade` attempts, or undefined when none is left. */
export function retryDelay(attemptsMade: number, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_MS[attemptsMade - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** Retry-After as seconds or an HTTP date, clamped to the bounds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}
