/**
 * Runs one receiver example as a program: `npm run example:express` (or `:fastify`, `:hono`,
 * `:node-http`) from the repository root. It listens on 127.0.0.1, port `PORT` (default 9100; 0
 * picks a free one), takes callbacks of SdkAppid 1400000000 (roomhook's default app) at `/callback`,
 * checks their Sign when `CALLBACK_TOKEN` is set, and prints each owner change it receives.
 * Point roomhook at it with `npx roomhook listen --forward-to <the printed Url>`, or set it as the
 * app's callback Url (live_config/set_callback).
 */
import type { AddressInfo } from "node:net";
import * as express from "./express.ts";
import * as fastify from "./fastify.ts";
import * as hono from "./hono.ts";
import * as nodeHttp from "./node-http.ts";

interface Listening {
  address(): AddressInfo | string | null;
  close(): unknown;
}
const examples: Record<string, (port: number, seen: (line: string) => void) => Promise<unknown>> = {
  express: express.start,
  fastify: fastify.start,
  hono: hono.start,
  "node-http": nodeHttp.start,
};

const name = process.argv[2] ?? "";
const start = examples[name];
if (start === undefined) {
  process.stderr.write(`usage: run.ts ${Object.keys(examples).join("|")}\n`);
  process.exit(2);
}
const portText = process.env.PORT ?? "9100";
const port = Number(portText);
if (!/^\d{1,5}$/.test(portText) || port > 65535) {
  process.stderr.write(`PORT: must be a TCP port from 0 to 65535, got "${portText}"\n`);
  process.exit(2);
}
/** A listen error comes as an event some frameworks do not pass on: one line, not a stack. */
function portError(e: unknown): never {
  const code = (e as { code?: unknown }).code;
  process.stderr.write(
    code === "EADDRINUSE"
      ? `port ${port} is in use: set PORT to another one (PORT=0 picks a free one)\n`
      : `cannot start the ${name} example: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  process.exit(1);
}
process.on("uncaughtException", portError);
let server: Listening;
try {
  server = (await start(port, (line) => {
    process.stdout.write(`owner change: ${line}\n`);
  })) as Listening;
} catch (e) {
  portError(e);
}
// Express 5 calls back on a failed listen too, with no address.
const address = server.address();
if (address === null || typeof address === "string") portError({ code: "EADDRINUSE" });
process.stdout.write(
  `${name} example listening on http://127.0.0.1:${address.port}/callback (SdkAppid 1400000000${process.env.CALLBACK_TOKEN === undefined ? "" : ", Sign checked"}; Ctrl-C stops)\n`,
);
const stop = () => {
  void Promise.resolve(server.close()).then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
