import { replyOf, type CallbackHandler } from "../reply.ts";
import { ReceiverError, refusalStatus } from "../receiver-error.ts";
import { failReply } from "../reply.ts";
import type { Receiver, VerifiedCallback } from "../verify.ts";

/** The parts of Fastify this plugin uses (no dependency on Fastify itself). */
interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    opts: { parseAs: "buffer" },
    parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => void,
  ): void;
  post(
    path: string,
    handler: (
      req: { url: string; headers: Record<string, string | string[] | undefined>; body: unknown },
      reply: { code(n: number): { send(body: unknown): unknown } },
    ) => Promise<unknown>,
  ): void;
}

/**
 * A Fastify plugin: `app.register(fastifyPlugin(receiver, onCallback, "/callback"))`. Inside the
 * plugin's own scope it keeps bodies as raw bytes (signatures cover the exact bytes), so the rest of
 * the app keeps Fastify's JSON parsing. A body over Fastify's `bodyLimit` (1 MiB by default) is
 * answered 413 by Fastify itself.
 */
export function fastifyPlugin(receiver: Receiver, onCallback: CallbackHandler, path = "/callback") {
  return (app: FastifyLike, _opts: unknown, done: (err?: Error) => void): void => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, next) => {
      next(null, body);
    });
    app.post(path, async (req, reply) => {
      let cb: VerifiedCallback;
      try {
        // The plugin's own parser keeps every body as bytes; an absent body is an empty one.
        if (req.body !== undefined && req.body !== null && !Buffer.isBuffer(req.body))
          throw new ReceiverError("body-consumed", "the body was parsed by another content-type parser");
        cb = receiver.verify({
          url: req.url,
          headers: req.headers,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        });
      } catch (e) {
        if (e instanceof ReceiverError)
          return reply.code(refusalStatus(e.reason)).send(failReply(1, e.reason));
        throw e;
      }
      let answer: unknown;
      try {
        answer = await onCallback(cb);
      } catch {
        return reply.code(500).send(failReply(1, "handler failed"));
      }
      return reply.code(200).send(replyOf(answer));
    });
    done();
  };
}
