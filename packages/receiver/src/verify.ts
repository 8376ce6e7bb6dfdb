import {
  checkCallbackSign,
  checkWebhookSignature,
  SIGN_TOLERANCE_SECONDS,
  WEBHOOK_TOLERANCE_SECONDS,
} from "@roomhook/protocol";
import { bodyBytes, parseCallback, type ParsedCallback } from "./parse.ts";
import { ReceiverError } from "./receiver-error.ts";

/** What a receiver checks a callback against: the app, and the token and secrets it has set. */
export interface ReceiverOptions {
  /** Your SDKAppID: a callback for another app is refused (Tencent: "check that SdkAppid is your own"). */
  sdkAppId: number;
  /** The callback token (live_config/set_callback_token): when set, Sign and RequestTime are required. */
  token?: string;
  /** Standard Webhooks secrets (`whsec_…`): when set, a valid `webhook-signature` is required. */
  secrets?: readonly string[];
  /** Accepted clock difference for RequestTime, in seconds (default 60, Tencent's). */
  signToleranceSeconds?: number;
  /** Accepted clock difference for webhook-timestamp, in seconds (default 300, Standard Webhooks'). */
  webhookToleranceSeconds?: number;
  /** Unix seconds; for tests. */
  now?: () => number;
}

/** Request headers as Node.js and the frameworks give them (names lower-case). */
export type Headers = Record<string, string | string[] | undefined>;

/** One callback request as received: where it was posted, its headers and its exact body. */
export interface CallbackInput {
  /** The request URL (path and query, or absolute), or just its query. */
  url?: string;
  /** The query, when the framework parsed it already (instead of `url`). */
  query?: URLSearchParams | Record<string, string | string[] | undefined>;
  /** The headers: Standard Webhooks' and roomhook's sequence headers are read from them. */
  headers?: Headers;
  /** The raw body, exactly as received: signatures cover these bytes. */
  body: string | Uint8Array;
}

/** A verified, parsed callback with what the request said about it. */
export type VerifiedCallback = ParsedCallback & {
  sdkAppId: number;
  clientIp?: string;
  optPlatform?: string;
  /** roomhook's extension headers, when the sender is roomhook. */
  eventId?: string;
  sequence?: number;
  previousSequence?: number;
};

/** The query parameters a callback is read by (Tencent: Live webhook overview), each with its slot. */
const PARAM = {
  SdkAppid: 0,
  CallbackCommand: 1,
  ClientIP: 2,
  OptPlatform: 3,
  Sign: 4,
  RequestTime: 5,
} as const;
type ParamName = keyof typeof PARAM;
/** Their names in lower case, by slot. */
const PARAMS: string[] = [];
for (const [name, i] of Object.entries(PARAM)) PARAMS[i] = name.toLowerCase();

/**
 * The query's parameters that verify reads, found by name whatever its case (Tencent's pages write
 * both SdkAppid and SdkAppId); other parameters are skipped without being decoded. A name given more
 * than once is noted, not resolved: see param.
 */
interface Query {
  /** The first value of each of PARAMS, by index. */
  values: (string | undefined)[];
  /** How many times each was given, by index. */
  counts: number[];
}

function addParam(q: Query, i: number, v: string): void {
  const n = q.counts[i] ?? 0;
  q.counts[i] = n + 1;
  if (n === 0) q.values[i] = v;
}

function toQuery(input: CallbackInput): Query {
  // One slot per entry of PARAM.
  const q: Query = {
    values: [undefined, undefined, undefined, undefined, undefined, undefined],
    counts: [0, 0, 0, 0, 0, 0],
  };
  if (input.query instanceof URLSearchParams) {
    for (const [k, v] of input.query) {
      const i = paramAt(k, 0, k.length);
      if (i >= 0) addParam(q, i, v);
    }
  } else if (input.query !== undefined) {
    for (const k in input.query) {
      const i = paramAt(k, 0, k.length);
      const v = input.query[k];
      if (i < 0) continue;
      if (Array.isArray(v)) for (const x of v) addParam(q, i, x);
      else if (v !== undefined) addParam(q, i, v);
    }
  } else {
    // The query is read where it is in the URL (after `?`, or the whole text when it is only a query).
    const url = input.url ?? "";
    const from = url.indexOf("?") + 1;
    if (from === 0 && !url.includes("=")) return q;
    if (url.indexOf("%", from) >= 0 || url.indexOf("+", from) >= 0) {
      for (const [k, v] of new URLSearchParams(url.slice(from))) {
        const i = paramAt(k, 0, k.length);
        if (i >= 0) addParam(q, i, v);
      }
    } else addPlainPairs(q, url, from);
  }
  return q;
}

/**
 * The index in PARAMS of the name text[start, end), matched case-blind without copying it, or -1.
 * Every character of PARAMS is a lower-case letter L, and `c | 0x20 === L` holds only for L and its
 * upper case: ASCII case only, whichever way the query came (toLowerCase would also fold the Kelvin
 * sign U+212A into a `k`, and take `Sd\u212AAppid` for a second SdkAppid).
 */
function paramAt(text: string, start: number, end: number): number {
  const len = end - start;
  for (let i = 0; i < PARAMS.length; i++) {
    const name = PARAMS[i] ?? "";
    if (name.length !== len) continue;
    let j = 0;
    while (j < len && (text.charCodeAt(start + j) | 0x20) === name.charCodeAt(j)) j++;
    if (j === len) return i;
  }
  return -1;
}

