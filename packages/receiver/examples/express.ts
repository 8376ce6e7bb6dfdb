import express from "express";
import { allowReply, createReceiver, expressHandler, refuseGiftReply } from "@roomhook/receiver";

export function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const app = express();
  app.post(
    "/callback",
    expressHandler(receiver, (cb) => {
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
  app.use(express.json()); // the rest of the app parses JSON as usual
  return new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const server = app.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}
