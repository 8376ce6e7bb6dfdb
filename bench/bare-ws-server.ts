import { WebSocketServer } from "ws";

/**
 * Baseline: a bare ws server that accepts connections and answers each frame with a small reply. Like
 * roomhook's gateway it keeps ws's server defaults: no permessage-deflate (no zlib context per socket).
 */
const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
wss.on("connection", (ws) => {
  ws.on("message", () => {
    ws.send('{"id":1,"code":0}');
  });
});
wss.on("listening", () => {
  const addr = wss.address();
  if (addr !== null && typeof addr === "object")
    process.stdout.write(`listening on http://127.0.0.1:${addr.port}\n`);
});
process.on("SIGTERM", () => {
  wss.close(() => process.exit(0));
});