/**
 * A query with nothing encoded (no `%`, no `+`: Tencent's callback queries are letters, digits and
 * dots), split as URLSearchParams splits it: on `&`, each pair at its first `=`, empty pairs skipped.
 * Only the values of PARAMS are copied out. Any other query goes through URLSearchParams itself.
 * `text` is read from `from` on (a whole URL is not copied to get its query).
 */
function addPlainPairs(q: Query, text: string, from: number): void {
  let start = from;
  while (start <= text.length) {
    let end = text.indexOf("&", start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf("=", start);
      const nameEnd = eq >= 0 && eq < end ? eq : end;
      const i = paramAt(text, start, nameEnd);
      if (i >= 0) addParam(q, i, nameEnd === end ? "" : text.slice(nameEnd + 1, end));
    }
    start = end + 1;
  }
}

/**
 * A query parameter by name, whatever its case. Tencent sends each of its parameters once; a repeated
 * one (a callback Url that carried its own copy) is refused rather than read one way here and another
 * way elsewhere.
 *
 * @throws ReceiverError `query-invalid` when the parameter appears more than once.
 */
function param(q: Query, name: ParamName): string | undefined {
  const i = PARAM[name];
  const count = q.counts[i] ?? 0;
  if (count > 1)
    throw new ReceiverError(
      "query-invalid",
      `${name} appears ${count} times in the URL; Tencent sends it once`,
    );
  return q.values[i];
}

/** `name` is lower case, as node:http gives header names; other spellings are found too. */
function header(h: Headers | undefined, name: string): string | undefined {
  if (h === undefined) return undefined;
  let v = h[name];
  if (v === undefined) {
    for (const k in h) {
      if (k.length === name.length && k.toLowerCase() === name) {
        v = h[k];
        break;
      }
    }
  }
  return Array.isArray(v) ? v[0] : v;
}

/** A header of 1 to 15 ASCII digits as a number (exact: below 2^53), else undefined. */
function intHeader(h: Headers | undefined, name: string): number | undefined {
  const raw: unknown = header(h, name);
  if (raw === undefined) return undefined;
  // A caller in JavaScript may pass a number: read as its text, as a regular expression test would.
  const v = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  if (v.length === 0 || v.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** A callback checker for one app. */
export interface Receiver {
  /** Verifies and parses one callback; throws ReceiverError with a `reason` when it must be refused. */
  verify(input: CallbackInput): VerifiedCallback;
}

/**
 * A receiver for one app: it checks `SdkAppid`, the Sign when a token is set (Tencent: SHA-256 of
 * token and RequestTime, 60 s), the Standard Webhooks signature when secrets are set, and the body
 * against the protocol's packet schemas.
 */
export function createReceiver(opts: ReceiverOptions): Receiver {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const secrets = opts.secrets ?? [];
  const check = (input: CallbackInput): VerifiedCallback => {
    const q = toQuery(input);
    const nowSeconds = now();
    const app = param(q, "SdkAppid");
    if (app === undefined || app === "")
      throw new ReceiverError("sdkappid-missing", "SdkAppid is missing from the URL");
    if (app !== String(opts.sdkAppId))
      throw new ReceiverError("sdkappid-mismatch", `callback is for SdkAppid ${app}`);
    if (opts.token !== undefined) {
      const c = checkCallbackSign({
        token: opts.token,
        sign: param(q, "Sign"),
        requestTime: param(q, "RequestTime"),
        nowSeconds,
        toleranceSeconds: opts.signToleranceSeconds ?? SIGN_TOLERANCE_SECONDS,
      });
      if (!c.ok) {
        const why = {
          "sign-missing": "Sign or RequestTime is missing",
          "sign-stale": "RequestTime is too far from now",
          "sign-mismatch": "Sign does not match the token",
        };
        throw new ReceiverError(c.reason, why[c.reason]);
      }
    }
    if (secrets.length > 0) {
      const c = checkWebhookSignature({
        secrets,
        id: header(input.headers, "webhook-id"),
        timestamp: header(input.headers, "webhook-timestamp"),
        signature: header(input.headers, "webhook-signature"),
        // Over the bytes received, never over their decoding: a body that is not valid UTF-8 would
        // decode to other bytes.
        body: typeof input.body === "string" ? input.body : bodyBytes(input.body),
        nowSeconds,
        toleranceSeconds: opts.webhookToleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS,
      });
      if (!c.ok) {
        throw new ReceiverError(c.reason, `webhook signature: ${c.reason}`);
      }
    }
    const parsed = parseCallback(input.body, param(q, "CallbackCommand"));
    // Built in one go, one shape for every callback: adding fields one by one cost more than parsing.
    const eventId = header(input.headers, "roomhook-event-id") ?? header(input.headers, "webhook-id");
    const out = {
      command: parsed.command,
      packet: parsed.packet,
      ...(parsed.command === "unknown" ? { name: parsed.name } : {}),
      sdkAppId: opts.sdkAppId,
      clientIp: param(q, "ClientIP"),
      optPlatform: param(q, "OptPlatform"),
      eventId,
      sequence: intHeader(input.headers, "roomhook-sequence"),
      previousSequence: intHeader(input.headers, "roomhook-previous-sequence"),
    } as VerifiedCallback;
    return out;
  };
  return {
    verify(input) {
      try {
        return check(input);
      } catch (e) {
        if (e instanceof ReceiverError) throw e;
        // Only ReceiverError leaves verify, whatever the bytes (an adapter answers it, never a 500).
        const why = e instanceof Error ? e.message : String(e);
        throw new ReceiverError("body-invalid", `the callback could not be read: ${why}`);
      }
    },
  };
}
