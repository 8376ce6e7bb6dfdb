import { createServer } from "node:http";
import { allowReply, createReceiver, nodeHandler, refuseGiftReply } from "@roomhook/receiver";

export function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const server = createServer(
    nodeHandler(receiver, (cb) => {
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
  return new Promise<typeof server>((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    }),
  );
}
