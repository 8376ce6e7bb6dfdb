import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { failed, ok, startTestServer, type TestServer } from "./support/harness.ts";

let t: TestServer;
before(async () => {
  t = await startTestServer({ env: { ROOMHOOK_BODY_LIMIT: "4096" } });
});
after(() => t.close());

const create = (body: string, headers?: Record<string, string>) =>
  t.raw(`/v4/live_engine_http_srv/create_room?${t.query()}`, { body, headers }).then((r) => {
    assert.equal(r.status, 200, r.text);
    return r.json();
  });

async function roomCount(): Promise<number> {
  const env = ok(await t.call("get_room_list", { Next: "", Count: 20 }));
  return (env.Response?.RoomList as unknown[]).length;
}

test("non-JSON, empty and non-object bodies get 60003 and store nothing", async () => {
  failed(await create("{not json"), 60003);
  failed(await create(""), 60003);
  failed(await create("[]"), 60003);
  failed(await create('"RoomInfo"'), 60003);
  failed(await create("null"), 60003);
  failed(await create('{"RoomInfo":{"RoomId":"x","RoomType":"Live"}'), 60003);
  assert.equal(await roomCount(), 0);
});

test("any Content-Type, or none, is read as JSON (Tencent only requires a JSON body)", async () => {
  ok(await create('{"RoomInfo":{"RoomId":"ct-1","RoomType":"Live"}}', { "content-type": "text/plain" }));
  ok(
    await create('{"RoomInfo":{"RoomId":"ct-2","RoomType":"Live"}}', {
      "content-type": "application/x-www-form-urlencoded",
    }),
  );
  ok(
    await create('{"RoomInfo":{"RoomId":"ct-3","RoomType":"Live"}}', {
      "content-type": "application/json; charset=utf-8",
    }),
  );
  for (const id of ["ct-1", "ct-2", "ct-3"]) ok(await t.call("destroy_room", { RoomId: id }));
});

test("a body over the limit gets 60002, and the server stays up", async () => {
  const huge = JSON.stringify({
    RoomInfo: { RoomId: "big", RoomType: "Live", CustomInfo: "x".repeat(100_000) },
  });
  failed(await create(huge), 60002);
  assert.equal(await roomCount(), 0);
  ok(await t.call("get_room_list", { Next: "" }));
});

test("a body that never ends is cut off by the limit without waiting for it (streamed, no Content-Length)", async () => {
  const url = new URL(`${t.url}/v4/live_engine_http_srv/create_room?${t.query()}`);
  const answer = await new Promise<string>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        resolve(text);
      });
    });
    req.on("error", reject);
    req.write('{"RoomInfo":{"RoomId":"stream","CustomInfo":"');
    // 8 KiB over a 4 KiB limit, then the request is left open: the answer must not wait for its end.
    req.write("y".repeat(8192));
  });
  failed(JSON.parse(answer) as never, 60002);
});

test("wrong types and out-of-range values get 100002 naming the field", async () => {
  const cases: [unknown, RegExp][] = [
    [{ RoomInfo: "x" }, /RoomInfo must be an object/],
    [{}, /RoomInfo is required/],
    [{ RoomInfo: { RoomType: "Live" } }, /RoomInfo.RoomId is required/],
    [{ RoomInfo: { RoomId: 42, RoomType: "Live" } }, /RoomInfo.RoomId must be a string/],
    [{ RoomInfo: { RoomId: "r".repeat(49), RoomType: "Live" } }, /at most 48 bytes/],
    [{ RoomInfo: { RoomId: "ü-room", RoomType: "Live" } }, /printable ASCII/],
    [{ RoomInfo: { RoomId: "r1" } }, /RoomType is required/],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", RoomName: "n".repeat(101) } },
      /RoomName must be at most 100 bytes/,
    ],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", MaxMemberCount: "10" } },
      /MaxMemberCount must be an integer/,
    ],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", MaxMemberCount: 1.5 } },
      /MaxMemberCount must be an integer/,
    ],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", MaxMemberCount: 0 } },
      /MaxMemberCount must be at least 1/,
    ],
    [{ RoomInfo: { RoomId: "r1", RoomType: "Live", IsMessageDisabled: "true" } }, /must be true or false/],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", TakeSeatMode: "Anything" } },
      /TakeSeatMode must be one of/,
    ],
    [
      { RoomInfo: { RoomId: "r1", RoomType: "Live", Category: [1, "2"] } },
      /Category\[1\] must be an integer/,
    ],
    [{ RoomInfo: { RoomId: "r1", RoomType: "Live", Owner_Account: "o".repeat(33) } }, /at most 32 bytes/],
    [{ RoomInfo: { RoomId: "r1", RoomType: "Live", Owner_Account: "a\nb" } }, /control characters/],
    [{ RoomInfo: { RoomId: "r1", RoomType: "Live", Owner_Account: "@TIM#SYSTEM" } }, /reserved/],
    [{ RoomInfo: { RoomId: "r1", RoomType: "Live", Owner_Account: true } }, /must be a user id string/],
  ];
  for (const [body, info] of cases) {
    const env = failed(await create(JSON.stringify(body)), 100002);
    assert.match(env.ErrorInfo, info, JSON.stringify(body));
  }
  failed(await create(JSON.stringify({ RoomInfo: { RoomId: "r1", RoomType: "Conference" } })), 100015);
  failed(
    await create(JSON.stringify({ RoomInfo: { RoomId: "r1", RoomType: "Live", Category: [1, 2, 3, 4] } })),
    100009,
  );
  assert.equal(await roomCount(), 0);
});

