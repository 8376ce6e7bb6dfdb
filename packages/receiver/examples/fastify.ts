import Fastify from "fastify";
import { createReceiver, fastifyPlugin } from "@roomhook/receiver";

export async function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const app = Fastify();
  await app.register(
    fastifyPlugin(receiver, (cb) => {
      if (cb.command === "Live.CallbackAfterChangeOwner")
        seen(`${cb.packet.RoomId}: ${cb.packet.OriginalOwner_Account} -> ${cb.packet.CurrentOwner_Account}`);
    }),
  );
  await app.listen({ port, host: "127.0.0.1" });
  return app.server;
}
