import { hash, timingSafeEqual } from "node:crypto";

/**
 * Callback authentication (Tencent: Live webhook overview, "security"): with a token enabled, every
 * callback URL carries `RequestTime` (Unix seconds) and `Sign = lowercase hex sha256(Token + RequestTime)`.
 * The Sign does not cover the body.
 */
export function callbackSign(token: string, requestTime: string | number): string {
  // One-shot crypto.hash (Node >= 20.12): half the cost of a createHash object for a short input.
  return hash("sha256", token + String(requestTime), "hex");
}

/** Tencent's receivers reject a RequestTime more than 60 s away from their clock. */
export const SIGN_TOLERANCE_SECONDS = 60;

/** The outcome of checkCallbackSign: ok, or why not (the receiver's refusal reasons). */
export type SignCheck = { ok: true } | { ok: false; reason: "sign-missing" | "sign-stale" | "sign-mismatch" };

/**
 * Checks a callback's `Sign` and `RequestTime` query values (strings, as received): `Sign` must be
 * callbackSign(token, RequestTime), and `RequestTime` (Unix seconds) within `toleranceSeconds` (default
 * 60) of `nowSeconds`. Never throws; the comparison takes the same time whatever the mismatch
 * (Tencent's "callback authentication", Live webhook overview).
 */
export function checkCallbackSign(opts: {
  token: string;
  sign: string | undefined;
  requestTime: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignCheck {
  const { sign, requestTime } = opts;
  if (sign === undefined || requestTime === undefined || !/^\d{1,12}$/.test(requestTime)) {
    return { ok: false, reason: "sign-missing" };
  }
  const tolerance = opts.toleranceSeconds ?? SIGN_TOLERANCE_SECONDS;
  if (Math.abs(opts.nowSeconds - Number(requestTime)) > tolerance) return { ok: false, reason: "sign-stale" };
  // Compared as text after checking it is 64 hex digits (either case: the hex is read case-blind),
  // in constant time: both sides are 64 ASCII bytes.
  if (!/^[0-9a-fA-F]{64}$/.test(sign)) return { ok: false, reason: "sign-mismatch" };
  const want = callbackSign(opts.token, requestTime);
  if (!timingSafeEqual(Buffer.from(sign.toLowerCase(), "latin1"), Buffer.from(want, "latin1")))
    return { ok: false, reason: "sign-mismatch" };
  return { ok: true };
}
