import { createHmac, randomBytes } from "node:crypto";
import { constantTimeEqualAt } from "./constant-time.ts";

/**
 * Standard Webhooks signatures (standardwebhooks.com), roomhook's extension beside Tencent's Sign:
 * `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
 * `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, one per active secret (several during a
 * rotation). A secret is `whsec_` + base64 of the key bytes.
 */

/** The prefix of a Standard Webhooks secret (`whsec_` + base64 of the key bytes). */
export const SIGNING_SECRET_PREFIX = "whsec_";
/** How far `webhook-timestamp` may be from the receiver's clock, in seconds (Standard Webhooks: 5 min). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SIGNING_SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** Decoded keys of the secrets seen last: a receiver checks every callback against the same few. */
const keys = new Map<string, Buffer>();
const KEYS_KEPT = 16;

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    key = Buffer.from(
      secret.startsWith(SIGNING_SECRET_PREFIX) ? secret.slice(SIGNING_SECRET_PREFIX.length) : secret,
      "base64",
    );
    if (keys.size >= KEYS_KEPT) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * The `webhook-signature` header value for a body: `v1,<base64 HMAC-SHA256>` per secret, space-separated
 * (`timestamp` Unix seconds). A secret without the `whsec_` prefix is read as base64 too.
 */
export function webhookSignature(opts: {
  secrets: readonly string[];
  id: string;
  timestamp: number;
  body: string | Buffer;
}): string {
  return opts.secrets
    .map((s) => {
      const mac = createHmac("sha256", keyOf(s));
      mac.update(`${opts.id}.${opts.timestamp}.`);
      mac.update(opts.body);
      return `v1,${mac.digest("base64")}`;
    })
    .join(" ");
}

/** checkWebhookSignature's outcome: ok, or why not. */
export type WebhookSignatureCheck =
  | { ok: true }
  | {
      ok: false;
      reason: "signature-missing" | "timestamp-invalid" | "timestamp-stale" | "signature-mismatch";
    };

/**
 * Checks Standard Webhooks headers (as received: strings or undefined) against a raw body: one of the
 * `v1` signatures must match one of `secrets`, and the timestamp be within `toleranceSeconds` (default
 * 300) of `nowSeconds`. Never throws; constant-time comparison.
 */
export function checkWebhookSignature(opts: {
  secrets: readonly string[];
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string | Buffer;
  nowSeconds: number;
  toleranceSeconds?: number;
}): WebhookSignatureCheck {
  if (opts.id === undefined || opts.timestamp === undefined || opts.signature === undefined) {
    return { ok: false, reason: "signature-missing" };
  }
  if (!/^\d{1,12}$/.test(opts.timestamp)) return { ok: false, reason: "timestamp-invalid" };
  const ts = Number(opts.timestamp);
  if (Math.abs(opts.nowSeconds - ts) > (opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) {
    return { ok: false, reason: "timestamp-stale" };
  }
  const { signature } = opts;
  for (const secret of opts.secrets) {
    const mac = createHmac("sha256", keyOf(secret));
    mac.update(`${opts.id}.${ts}.`);
    mac.update(opts.body);
    const want = mac.digest("base64");
    // The header's space-separated entries, read in place (usually one); only `v1,` ones count.
    for (let start = 0; start < signature.length;) {
      let end = signature.indexOf(" ", start);
      if (end < 0) end = signature.length;
      if (
        end - start === want.length + 3 &&
        signature.startsWith("v1,", start) &&
        constantTimeEqualAt(signature, start + 3, want)
      )
        return { ok: true };
      start = end + 1;
    }
  }
  return { ok: false, reason: "signature-mismatch" };
}
