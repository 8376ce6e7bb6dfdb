import type { CallbackHandler } from "../reply.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ReceiverError } from "../receiver-error.ts";
import type { Receiver } from "../verify.ts";
import { nodeHandler, readRawBody } from "./node-http.ts";

/** The parts of Express's request this adapter uses (no dependency on Express itself). */
type ExpressRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/**
 * Express middleware. Mount it before any body parser on its path, or after `express.raw()`: signatures
 * cover the exact bytes, so a body that was already parsed (into a string or an object) cannot be
 * checked and is answered at once, 500 with the reason `body-consumed` (the setup is at fault, and the
 * sender tries again once it is fixed).
 */
export function expressHandler(receiver: Receiver, onCallback: CallbackHandler) {
  const handle = nodeHandler(receiver, onCallback, {
    rawBody: async (req) => {
      const r = req as ExpressRequest;
      if (Buffer.isBuffer(r.body)) return r.body;
      // A parser that ran first (express.json(), express.text(), express.urlencoded()) leaves a
      // string or an object and a stream that will never end again: answered at once.
      if (r.body !== undefined || req.readableEnded) {
        throw new ReceiverError(
          "body-consumed",
          "the body was already parsed by a body parser; mount expressHandler before express.json()/express.text(), or use express.raw()",
        );
      }
      return readRawBody(req);
    },
    url: (req) => (req as ExpressRequest).originalUrl ?? req.url ?? "",
  });
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    handle.handle(req, res).catch(next);
  };
}
