import { replyOf, type CallbackHandler } from "../reply.ts";
import { ReceiverError, refusalStatus } from "../receiver-error.ts";
import { MAX_BODY_BYTES } from "./node-http.ts";
import { failReply } from "../reply.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";

/** The parts of Hono's context this handler uses (no dependency on Hono itself). */
interface HonoContextLike {
  req: { url: string; raw: Request };
}

/** A Fetch-API request's body, at most `limit` bytes (`body-too-large` past it, read no further). */
async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (req.bodyUsed) throw new ReceiverError("body-consumed", "the body was already read before this handler");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ReceiverError("body-too-large", `callback body over ${limit} bytes`);
  if (req.body === null) return new Uint8Array(0);
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ReceiverError("body-too-large", `callback body over ${limit} bytes`);
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks);
}

/** A Hono handler (also any Fetch-API runtime): `app.post("/callback", honoHandler(receiver, onCallback))`. */
export function honoHandler(receiver: Receiver, onCallback: CallbackHandler) {
  return async (c: HonoContextLike): Promise<Response> => {
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k] = v;
    });
    let cb: VerifiedCallback;
    try {
      cb = receiver.verify({ url: c.req.url, headers, body: await readLimited(c.req.raw, MAX_BODY_BYTES) });
    } catch (e) {
      if (e instanceof ReceiverError) return json(refusalStatus(e.reason), failReply(1, e.reason));
      throw e;
    }
    let answer: unknown;
    try {
      answer = await onCallback(cb);
    } catch {
      return json(500, failReply(1, "handler failed"));
    }
    return json(200, replyOf(answer));
  };
}
