import { ReceiverError } from "../receiver-error.ts";
import { failReply, okReply } from "../reply.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";

/** The parts of Hono's context this handler uses (no dependency on Hono itself). */
interface HonoContextLike {
  req: { url: string; raw: Request; arrayBuffer(): Promise<ArrayBuffer> };
}

/** A Hono handler (also any Fetch-API runtime): `app.post("/callback", honoHandler(receiver, onCallback))`. */
export function honoHandler(receiver: Receiver, onCallback: (cb: VerifiedCallback) => void | Promise<void>) {
  return async (c: HonoContextLike): Promise<Response> => {
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k] = v;
    });
    let cb: VerifiedCallback;
    try {
      cb = receiver.verify({ url: c.req.url, headers, body: new Uint8Array(await c.req.arrayBuffer()) });
    } catch (e) {
      if (e instanceof ReceiverError) return json(401, failReply(1, e.reason));
      throw e;
    }
    try {
      await onCallback(cb);
    } catch {
      return json(500, failReply(1, "handler failed"));
    }
    return json(200, okReply());
  };
}
