import { verifyUserSig } from "@roomhook/protocol";
import type { Clock } from "../clock.ts";
import { LiveError } from "../live-error.ts";

export interface ResolvedApp {
  sdkAppId: number;
  key: string;
  admins: ReadonlySet<string>;
}

export interface Caller {
  app: ResolvedApp;
  identifier: string;
}

const UINT = /^\d{1,10}$/;

/** The query parameters of every REST call (Tencent: REST API overview): each at most once. */
const TENCENT_QUERY = ["sdkappid", "identifier", "usersig", "random", "contenttype"] as const;

/**
 * Authenticates a REST call from its query (Tencent: RESTful API overview). Order: sdkappid present
 * (60012), known (60006); identifier present (60004); usersig present (70002) and valid (70xxx);
 * identifier an App administrator (60010). A verified UserSig is remembered until it expires, so the
 * HMAC and inflate run once per UserSig, not once per call.
 */
export function createAuthenticator(opts: {
  apps: { sdkAppId: number; secretKey: string; admins: string[] }[];
  cacheSize: number;
  clock: Clock;
}) {
  const apps = new Map<number, ResolvedApp>();
  for (const a of opts.apps)
    apps.set(a.sdkAppId, { sdkAppId: a.sdkAppId, key: a.secretKey, admins: new Set(a.admins) });
  // Insertion-ordered Map as a bounded cache: the oldest entry goes first when it is full.
  const verified = new Map<string, number>();

  function authenticate(query: Record<string, unknown>): Caller {
    const rawApp = query.sdkappid;
    if (rawApp === undefined || rawApp === "") throw new LiveError(60012);
    if (typeof rawApp !== "string" || !UINT.test(rawApp))
      throw new LiveError(60006, "sdkappid must be a number");
    const app = apps.get(Number(rawApp));
    if (app === undefined) throw new LiveError(60006, `SDKAppID ${rawApp} is not configured on this server`);
    const identifier = query.identifier;
    if (typeof identifier !== "string" || identifier === "")
      throw new LiveError(60004, "identifier is missing");
    const userSig = query.usersig;
    if (typeof userSig !== "string" || userSig === "")
      throw new LiveError(70002, "usersig is missing or empty");

    const nowSec = Math.floor(opts.clock.now() / 1000);
    const cacheKey = `${app.sdkAppId}\u0000${identifier}\u0000${userSig}`;
    const expiresAt = verified.get(cacheKey);
    if (expiresAt === undefined || nowSec > expiresAt) {
      const r = verifyUserSig({ sdkAppId: app.sdkAppId, key: app.key, identifier, userSig, now: nowSec });
      if (!r.ok) {
        verified.delete(cacheKey);
        throw new LiveError(r.code, r.reason);
      }
      if (opts.cacheSize > 0) {
        if (verified.size >= opts.cacheSize) {
          const oldest = verified.keys().next();
          if (oldest.done !== true) verified.delete(oldest.value);
        }
        verified.set(cacheKey, r.expiresAt);
      }
    }
    if (!app.admins.has(identifier)) throw new LiveError(60010, `${identifier} is not an App administrator`);
    return { app, identifier };
  }

  function checkTransportParams(query: Record<string, unknown>): void {
    // A parameter given twice is an array here: named as such, not taken for a malformed value.
    for (const name of TENCENT_QUERY)
      if (Array.isArray(query[name])) throw new LiveError(60002, `${name} is given more than once`);
    const random = query.random;
    if (
      random !== undefined &&
      (typeof random !== "string" || !UINT.test(random) || Number(random) > 0xffffffff)
    ) {
      throw new LiveError(60002, "random must be an unsigned 32-bit integer");
    }
    const ct = query.contenttype;
    if (ct !== undefined && ct !== "json") throw new LiveError(60002, `contenttype must be "json"`);
  }

  return { authenticate, checkTransportParams };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
