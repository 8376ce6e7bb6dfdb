import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyUserSig } from "@roomhook/protocol";
import {
  RestClient,
  RestTransportError,
  TencentApiError,
  tencentEndpoints,
  type RestClientOptions,
} from "@roomhook/rest-client";

/**
 * How a call travels and what comes back when the other end is not a Tencent REST endpoint: small
 * local servers that answer what each test needs, and an injected fetch where no server is needed.
 */

const APP = 1400000000;
const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const OK = JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", RequestId: "Id-1" });

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A local server answering each request with `handle`; resolves with its base Url. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handle);
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

function client(opts: Partial<RestClientOptions>): RestClient {
  return new RestClient({ sdkAppId: APP, secretKey: KEY, ...opts });
}

/** A fetch that records each request and answers `body` (a function of the call's number). */
function recordingFetch(body: (n: number) => string, status = 200) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const f: typeof fetch = (input, init) => {
    calls.push({ url: new URL(input instanceof Request ? input.url : input), init: init ?? {} });
    return Promise.resolve(new Response(body(calls.length), { status }));
  };
  return { calls, fetch: f };
}

/** Runs `fn`, which must reject with a RestTransportError; answers it. */
async function transportFailure(fn: () => Promise<unknown>): Promise<RestTransportError> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof RestTransportError, `expected a RestTransportError, got ${String(err)}`);
    assert.ok(!(err instanceof TencentApiError));
    assert.doesNotMatch(err.message, /usersig/i, "the message never carries the query");
    return err;
  }
  assert.fail("the call succeeded");
}

test("each call is Tencent's request: POST <base>/v4/<service>/<command> with the five query parameters and a JSON body", async () => {
  const r = recordingFetch(() => OK);
  const live = client({ baseUrl: "http://api.example/prefix/", identifier: "ops", fetch: r.fetch });
  await live.changeRoomOwner({ RoomId: "r1", NewOwner_Account: "bob" });
  await live.getCallback().catch(() => undefined);
  const [call, second] = r.calls;
  assert.ok(call !== undefined && second !== undefined);
  assert.equal(call.init.method, "POST");
  assert.equal(
    call.url.origin + call.url.pathname,
    "http://api.example/prefix/v4/live_engine_http_srv/change_room_owner",
  );
  assert.deepEqual(
    [...call.url.searchParams.keys()],
    ["sdkappid", "identifier", "usersig", "random", "contenttype"],
  );
  assert.equal(call.url.searchParams.get("sdkappid"), String(APP));
  assert.equal(call.url.searchParams.get("identifier"), "ops");
  assert.equal(call.url.searchParams.get("contenttype"), "json");
  const random = Number(call.url.searchParams.get("random"));
  assert.ok(Number.isInteger(random) && random >= 0 && random <= 0xffffffff);
  const check = verifyUserSig({
    sdkAppId: APP,
    key: KEY,
    identifier: "ops",
    userSig: call.url.searchParams.get("usersig") ?? "",
  });
  assert.equal(check.ok, true);
  assert.deepEqual(JSON.parse(call.init.body as string), { RoomId: "r1", NewOwner_Account: "bob" });
  assert.equal(new Headers(call.init.headers).get("content-type"), "application/json");
  assert.equal(call.init.redirect, "manual");
  // A command without parameters still sends `{}`.
  assert.equal(second.init.body, "{}");
  assert.equal(second.url.pathname, "/prefix/v4/live_config/get_callback");
});

test("the default endpoint is Tencent's China host; the regional ones are listed", async () => {
  const r = recordingFetch(() => OK);
  await client({ fetch: r.fetch }).deleteCallback();
  assert.equal(r.calls[0]?.url.origin, "https://console.tim.qq.com");
  assert.equal(tencentEndpoints.singapore, "https://adminapisgp.im.qcloud.com");
});

test("a method resolves with Response, with the fields beside ActionStatus when there is none, with nothing for a command without payload", async () => {
  const answers = [
    { Response: { RoomInfo: { RoomId: "r1" } }, Extra: "ignored" },
    { MsgTime: 5, MsgSeq: 9 },
    {},
  ];
  const r = recordingFetch((n) =>
    JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", RequestId: "x", ...answers[n - 1] }),
  );
  const live = client({ fetch: r.fetch });
  assert.deepEqual(await live.getRoomInfo({ RoomId: "r1" }), { RoomInfo: { RoomId: "r1" } });
  assert.deepEqual(await live.sendGroupMsg({ GroupId: "r1", Random: 1, MsgBody: [] }), {
    MsgTime: 5,
    MsgSeq: 9,
  });
  await live.changeRoomOwner({ RoomId: "r1", NewOwner_Account: "b" }).then((answer: unknown) => {
    assert.equal(answer, undefined);
  });
});

test("an account Tencent writes as an 18-digit number comes back as the string of its digits", async () => {
  const r = recordingFetch(
    () =>
      '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"x","Response":{"RoomInfo":{"RoomId":"r","Owner_Account":144115233775727695,"ViewCount":10}}}',
  );
  const { RoomInfo } = await client({ fetch: r.fetch }).getRoomInfo({ RoomId: "r" });
  assert.equal(RoomInfo.Owner_Account, "144115233775727695");
  assert.equal(RoomInfo.ViewCount, 10);
});

