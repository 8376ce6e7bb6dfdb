import { hash } from "node:crypto";
import { constantTimeEqualAt } from "./constant-time.ts";

/**
 * Callback authentication (Tencent: Live webhook overview, "security"): with a token enabled, every
 * callback URL carries `RequestTime` (Unix seconds) and `Sign = lowercase hex sha256(Token + RequestTime)`.
 * The Sign does not cover the body.
 */
export function callbackSign(token: string, requestTime: string | number): string {
  // One-shot crypto.hash (Node >= 20.12): half the cost of a createHash object for a short input.
  return hash("sha256", token + String(requestTime), "hex");
}

/**
 * The Sign expected last: RequestTime is in seconds, so every callback of one second carries the same
 * Sign, and a receiver taking thousands a second computes it once a second (a pure function of its
 * two inputs, kept for the last pair only).
 */
let lastSign: { token: string; requestTime: string; sign: string } | undefined;
function expectedSign(token: string, requestTime: string): string {
  const last = lastSign;
  if (last !== undefined && last.requestTime === requestTime && last.token === token) return last.sign;
  const sign = callbackSign(token, requestTime);
  lastSign = { token, requestTime, sign };
  return sign;
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
  // Compared as text, case-blind (hex is read in either case), in constant time: equal means the
  // same 64 hex digits.
  if (sign.length !== 64 || !constantTimeEqualAt(sign, 0, expectedSign(opts.token, requestTime), true))
    return { ok: false, reason: "sign-mismatch" };
  return { ok: true };
}