test("unknown commands, services and paths get 60009; other methods 60002", async () => {
  failed(
    (await t.raw(`/v4/live_engine_http_srv/no_such_command?${t.query()}`, { body: "{}" })).json(),
    60009,
  );
  failed((await t.raw(`/v4/no_such_service/create_room?${t.query()}`, { body: "{}" })).json(), 60009);
  failed(
    (await t.raw(`/v4/live_engine_http_srv/${"x".repeat(500)}?${t.query()}`, { body: "{}" })).json(),
    60009,
  );
  failed((await t.raw(`/v3/live_engine_http_srv/create_room?${t.query()}`, { body: "{}" })).json(), 60009);
  failed((await t.raw(`/`, { body: "{}" })).json(), 60009);
  const get = await t.raw(`/v4/live_engine_http_srv/get_room_list?${t.query()}`, { method: "GET" });
  assert.equal(get.status, 200);
  failed(get.json(), 60002);
  failed(
    (
      await t.raw(`/v4/live_engine_http_srv/get_room_list?${t.query()}`, { method: "PUT", body: "{}" })
    ).json(),
    60002,
  );
  // A path the router cannot decode.
  failed((await t.raw(`/v4/live_engine_http_srv/%E0%A4%A?${t.query()}`, { body: "{}" })).json(), 60002);
});

test("unknown fields are ignored, as Tencent's APIs do", async () => {
  ok(
    await create(
      JSON.stringify({ Extra: 1, RoomInfo: { RoomId: "extra", RoomType: "Live", Future: { x: 1 } } }),
    ),
  );
  ok(await t.call("destroy_room", { RoomId: "extra" }));
});

test("user ids sent as JSON numbers are accepted and kept as strings", async () => {
  ok(
    await create(
      JSON.stringify({ RoomInfo: { RoomId: "numeric", RoomType: "Live", Owner_Account: 144115212345 } }),
    ),
  );
  const info = ok(await t.call("get_room_info", { RoomId: "numeric" }));
  assert.equal((info.Response?.RoomInfo as { Owner_Account: unknown }).Owner_Account, "144115212345");
  ok(await t.call("destroy_room", { RoomId: "numeric" }));
});

test("names every object inherits are no command and no service: 60009 before authentication", async () => {
  const inherited = ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf", "__defineGetter__"];
  for (const name of inherited) {
    for (const path of [
      `/v4/live_engine_http_srv/${name}`,
      `/v4/${name}/create_room`,
      `/v4/${name}/${name}`,
    ]) {
      // With an admin UserSig and without one: the command is unknown either way.
      for (const query of [t.query(), "sdkappid=1&identifier=x&usersig=bad&random=1&contenttype=json"]) {
        const r = await t.raw(`${path}?${query}`, { body: "{}" });
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        const env = r.json();
        assert.equal(env.ErrorCode, 60009, `${path}: ${r.text}`);
        assert.equal(env.Response, undefined, `${path} answered with a Response`);
      }
    }
  }
  ok(await t.call("get_room_list", { Next: "" }));
});
