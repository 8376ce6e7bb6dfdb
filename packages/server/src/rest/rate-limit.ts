import type { RateLimitConfig } from "../config.ts";
import type { Clock } from "../clock.ts";
import { LiveError } from "../live-error.ts";

/**
 * Per app, per API token buckets (Tencent: "maximum calling frequency", 200/s for most Live APIs).
 * A bucket holds one second's worth of calls, so a burst of up to the limit passes at once; a limit
 * under 1/s (copy_default_gift_config: once in 10 s) holds one call.
 */
export function createRateLimiter(opts: { config: RateLimitConfig; clock: Clock }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const { config } = opts;

  function take(appId: number, command: string): void {
    if (!config.enabled) return;
    // The command's own limit only (a command name is never an inherited member's).
    const limit =
      (Object.hasOwn(config.perSecond, command) ? config.perSecond[command] : undefined) ??
      config.perSecond["*"];
    if (limit === undefined) return;
    const key = `${appId}/${command}`;
    const now = opts.clock.now();
    const capacity = Math.max(1, limit);
    const b = buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * limit);
    b.at = now;
    if (b.tokens < 1) {
      buckets.set(key, b);
      throw new LiveError(60007, `${command} is limited to ${limit} calls per second for this app`);
    }
    b.tokens -= 1;
    buckets.set(key, b);
  }

  return { take };
}
