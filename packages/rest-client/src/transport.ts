import { randomInt } from "node:crypto";
import { parseJson, UnsafeInteger } from "@roomhook/protocol";
import { tencentEndpoints } from "./endpoints.ts";
import { RestTransportError, TencentApiError } from "./errors.ts";
import { createUserSigCache } from "./usersig-cache.ts";

/** How a `RestClient` reaches its server and signs its calls. */
export interface RestClientOptions {
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The app's secret key (Tencent's console: "UserSig key"); every call's UserSig is made from it. */
  secretKey: string;
  /** The App administrator the calls are made as (default `"administrator"`). */
  identifier?: string;
  /**
   * Where the server is: Tencent's host for the app's data center ({@link tencentEndpoints}; default
   * `https://console.tim.qq.com`), or a roomhook server (`http://127.0.0.1:8080`). A path is kept
   * (`https://proxy.example/tencent` calls `https://proxy.example/tencent/v4/...`).
   */
  baseUrl?: string;
  /**
   * ms a call may take, answer read included (default 10000). Tencent's REST backend gives up after
   * 3 s and asks for a client timeout above that.
   */
  timeoutMs?: number;
  /** The `fetch` calls go through (default the global `fetch`): for a proxy agent, tracing or tests. */
  fetch?: typeof fetch;
  /**
   * Seconds each UserSig is valid (default 86400). The client keeps one and makes a new one when less
   * than a tenth of this (at most 5 minutes) is left.
   */
  userSigExpireSeconds?: number;
  /** The clock UserSigs are dated by, in ms since the epoch (default `Date.now`); for tests. */
  now?: () => number;
}

/** One call's work: POST the body to `service/command`, answer the envelope's payload or throw. */
export type Post = (service: string, command: string, body: unknown) => Promise<Record<string, unknown>>;

const ENVELOPE_FIELDS = new Set(["ActionStatus", "ErrorCode", "ErrorInfo", "RequestId"]);

/**
 * The answer's start, as an error message shows it.
 *
 * @param text The answer's body.
 * @returns At most 120 characters of it, quoted.
 */
function snippet(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 120 ? `${t.slice(0, 120)}...` : t === "" ? "an empty body" : JSON.stringify(t);
}

/**
 * An account Tencent renders as a bare 18-digit number comes back as the string of its digits.
 *
 * @param v A value `parseJson` read.
 * @returns The value with each `UnsafeInteger` replaced by its digits.
 */
function withUnsafeIntegersAsStrings(v: unknown): unknown {
  if (v instanceof UnsafeInteger) return v.digits;
  if (Array.isArray(v)) return v.map(withUnsafeIntegersAsStrings);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = withUnsafeIntegersAsStrings(x);
    return out;
  }
  return v;
}

/**
 * The reason a `network` error gives.
 *
 * @param err What fetch threw.
 * @returns The underlying error's code and message.
 */
function describe(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : err instanceof Error ? err : undefined;
  if (inner === undefined) return String(err);
  const code = (inner as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${inner.message}` : inner.message;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
}

/**
 * Checks the options and makes the function every call goes through.
 *
 * @param options The client's options.
 * @returns The call function.
 * @throws {TypeError} When an option is missing or out of range (every problem in one message).
 */
export function createTransport(options: RestClientOptions): Post {
  const problems: string[] = [];
  const { sdkAppId, secretKey } = options;
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0 || sdkAppId > 0xffffffff)
    problems.push(`sdkAppId must be a positive 32-bit integer, got ${String(sdkAppId)}`);
  if (typeof secretKey !== "string" || secretKey === "")
    problems.push("secretKey must be a non-empty string");
  const identifier = options.identifier ?? "administrator";
  if (typeof identifier !== "string" || identifier === "")
    problems.push("identifier must be a non-empty string");
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    problems.push(`timeoutMs must be a positive number, got ${String(timeoutMs)}`);
  const expire = options.userSigExpireSeconds ?? 86_400;
  if (!Number.isSafeInteger(expire) || expire < 60)
    problems.push(`userSigExpireSeconds must be an integer of at least 60, got ${String(expire)}`);
  let base = options.baseUrl ?? tencentEndpoints.china;
  try {
    const u = new URL(base);
    if (u.protocol !== "http:" && u.protocol !== "https:")
      problems.push("baseUrl must be http:// or https://");
    if (u.search !== "" || u.hash !== "") problems.push("baseUrl must have no query or #fragment");
    if (u.username !== "" || u.password !== "")
      problems.push("baseUrl must not hold a user name or password");
    base = `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    problems.push(`baseUrl is not a Url: ${JSON.stringify(base)}`);
  }
  if (problems.length > 0) throw new TypeError(`RestClient: ${problems.join("; ")}`);

  const doFetch = options.fetch ?? fetch;
  const sigs = createUserSigCache({
    sdkAppId,
    secretKey,
    expireSeconds: expire,
    now: options.now ?? Date.now,
  });

  return async (service, command, body) => {
    const endpoint = `${base}/v4/${service}/${command}`;
    const fail = (
      kind: RestTransportError["kind"],
      reason: string,
      extra: { status?: number; cause?: unknown } = {},
    ) => new RestTransportError({ kind, reason, service, command, endpoint, ...extra });

    const query =
      `sdkappid=${sdkAppId}&identifier=${encodeURIComponent(identifier)}` +
      `&usersig=${encodeURIComponent(sigs.get(identifier))}` +
      // Tencent: a random unsigned 32-bit integer per request.
      `&random=${randomInt(0, 0x1_0000_0000)}&contenttype=json`;
    let status: number;
    let text: string;
    try {
      const res = await doFetch(`${endpoint}?${query}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        // Tencent: the body is never empty, `{}` for a command without parameters.
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect would send the UserSig on to wherever it points: answered as `http` instead.
        redirect: "manual",
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (isTimeout(err)) throw fail("timeout", `no answer within ${timeoutMs} ms`, { cause: err });
      throw fail("network", `cannot reach the server (${describe(err)})`, { cause: err });
    }
    if (status !== 200) throw fail("http", `HTTP ${status}: ${snippet(text)}`, { status });
    let value: unknown;
    try {
      value = parseJson(text);
    } catch (err) {
      throw fail("not-json", `the answer is not JSON: ${snippet(text)}`, { status, cause: err });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw fail("not-json", `the answer is not Tencent's envelope: ${snippet(text)}`, { status });
    const env = withUnsafeIntegersAsStrings(value) as Record<string, unknown>;
    const code = env.ErrorCode;
    if (typeof code !== "number")
      throw fail("not-json", `the answer is not Tencent's envelope (no ErrorCode): ${snippet(text)}`, {
        status,
      });
    if (code !== 0 || env.ActionStatus === "FAIL") {
      // A UserSig the server refused is made again for the next call (its clock may be ahead).
      if (code >= 70000 && code < 70100) sigs.drop(identifier);
      throw new TencentApiError({
        code,
        info: typeof env.ErrorInfo === "string" ? env.ErrorInfo : "",
        requestId: typeof env.RequestId === "string" ? env.RequestId : "",
        service,
        command,
      });
    }
    // Live commands answer in `Response`; Chat commands (and a few gift ones) beside ActionStatus.
    const response = env.Response;
    if (typeof response === "object" && response !== null && !Array.isArray(response))
      return response as Record<string, unknown>;
    const payload: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(env)) if (!ENVELOPE_FIELDS.has(k) && k !== "Response") payload[k] = v;
    return payload;
  };
}
