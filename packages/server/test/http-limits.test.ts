import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { ok, startTestServer, type TestServer } from "./support/harness.ts";

/**
 * What the HTTP layer refuses gets Tencent's envelope (60002, HTTP 200) and the connection ends after
 * it; a request that does not arrive in time is answered the same way; one address holds a bounded
 * number of connections.
 */

let t: TestServer;
before(async () => {
  t = await startTestServer({
    env: { ROOMHOOK_HTTP_REQUEST_TIMEOUT_MS: "700", ROOMHOOK_MAX_CONNECTIONS_PER_IP: "6" },
  });
});
after(() => t.close());

/** Sends raw bytes and reads everything until the server closes the connection (or 5 s pass). */
function raw(
  bytes: string | Buffer,
  opts: { keepOpen?: boolean } = {},
): Promise<{ text: string; closed: boolean; ms: number }> {
  const { port } = new URL(t.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const s: Socket = connect(Number(port), "127.0.0.1", () => {
      s.write(bytes);
      if (opts.keepOpen !== true) return;
    });
    let text = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, 5000);
    s.on("data", (d: Buffer) => (text += d.toString("latin1")));
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - started });
    });
    s.on("error", reject);
  });
}

const envelope = (text: string) =>
  JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { ErrorCode: number; ErrorInfo: string };

test("what the HTTP parser refuses is answered in the envelope (60002) and the connection is closed", async () => {
  const path = `/v4/live_engine_http_srv/get_room_list?${t.query()}`;
  const cases: [string, string | Buffer, RegExp][] = [
    ["20 KB header", `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, /too large/],
    ["5,000 headers", `POST ${path} HTTP/1.1\r\nHost: x\r\n${"X-A: b\r\n".repeat(5000)}\r\n`, /too large/],
    [
      "Content-Length: abc",
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}`,
      /Content-Length/,
    ],
    [
      "bad chunk size",
      `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      /chunk/,
    ],
    ["unknown method", `BREW ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, /method/],
    [
      "raw non-ASCII path",
      Buffer.concat([Buffer.from("POST /v4/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", "latin1")]),
      /./,
    ],
  ];
  for (const [name, bytes, why] of cases) {
    const r = await raw(bytes);
    assert.ok(r.closed, `${name}: the connection is closed after the answer`);
    assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/, `${name}: ${r.text.slice(0, 80)}`);
    assert.match(r.text, /connection: close/i, name);
    const env = envelope(r.text);
    assert.equal(env.ErrorCode, 60002, `${name}: ${env.ErrorInfo}`);
    assert.match(env.ErrorInfo, why, name);
  }
  ok(await t.call("get_room_list", { Next: "" }));
});

test("a request without Host is answered in the envelope like any other", async () => {
  const r = await raw(
    `POST /v4/live_engine_http_srv/nope?${t.query()} HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
  );
  assert.match(r.text, /^HTTP\/1\.1 200 OK\r\n/, r.text.slice(0, 80));
  assert.equal(envelope(r.text).ErrorCode, 60009);
});

test("a body that never finishes is answered 60002 once the request timeout passes, and closed", async () => {
  const path = `/v4/live_engine_http_srv/create_room?${t.query()}`;
  const r = await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"RoomInfo"`, {
    keepOpen: true,
  });
  assert.ok(r.closed, "closed by the server");
  assert.ok(r.ms < 4000, `closed after ${r.ms} ms`);
  assert.equal(envelope(r.text).ErrorCode, 60002);
  assert.match(envelope(r.text).ErrorInfo, /in time/);
});

test("one address holds at most maxConnectionsPerIp connections; the ones it holds are served", async () => {
  const { port } = new URL(t.url);
  const held: Socket[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const s = connect(Number(port), "127.0.0.1");
      await new Promise((r) => s.once("connect", r));
      held.push(s);
    }
    const refused = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(refused.text, "", "the seventh is closed without an answer");
    assert.ok(refused.closed);
    // One of the held connections is served as ever.
    const first = held[0];
    assert.ok(first);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      first.on("data", (d: Buffer) => {
        text += d.toString();
        if (text.includes("\r\n\r\n") && text.includes("}")) resolve(text);
      });
      first.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    });
    assert.match(answer, /^HTTP\/1\.1 200/);
  } finally {
    for (const s of held) s.destroy();
  }
  // Once they are gone, the address is served again.
  await new Promise((r) => setTimeout(r, 100));
  ok(await t.call("get_room_list", { Next: "" }));
});
