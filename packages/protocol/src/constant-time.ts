/**
 * Whether `text` holds `want` starting at `start`, compared in a time that depends only on
 * `want.length` (every character is looked at, no early exit): for the digests a callback is
 * authenticated by (Tencent's hex Sign, a Standard Webhooks base64 HMAC). The lengths are not secret.
 * Done on the strings as they are, without copying them into buffers for `crypto.timingSafeEqual`
 * (two Buffer.from per check cost more than the comparison; the `standardwebhooks` package compares
 * in JavaScript the same way). A character outside ASCII in `text` never equals one of `want`.
 *
 * `foldAsciiCase`: letters compare case-blind (for hex digests: `want` in lower case). Bit 0x20 is set
 * only on characters 0x40-0x7F, so `A`-`F` meet `a`-`f` while digits and control characters stay
 * as they are: equal then means `text` holds those hex digits in either case.
 */
export function constantTimeEqualAt(
  text: string,
  start: number,
  want: string,
  foldAsciiCase = false,
): boolean {
  if (start < 0 || text.length - start < want.length) return false;
  const fold = foldAsciiCase ? 1 : 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    const c = text.charCodeAt(start + i);
    diff |= (c | (((c >> 6) & fold) << 5)) ^ want.charCodeAt(i);
  }
  return diff === 0;
}
