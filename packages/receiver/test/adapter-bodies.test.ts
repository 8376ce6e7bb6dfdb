import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { createReceiver, expressHandler, fastifyPlugin, honoHandler, nodeHandler } from "@roomhook/receiver";

/**
 * Bodies that are not what a callback should be, through each adapter on a real server: a body over
 * the limit gets 413 with its reason (not a reset), and a body a parser mounted before already read is
 * answered at once (not a hang), 500 with `body-consumed`.
 */

const receiver = createReceiver({ sdkAppId: 1400000000 });
const QUERY = "SdkAppid=1400000000&CallbackCommand=Live.CallbackAfterChangeOwner&contenttype=json";
// A whole packet: the receiver checks it against the protocol's schema before a handler sees it.
const BODY = JSON.stringify({
  CallbackCommand: "Live.CallbackAfterChangeOwner",
  RoomId: "r",
  EventTime: 1,
  Operator_Account: "a",
  CurrentOwner_Account: "b",
  OriginalOwner_Account: "a",
});
const BIG = `{"x":"${"a".repeat(2 * 1024 * 1024)}"}`;

async function listening(server: Server): Promise<string> {
  if (!server.listening) await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) =>
    server.close(() => {
      r();
    }),
  );
}

async function post(url: string, body: string) {
  const res = await fetch(`${url}/callback?${QUERY}`, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, json: (await res.json()) as { ActionStatus: string; ErrorInfo: string } };
}

const servers: Record<string, () => Promise<{ url: string; close: () => Promise<void> }>> = {
  "node:http": async () => {
    const s = createServer(nodeHandler(receiver, () => undefined));
    return { url: await listening(s), close: () => stop(s) };
  },
  Express: async () => {
    const app = express();
    app.post(
      "/callback",
      expressHandler(receiver, () => undefined),
    );
    const s = createServer(app);
    return { url: await listening(s), close: () => stop(s) };
  },
  Fastify: async () => {
    const app = Fastify();
    await app.register(fastifyPlugin(receiver, () => undefined));
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { url: await listening(app.server), close: () => app.close() };
  },
  Hono: async () => {
    const app = new Hono();
    app.post(
      "/callback",
      honoHandler(receiver, () => undefined),
    );
    const s = await new Promise<Server>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => {
        resolve(server as Server);
      });
    });
    return { url: await listening(s), close: () => stop(s) };
  },
};

for (const [name, start] of Object.entries(servers)) {
  test(`${name}: a 2 MiB body gets 413, and the next callback is answered`, async () => {
    const { url, close } = await start();
    try {
      const big = await post(url, BIG);
      assert.equal(big.status, 413);
      if (name !== "Fastify")
        assert.deepEqual(big.json, { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "body-too-large" });
      const good = await post(url, BODY);
      assert.equal(good.status, 200);
      assert.equal(good.json.ActionStatus, "OK");
    } finally {
      await close();
    }
  });
}

for (const parser of ["text", "json"] as const) {
  test(`Express after express.${parser}(): answered at once, 500 body-consumed with what to change`, async () => {
    const app = express();
    app.use(parser === "text" ? express.text({ type: "*/*" }) : express.json({ type: "*/*" }));
    app.post(
      "/callback",
      expressHandler(receiver, () => undefined),
    );
    const s = createServer(app);
    const url = await listening(s);
    try {
      const r = await post(url, BODY);
      assert.equal(r.status, 500);
      assert.deepEqual(r.json, { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "body-consumed" });
    } finally {
      await stop(s);
    }
  });
}

test("node:http: a request whose body was read before the handler is answered at once", async () => {
  const handler = nodeHandler(receiver, () => undefined);
  const s = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      handler(req, res);
    });
  });
  const url = await listening(s);
  try {
    const r = await post(url, BODY);
    assert.equal(r.status, 500);
    assert.equal(r.json.ErrorInfo, "body-consumed");
  } finally {
    await stop(s);
  }
});
