import { genUserSig } from "@roomhook/protocol";

/** The UserSigs a client signs its calls with, one per identifier, made again before they expire. */
export interface UserSigCache {
  /**
   * The identifier's UserSig: the cached one while more than the renewal margin of its validity is
   * left, else a new one made at the clock's time.
   *
   * @param identifier The admin account the UserSig is for.
   * @returns The UserSig.
   */
  get(identifier: string): string;
  /**
   * Forgets the identifier's UserSig, so that the next call makes a new one (after the server
   * refused it: 70001 expired, or a clock far from the server's).
   *
   * @param identifier The admin account.
   */
  drop(identifier: string): void;
}

/**
 * The renewal margin: a UserSig is made again when less than this is left of its validity, so that
 * one in flight does not expire on the way (a tenth of the validity, at most 5 minutes).
 *
 * @param expireSeconds The validity of a UserSig.
 * @returns Seconds.
 */
export function renewalMarginSeconds(expireSeconds: number): number {
  return Math.min(300, Math.floor(expireSeconds / 10));
}

/**
 * Makes a cache of UserSigs (Tencent's TLS sig v2, `genUserSig`) for one app.
 *
 * @param opts The app, its key, the validity of each UserSig and the clock.
 * @param opts.sdkAppId The app.
 * @param opts.secretKey The app's key.
 * @param opts.expireSeconds The validity of each UserSig, in seconds.
 * @param opts.now The clock, in ms since the epoch.
 * @returns The cache.
 */
export function createUserSigCache(opts: {
  sdkAppId: number;
  secretKey: string;
  expireSeconds: number;
  now: () => number;
}): UserSigCache {
  const margin = renewalMarginSeconds(opts.expireSeconds);
  const sigs = new Map<string, { sig: string; madeAt: number; renewAt: number }>();
  return {
    get(identifier) {
      const nowSec = Math.floor(opts.now() / 1000);
      const hit = sigs.get(identifier);
      // A clock set back before the UserSig's time makes a new one too: it would not be valid yet
      // anywhere that checks.
      if (hit !== undefined && nowSec >= hit.madeAt && nowSec < hit.renewAt) return hit.sig;
      const sig = genUserSig({
        sdkAppId: opts.sdkAppId,
        key: opts.secretKey,
        identifier,
        expire: opts.expireSeconds,
        time: nowSec,
      });
      sigs.set(identifier, { sig, madeAt: nowSec, renewAt: nowSec + opts.expireSeconds - margin });
      return sig;
    },
    drop(identifier) {
      sigs.delete(identifier);
    },
  };
}
