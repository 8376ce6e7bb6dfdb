/**
 * JSON as Tencent writes it: its pages render user ids as bare numbers, and its ids are often 18
 * digits (144115233775727695), past the 2^53 that a JavaScript number holds exactly. `JSON.parse`
 * would silently change such an id to its nearest double (…680). `parseJson` reads every integer
 * literal beyond Number.MAX_SAFE_INTEGER as an `UnsafeInteger` holding its digits instead: where an
 * account is expected it becomes the string of those digits; anywhere else it is refused as a number
 * out of range, as it would be by a strict reader. Everything else parses exactly as JSON.parse
 * parses it (JSON.parse does the parsing; the text is only rewritten when it holds such a literal).
 * Written here rather than taken from a library so that the receiver SDK stays free of dependencies.
 */
export class UnsafeInteger {
  /** The literal's digits, with its sign ("-90071992547409930"). */
  readonly digits: string;
  constructor(digits: string) {
    this.digits = digits;
  }
  /** Serialized as the string of its digits (JSON cannot hold the number itself in JavaScript). */
  toJSON(): string {
    return this.digits;
  }
}

/**
 * The key of the object an unsafe literal becomes before it is turned into an UnsafeInteger: random
 * per process (Web Crypto: browsers and Node.js alike), so that no text can hold an object with this
 * key of its own (one that did would become an UnsafeInteger of whatever it said).
 */
const MARK = `\u0000roomhook.unsafeInteger.${Array.from(
  globalThis.crypto.getRandomValues(new Uint8Array(12)),
  (b) => b.toString(16).padStart(2, "0"),
).join("")}`;

/** The UnsafeInteger a marked object stands for, or undefined when the value is not one. */
function unmarked(value: unknown): UnsafeInteger | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const digits = (value as Record<string, unknown>)[MARK];
  if (typeof digits !== "string") return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === MARK ? new UnsafeInteger(digits) : undefined;
}

/**
 * JSON.parse, but an integer literal past 2^53 - 1 comes back as an UnsafeInteger.
 *
 * @throws SyntaxError when the text is not JSON (as JSON.parse).
 */
export function parseJson(text: string): unknown {
  const marked = markUnsafeIntegers(text);
  const value = JSON.parse(marked) as unknown;
  if (marked === text) return value;
  // The marked objects replaced in a walk with its own stack (a reviver recurses, and a text nested
  // thousands of levels deep would overflow the call stack).
  const root = unmarked(value);
  if (root !== undefined) return root;
  const stack: unknown[] = [value];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (typeof v !== "object" || v === null) continue;
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x !== "object" || x === null) continue;
      const u = unmarked(x);
      if (u === undefined) stack.push(x);
      else o[k] = u;
    }
  }
  return value;
}

/** The text with each integer literal beyond 2^53 - 1 wrapped in a marked object (strings untouched). */
function markUnsafeIntegers(text: string): string {
  // Fast path: no run of 16 digits anywhere, so no unsafe integer literal.
  if (!/\d{16}/.test(text)) return text;
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
        const numberChar =
          (d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d;
        if (!numberChar) break;
        i++;
      }
      const token = text.slice(start, i);
      if (/^-?\d{16,}$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out ??= [];
        out.push(text.slice(copied, start), `{${JSON.stringify(MARK)}:"${token}"}`);
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
