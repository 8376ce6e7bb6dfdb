import express from "express";
import { createReceiver, expressHandler } from "@roomhook/receiver";

export function start(port: number, seen: (line: string) => void) {
  const receiver = createReceiver({ sdkAppId: 1400000000, token: process.env.CALLBACK_TOKEN });
  const app = express();
  app.post(
    "/callback",
    expressHandler(receiver, (cb) => {
      if (cb.command === "Live.CallbackAfterChangeOwner")
        seen(`${cb.packet.RoomId}: ${cb.packet.OriginalOwner_Account} -> ${cb.packet.CurrentOwner_Account}`);
    }),
  );
  app.use(express.json()); // the rest of the app parses JSON as usual
  return new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const server = app.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}
