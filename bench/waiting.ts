import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { genUserSig } from "@roomhook/protocol";
import { startRoomhook } from "./delivery.ts";
import { load, type LoadResult } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;

/** A port nothing listens on: a receiver that is down (connections refused at once). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) =>
    s.close(() => {
      r();
    }),
  );
  return port;
}

/**
 * Room creation with its callback switched on and the receiver down: the rate from an empty outbox,
 * then again once `waiting` rooms each have a delivery waiting for its retry (issue 11 case 17, issue
 * 16: at least 80%). One server, the same run.
 */
export async function benchWaitingRooms(o: { seconds: number; waiting: number }): Promise<{
  none: LoadResult;
  waiting: LoadResult;
}> {
  const dir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
  const server = await startRoomhook(dir);
  try {
    const q = `sdkappid=${APP}&identifier=administrator&usersig=${genUserSig({ sdkAppId: APP, key: KEY, identifier: "administrator", expire: 86400 })}&random=7&contenttype=json`;
    const res = await fetch(`${server.url}/v4/live_config/set_callback?${q}`, {
      method: "POST",
      body: JSON.stringify({
        Url: `http://127.0.0.1:${await deadPort()}/cb`,
        CallbackCommandList: ["Live.CallbackAfterCreateRoom"],
      }),
    });
    if (!(await res.text()).includes('"ErrorCode":0')) throw new Error("set_callback failed");
    let n = 0;
    const create = (prefix: string) => () =>
      JSON.stringify({ RoomInfo: { RoomId: `${prefix}${n++}`, RoomType: "Live", Owner_Account: "o" } });
    const path = `/v4/live_engine_http_srv/create_room?${q}`;
    const none = await load({ url: server.url, path, body: create("a"), seconds: o.seconds });
    // Fill: this many more rooms, each with its delivery failing and waiting for a retry.
    const fill = create("w");
    await autocannon({
      url: server.url,
      connections: 50,
      amount: o.waiting,
      requests: [{ method: "POST", path, setupRequest: (req) => ({ ...req, body: fill() }) }],
    });
    const waiting = await load({ url: server.url, path, body: create("b"), seconds: o.seconds });
    return { none, waiting };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