test("a refused UserSig (70001) is made again for the next call; other refusals keep it", async () => {
  const refusal = (code: number) =>
    JSON.stringify({ ActionStatus: "FAIL", ErrorCode: code, ErrorInfo: "no", RequestId: "x" });
  const codes = [100004, 70001, 0];
  const r = recordingFetch((n) => (codes[n - 1] === 0 ? OK : refusal(codes[n - 1] ?? 0)));
  // The clock moves a second per call: a UserSig made again differs from the one before.
  let now = Date.UTC(2026, 0, 1);
  const live = client({ fetch: r.fetch, now: () => (now += 1000) });
  await assert.rejects(() => live.destroyRoom({ RoomId: "r" }), { code: 100004 });
  await assert.rejects(() => live.destroyRoom({ RoomId: "r" }), { name: "TencentApiError", code: 70001 });
  await live.destroyRoom({ RoomId: "r" });
  const sigs = r.calls.map((c) => c.url.searchParams.get("usersig"));
  assert.equal(sigs[0], sigs[1]);
  assert.notEqual(sigs[1], sigs[2]);
});

test("an answer that is not JSON is a RestTransportError of kind not-json, not a TencentApiError", async () => {
  const base = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<html>It works!</html>");
  });
  const err = await transportFailure(() => client({ baseUrl: base }).getRoomInfo({ RoomId: "r" }));
  assert.equal(err.kind, "not-json");
  assert.equal(err.status, 200);
  assert.equal(err.endpoint, `${base}/v4/live_engine_http_srv/get_room_info`);
  assert.equal(err.service, "live_engine_http_srv");
  assert.equal(err.command, "get_room_info");
  assert.match(err.message, /not JSON: "<html>It works!<\/html>"/);
  assert.ok(err.cause instanceof SyntaxError);
});

test("JSON that is not Tencent's envelope is not-json too", async () => {
  const base = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  });
  const err = await transportFailure(() => client({ baseUrl: base }).getRoomInfo({ RoomId: "r" }));
  assert.equal(err.kind, "not-json");
  assert.match(err.message, /not Tencent's envelope/);
});

test("a status other than 200 is kind http, whatever the body; a redirect is not followed", async () => {
  const gateway = await serve((_req, res) => {
    res.writeHead(502).end("Bad Gateway");
  });
  const err = await transportFailure(() => client({ baseUrl: gateway }).getRoomInfo({ RoomId: "r" }));
  assert.equal(err.kind, "http");
  assert.equal(err.status, 502);
  assert.match(err.message, /HTTP 502: "Bad Gateway"/);

  let followed = 0;
  const target = await serve((_req, res) => {
    followed++;
    res.writeHead(200).end(OK);
  });
  const redirecting = await serve((_req, res) => {
    res.writeHead(307, { location: `${target}/v4/live_engine_http_srv/get_room_info` }).end();
  });
  const moved = await transportFailure(() => client({ baseUrl: redirecting }).getRoomInfo({ RoomId: "r" }));
  assert.equal(moved.kind, "http");
  assert.equal(moved.status, 307);
  assert.equal(followed, 0, "the UserSig was not sent on");
});

test("a server that cannot be reached is kind network, with the reason", async () => {
  // A port that was just free: nothing listens there.
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  const err = await transportFailure(() =>
    client({ baseUrl: `http://127.0.0.1:${port}` }).getRoomInfo({ RoomId: "r" }),
  );
  assert.equal(err.kind, "network");
  assert.equal(err.status, undefined);
  assert.match(err.message, /ECONNREFUSED/);

  const throwing = await transportFailure(() =>
    client({ fetch: () => Promise.reject(new Error("proxy says no")) }).getRoomInfo({ RoomId: "r" }),
  );
  assert.equal(throwing.kind, "network");
  assert.match(throwing.message, /proxy says no/);
});

test("a server that does not answer within timeoutMs is kind timeout", async () => {
  const silent = await serve(() => {
    // Never answers; the test's after() closes the connection.
  });
  const err = await transportFailure(() =>
    client({ baseUrl: silent, timeoutMs: 50 }).getRoomInfo({ RoomId: "r" }),
  );
  assert.equal(err.kind, "timeout");
  assert.match(err.message, /no answer within 50 ms/);
});

test("options are checked when the client is made, every problem in one TypeError", () => {
  assert.throws(
    () =>
      new RestClient({
        sdkAppId: 0,
        secretKey: "",
        identifier: "",
        baseUrl: "ftp://x",
        timeoutMs: -1,
        userSigExpireSeconds: 1,
      }),
    (err: unknown) => {
      assert.ok(err instanceof TypeError);
      for (const word of [
        "sdkAppId",
        "secretKey",
        "identifier",
        "baseUrl",
        "timeoutMs",
        "userSigExpireSeconds",
      ])
        assert.match(err.message, new RegExp(word));
      return true;
    },
  );
  assert.throws(() => client({ baseUrl: "not a url" }), /baseUrl is not a Url/);
  assert.throws(() => client({ baseUrl: "http://h/?x=1" }), /no query/);
});
