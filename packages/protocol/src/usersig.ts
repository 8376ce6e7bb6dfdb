import { createHmac, timingSafeEqual } from "node:crypto";
import { deflateSync, inflateSync } from "node:zlib";

/**
 * UserSig, Tencent's "TLS sig v2": HMAC-SHA256 over four fixed lines, put with its inputs in a JSON
 * document, zlib-compressed, base64 with `+/=` replaced by `*-_`. Mirrors the official generators
 * (npm `tls-sig-api-v2`, Go `TLSSigAPI.go`); verification mirrors the Go library's `VerifyUserSig`.
 * The key is the app secret's UTF-8 bytes, not hex-decoded.
 */

/**
 * Why a UserSig is refused, as Tencent's codes: 70001 expired, 70002 empty, 70003 not decodable, 70009
 * wrong key (signature mismatch), 70013 another user's, 70014 another app's.
 */
export type UserSigFailure = 70001 | 70002 | 70003 | 70009 | 70013 | 70014;

/** verifyUserSig's outcome: the signed fields (Unix seconds; `expire` seconds) or the failure code. */
export type UserSigCheck =
  | { ok: true; identifier: string; sdkAppId: number; time: number; expire: number; expiresAt: number }
  | { ok: false; code: UserSigFailure; reason: string };

/** What genUserSig signs. */
export interface GenUserSigOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's SecretKey (its UTF-8 bytes are the HMAC key). */
  key: string;
  /** The user the UserSig is for (1 to 32 bytes). */
  identifier: string;
  /** Validity in seconds, relative to `time`. */
  expire: number;
  /** Unix seconds; defaults to now. */
  time?: number;
  /** Tencent's optional privilege buffer (`TLS.userbuf`), signed and carried base64; none by default. */
  userBuf?: Buffer;
}

function textToSign(
  identifier: string,
  sdkAppId: number,
  time: number,
  expire: number,
  userBuf?: string,
): string {
  let text = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (userBuf !== undefined) text += `TLS.userbuf:${userBuf}\n`;
  return text;
}

function escape(base64: string): string {
  return base64.replace(/\+/g, "*").replace(/\//g, "-").replace(/=/g, "_");
}

function unescape(sig: string): string {
  return sig.replace(/_/g, "=").replace(/-/g, "/").replace(/\*/g, "+");
}

/**
 * Makes a UserSig exactly as Tencent's `tls-sig-api-v2` does (interoperable both ways: the suite checks
 * it against that package). Throws nothing for any input; an empty key gives a UserSig no server accepts.
 */
export function genUserSig(opts: GenUserSigOptions): string {
  const time = opts.time ?? Math.floor(Date.now() / 1000);
  const userBuf = opts.userBuf?.toString("base64");
  const sig = createHmac("sha256", opts.key)
    .update(textToSign(opts.identifier, opts.sdkAppId, time, opts.expire, userBuf))
    .digest("base64");
  const doc: Record<string, string | number> = {
    "TLS.ver": "2.0",
    "TLS.identifier": opts.identifier,
    "TLS.sdkappid": opts.sdkAppId,
    "TLS.time": time,
    "TLS.expire": opts.expire,
  };
  if (userBuf !== undefined) doc["TLS.userbuf"] = userBuf;
  doc["TLS.sig"] = sig;
  return escape(deflateSync(Buffer.from(JSON.stringify(doc))).toString("base64"));
}

/** What verifyUserSig checks a UserSig against. */
export interface VerifyUserSigOptions {
  /** The SDKAppID the UserSig must be for (else 70014). */
  sdkAppId: number;
  /** The app's SecretKey (else 70009). */
  key: string;
  /** The user it must be for (else 70013). */
  identifier: string;
  /** The UserSig as received (at most 4096 characters are looked at). */
  userSig: string;
  /** Unix seconds; defaults to now. */
  now?: number;
}

/** Largest UserSig we try to inflate; real ones are ~200 characters. Guards against zip bombs. */
const MAX_USERSIG_LENGTH = 4096;
const MAX_INFLATED = 16 * 1024;

const BASE64_ESCAPED = /^[A-Za-z0-9*\-_]+$/;

function isWholeNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks a UserSig and says why it fails, with the 70xxx code Tencent's account system documents for
 * that reason (the mapping of reasons to codes is our reading of the code descriptions).
 */
export function verifyUserSig(opts: VerifyUserSigOptions): UserSigCheck {
  const { userSig } = opts;
  if (userSig.length === 0) return { ok: false, code: 70002, reason: "UserSig is empty" };
  if (userSig.length > MAX_USERSIG_LENGTH || !BASE64_ESCAPED.test(userSig)) {
    return { ok: false, code: 70003, reason: "UserSig is not in the UserSig alphabet or is too long" };
  }
  let doc: unknown;
  try {
    const inflated = inflateSync(Buffer.from(unescape(userSig), "base64"), {
      maxOutputLength: MAX_INFLATED,
      // A UserSig inflates to ~200 bytes: zlib's default 16 KiB output chunk per check was garbage
      // that, at thousands of logins, stayed resident as fragmentation (issue 16).
      chunkSize: 1024,
    });
    doc = JSON.parse(inflated.toString("utf8"));
  } catch {
    return { ok: false, code: 70003, reason: "UserSig cannot be decoded (truncated or corrupted)" };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { ok: false, code: 70003, reason: "UserSig does not hold a signature document" };
  }
  const d = doc as Record<string, unknown>;
  const sdkAppId = d["TLS.sdkappid"];
  const identifier = d["TLS.identifier"];
  const time = d["TLS.time"];
  const expire = d["TLS.expire"];
  const sig = d["TLS.sig"];
  const userBuf = d["TLS.userbuf"];
  if (
    !isWholeNumber(sdkAppId) ||
    typeof identifier !== "string" ||
    !isWholeNumber(time) ||
    !isWholeNumber(expire) ||
    typeof sig !== "string" ||
    (userBuf !== undefined && typeof userBuf !== "string")
  ) {
    return { ok: false, code: 70003, reason: "UserSig document is missing fields or has wrong types" };
  }
  if (sdkAppId !== opts.sdkAppId) {
    return { ok: false, code: 70014, reason: `UserSig was made for sdkappid ${sdkAppId}` };
  }
  if (identifier !== opts.identifier) {
    return { ok: false, code: 70013, reason: "UserSig was made for another identifier" };
  }
  const want = createHmac("sha256", opts.key)
    .update(textToSign(identifier, sdkAppId, time, expire, userBuf))
    .digest();
  const got = Buffer.from(sig, "base64");
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return { ok: false, code: 70009, reason: "UserSig signature does not match this app's key" };
  }
  // Checked after the signature so that an attacker cannot learn anything from forged expiry fields.
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const expiresAt = time + expire;
  if (now > expiresAt) {
    return {
      ok: false,
      code: 70001,
      reason: `UserSig expired at ${new Date(expiresAt * 1000).toISOString()}`,
    };
  }
  return { ok: true, identifier, sdkAppId, time, expire, expiresAt };
}
