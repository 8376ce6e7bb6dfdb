import { Pool } from "undici";

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

export interface Sender {
  send(req: { url: URL; headers: Record<string, string>; body: string }): Promise<SendOutcome>;
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

  async function send(req: {
    url: URL;
    headers: Record<string, string>;
    body: string;
  }): Promise<SendOutcome> {
    const started = now();
    const ms = () => Math.round(now() - started);
    const signal = AbortSignal.timeout(opts.timeoutMs);
    let status: number;
    let reply: string;
    let retryAfter: string | undefined;
    let overLimit = false;
    try {
      const res = await pool(req.url.origin).request({
        path: req.url.pathname + req.url.search,
        method: "POST",
        headers: req.headers,
        body: req.body,
        signal,
      });
      status = res.statusCode;
      const ra = res.headers["retry-after"];
      retryAfter = Array.isArray(ra) ? ra[0] : ra;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) {
          overLimit = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk);
      }
      reply = Buffer.concat(chunks).toString("utf8");
    } catch (e) {
      const code = errorCode(e);
      const timeout = TIMEOUT_CODES.has(code) || signal.aborted;
      return {
        ok: false,
        kind: timeout ? "timeout" : "network",
        retryable: true,
        ms: ms(),
        error: timeout ? `timeout after ${opts.timeoutMs} ms` : `${code}: ${(e as Error).message}`,
      };
    }
    if (status !== 200) {
      const out: SendOutcome = {
        ok: false,
        kind: "http",
        retryable: status !== 410,
        ms: ms(),
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
        ms: ms(),
        status,
        error: overLimit ? `reply over ${MAX_REPLY_BYTES} bytes (not read further)` : "reply is not JSON",
        reply,
      };
    }
    return { ok: true, status: 200, ms: ms(), reply };
  }

  return {
    send,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
      pools.clear();
    },
  };
}
