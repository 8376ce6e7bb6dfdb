import { createServer } from "node:http";

/**
 * The baseline: a bare node:http server answering the REST request shape roomhook answers (query
 * parsed, JSON body read and parsed, the envelope written), with no auth, rules or storage.
 */
let seq = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://x");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { RoomId?: string };
    const ok = url.searchParams.get("sdkappid") !== null && typeof body.RoomId === "string";
    res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    res.end(
      JSON.stringify({
        ActionStatus: ok ? "OK" : "FAIL",
        ErrorCode: ok ? 0 : 100002,
        ErrorInfo: "",
        RequestId: `Id-0-O-Seq-${++seq}`,
      }),
    );
  });
});
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  if (addr !== null && typeof addr === "object")
    process.stdout.write(`listening on http://127.0.0.1:${addr.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
