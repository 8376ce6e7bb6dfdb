import type { IncomingHttpHeaders } from "node:http";
import { Pool, type Dispatcher } from "undici";

/**
 * The only part that talks to App backends: one POST, its outcome as data. undici Pool per origin,
 * keep-alive, a bounded number of connections per destination, no redirects followed (a 3xx is a
 * failed delivery, as Tencent counts anything but 200).
 */

export type SendOutcome =
  | { ok: true; status: 200; ms: number; reply: string }
  | {
      ok: false;
      kind: "timeout" | "network" | "http" | "not-json";
      retryable: boolean;
      ms: number;
      status?: number;
      error: string;
      reply?: string;
      retryAfter?: string;
    };

export interface SenderOptions {
  /** Whole-attempt timeout (connect, send, answer). Tencent's after-callback timeout is unknown; 2 s here. */
  timeoutMs: number;
  /** Connections per destination origin. */
  connectionsPerOrigin: number;
  now?: () => number;
}

/** Largest reply read; Tencent's reply packet is a few dozen bytes. */
const MAX_REPLY_BYTES = 64 * 1024;

/** Where a POST goes: the origin (`http://host:port`) its connection pool is for, and the path with its query. */
export interface PostTarget {
  origin: string;
  path: string;
}

/** One POST: where, its headers, its body. */
export interface PostRequest {
  target: PostTarget;
  headers: Record<string, string>;
  body: string;
}

export interface Sender {
  send(req: PostRequest): Promise<SendOutcome>;
  close(): Promise<void>;
}

function errorCode(e: unknown): string {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  return err.code ?? err.cause?.code ?? err.name ?? "Error";
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "AbortError",
  "TimeoutError",
  "ETIMEDOUT",
]);

/** A receiver's answer as an outcome: Tencent counts anything but 200 with a JSON body as failed. */
function outcomeOf(
  status: number,
  reply: string,
  retryAfter: string | undefined,
  overLimit: boolean,
  ms: number,
): SendOutcome {
  if (status !== 200) {
    const out: SendOutcome = {
      ok: false,
      kind: "http",
      retryable: status !== 410,
      ms,
      status,
      error: `HTTP ${status}`,
      reply,
    };
    if (retryAfter !== undefined) out.retryAfter = retryAfter;
    return out;
  }
  try {
    if (overLimit) throw new Error("over the limit");
    JSON.parse(reply);
  } catch {
    return {
      ok: false,
      kind: "not-json",
      retryable: true,
      ms,
      status,
      error: overLimit ? `reply over ${MAX_REPLY_BYTES} bytes (not read further)` : "reply is not JSON",
      reply,
    };
  }
  return { ok: true, status: 200, ms, reply };
}

const timeoutError = () => Object.assign(new Error("attempt timed out"), { code: "TimeoutError" });

/**
 * One POST, as the handler of the pool's dispatch: the reply's few bytes are kept as they come,
 * without the stream, async iterator, abort signal and async-hooks resource that `request()` makes
 * for each call (at thousands of deliveries a second they cost as much as the rest of a delivery;
 * issue 16). One object per attempt, its timer cleared when it ends.
 */
class Attempt implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private retryAfter: string | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private overLimit = false;
  private timedOut = false;
  private settled = false;
  private readonly started: number;
  private readonly timer: NodeJS.Timeout;

  private readonly resolve: (o: SendOutcome) => void;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(resolve: (o: SendOutcome) => void, timeoutMs: number, now: () => number) {
    this.resolve = resolve;
    this.timeoutMs = timeoutMs;
    this.now = now;
    this.started = now();
    // The whole attempt's timeout: connect, send, answer. It ends the attempt at once, whether or
    // not the request reached a socket yet (a connect that hangs is undici's to give up on later).
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller?.abort(timeoutError());
      this.finish(this.timeoutOutcome());
    }, timeoutMs);
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.timedOut) c.abort(timeoutError());
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    const ra: string | string[] | undefined = headers["retry-after"];
    this.retryAfter = typeof ra === "string" ? ra : ra?.[0];
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.overLimit) return;
    this.size += chunk.length;
    if (this.size > MAX_REPLY_BYTES) {
      // Not read further: what came so far is the reply.
      this.overLimit = true;
      this.answered();
      c.abort(new Error("reply over the limit"));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.answered();
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, e: Error): void {
    const code = errorCode(e);
    if (this.timedOut || TIMEOUT_CODES.has(code)) {
      this.finish(this.timeoutOutcome());
      return;
    }
    this.finish({
      ok: false,
      kind: "network",
      retryable: true,
      ms: this.ms(),
      error: `${code}: ${e.message}`,
    });
  }

  private timeoutOutcome(): SendOutcome {
    return {
      ok: false,
      kind: "timeout",
      retryable: true,
      ms: this.ms(),
      error: `timeout after ${this.timeoutMs} ms`,
    };
  }

  private answered(): void {
    const reply =
      this.chunks.length === 1
        ? (this.chunks[0] as Buffer).toString("utf8")
        : Buffer.concat(this.chunks).toString("utf8");
    this.finish(outcomeOf(this.status, reply, this.retryAfter, this.overLimit, this.ms()));
  }

  private ms(): number {
    return Math.round(this.now() - this.started);
  }

  private finish(outcome: SendOutcome): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.resolve(outcome);
  }
}

export function createSender(opts: SenderOptions): Sender {
  const pools = new Map<string, Pool>();
  const now = opts.now ?? (() => performance.now());
  const pool = (origin: string): Pool => {
    let p = pools.get(origin);
    if (p === undefined) {
      p = new Pool(origin, {
        connections: opts.connectionsPerOrigin,
        keepAliveTimeout: 10_000,
        connect: { timeout: opts.timeoutMs },
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      });
      pools.set(origin, p);
    }
    return p;
  };

  function send(req: PostRequest): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      const attempt = new Attempt(resolve, opts.timeoutMs, now);
      try {
        pool(req.target.origin).dispatch(
          { path: req.target.path, method: "POST", headers: req.headers, body: req.body },
          attempt,
        );
      } catch (e) {
        attempt.onResponseError(undefined, e as Error);
      }
    });
  }

  return {
    send,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
      pools.clear();
    },
  };
}
