/**
 * JSON as Tencent writes it: its pages render user ids as bare numbers, and its ids are often 18
 * digits (144115233775727695), past the 2^53 that a JavaScript number holds exactly. `JSON.parse`
 * would silently change such an id to its nearest double (…680). Here every integer literal beyond
 * Number.MAX_SAFE_INTEGER is read as the string of its digits instead, so that an id keeps its value;
 * every other value parses as JSON.parse would parse it.
 *
 * @throws SyntaxError when the text is not JSON (as JSON.parse).
 */
export function parseJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text)) as unknown;
}

/** The text with each integer literal beyond 2^53 - 1 in quotes (strings are left as they are). */
export function quoteUnsafeIntegers(text: string): string {
  let out: string[] | undefined;
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)
          i++;
        else break;
      }
      const token = text.slice(start, i);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out ??= [];
        out.push(text.slice(copied, start), `"${token}"`);
        copied = i;
      }
      continue;
    }
    i++;
  }
  if (out === undefined) return text;
  out.push(text.slice(copied));
  return out.join("");
}
