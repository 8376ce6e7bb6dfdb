import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createReceiver, honoHandler } from "@roomhook/receiver";

export function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const app = new Hono();
  app.post(
    "/callback",
    honoHandler(receiver, (cb) => {
      if (cb.command === "Live.CallbackAfterChangeOwner")
        seen(`${cb.packet.RoomId}: ${cb.packet.OriginalOwner_Account} -> ${cb.packet.CurrentOwner_Account}`);
    }),
  );
  return new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
      resolve(server);
    });
  });
}
