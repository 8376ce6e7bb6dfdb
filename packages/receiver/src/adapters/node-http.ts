import type { IncomingMessage, ServerResponse } from "node:http";
import { ReceiverError } from "../receiver-error.ts";
import { failReply, okReply } from "../reply.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";

/** Largest callback body read; Tencent's packets are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ReceiverError("body-invalid", `callback body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/**
 * A node:http request handler: reads the raw body, verifies, hands the callback to `onCallback`, and
 * answers Tencent's OK packet (200). A refused callback gets 401 with a FAIL packet naming the reason;
 * an error thrown by `onCallback` gets 500, so that roomhook retries it.
 */
export function nodeHandler(
  receiver: Receiver,
  onCallback: (cb: VerifiedCallback) => void | Promise<void>,
  how: { rawBody?: (req: IncomingMessage) => Promise<Buffer>; url?: (req: IncomingMessage) => string } = {},
) {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let cb: VerifiedCallback;
    try {
      const body = await (how.rawBody ?? readRawBody)(req);
      cb = receiver.verify({ url: how.url?.(req) ?? req.url ?? "", headers: req.headers, body });
    } catch (e) {
      if (e instanceof ReceiverError) {
        send(401, failReply(1, e.reason));
        return;
      }
      throw e;
    }
    try {
      await onCallback(cb);
    } catch {
      send(500, failReply(1, "handler failed"));
      return;
    }
    send(200, okReply());
  };
  // A request listener as node:http expects it; what fails unexpectedly is a 500, never a crash.
  return Object.assign(
    (req: IncomingMessage, res: ServerResponse): void => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify(failReply(1, "internal error")));
      });
    },
    { handle },
  );
}
