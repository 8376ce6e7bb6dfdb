import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { allowReply, createReceiver, honoHandler, refuseGiftReply } from "@roomhook/receiver";

export function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const app = new Hono();
  app.post(
    "/callback",
    honoHandler(receiver, (cb) => {
      if (cb.command === "Live.CallbackAfterChangeOwner")
        seen(`${cb.packet.RoomId}: ${cb.packet.OriginalOwner_Account} -> ${cb.packet.CurrentOwner_Account}`);
      // A before-callback's answer decides: billing refuses what the sender cannot pay.
      if (cb.command === "Live.CallbackBeforeSendGift") {
        const { Coins, Count } = cb.packet.GiftWater;
        return Coins * Count > 1000 ? refuseGiftReply(102101, "not enough balance") : allowReply();
      }
      return undefined;
    }),
  );
  return new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => {
      resolve(server);
    });
  });
}
