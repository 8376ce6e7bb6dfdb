import type { IncomingMessage, ServerResponse } from "node:http";
import { ReceiverError } from "../receiver-error.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";
import { nodeHandler, readRawBody } from "./node-http.ts";

/** The parts of Express's request this adapter uses (no dependency on Express itself). */
type ExpressRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/**
 * Express middleware. Mount it before any JSON body parser on its path, or after `express.raw()`:
 * signatures cover the exact bytes, so a body that was already parsed into an object cannot be checked
 * and is answered 400.
 */
export function expressHandler(
  receiver: Receiver,
  onCallback: (cb: VerifiedCallback) => void | Promise<void>,
) {
  const handle = nodeHandler(receiver, onCallback, {
    rawBody: async (req) => {
      const r = req as ExpressRequest;
      if (Buffer.isBuffer(r.body)) return r.body;
      if (typeof r.body === "object" && r.body !== null && Object.keys(r.body).length > 0) {
        throw new ReceiverError(
          "body-invalid",
          "the body was already parsed; mount the handler before express.json() or use express.raw()",
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
