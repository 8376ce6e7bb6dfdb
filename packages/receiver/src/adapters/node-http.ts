import { replyOf, type CallbackHandler } from "../reply.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ReceiverError, refusalStatus } from "../receiver-error.ts";
import { failReply } from "../reply.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";

/** Largest callback body read; Tencent's packets are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The request's body as bytes, at most `limit` of them. Refuses at once a body that something mounted
 * before already read (`body-consumed`: it would never come again), and stops reading one over the
 * limit (`body-too-large`; the rest is discarded, and the connection closes after the answer).
 */
export function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  if (req.readableEnded) {
    return Promise.reject(
      new ReceiverError(
        "body-consumed",
        "the body was already read by a body parser mounted before this handler; mount the handler first",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeListener("data", onData);
        req.resume();
        reject(new ReceiverError("body-too-large", `callback body over ${limit} bytes`));
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/**
 * A node:http request handler: reads the raw body, verifies, hands the callback to `onCallback`, and
 * answers Tencent's OK packet (200). A refused callback gets a FAIL packet naming the reason, with 401
 * (413 for a body over the limit, 500 when a body parser mounted before consumed it: refusalStatus);
 * an error thrown by `onCallback` gets 500, so that roomhook retries it.
 */
export function nodeHandler(
  receiver: Receiver,
  onCallback: CallbackHandler,
  how: { rawBody?: (req: IncomingMessage) => Promise<Buffer>; url?: (req: IncomingMessage) => string } = {},
) {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown) => {
      // A body left unread (413) ends the connection: it cannot carry another request.
      res.writeHead(status, {
        "content-type": "application/json",
        ...(status === 413 ? { connection: "close" } : {}),
      });
      res.end(JSON.stringify(body));
    };
    let cb: VerifiedCallback;
    try {
      const body = await (how.rawBody ?? readRawBody)(req);
      cb = receiver.verify({ url: how.url?.(req) ?? req.url ?? "", headers: req.headers, body });
    } catch (e) {
      if (e instanceof ReceiverError) {
        send(refusalStatus(e.reason), failReply(1, e.reason));
        return;
      }
      throw e;
    }
    let answer: unknown;
    try {
      answer = await onCallback(cb);
    } catch {
      send(500, failReply(1, "handler failed"));
      return;
    }
    send(200, replyOf(answer));
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
