import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { genUserSig } from "@roomhook/protocol";
import { load, median, startChild, type LoadResult } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;
const ROOMS = 1000;

function post(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST" }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => {
        resolve(text);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

export interface OwnerChangeBench {
  bare: LoadResult;
  roomhook: LoadResult;
  ratio: number;
  /** roomhook at ROOMHOOK_LOG_LEVEL=info (a JSON line per call, to a file), and its ratio to warn. */
  logged: LoadResult;
  loggedRatio: number;
  commitsPerSecond?: number;
}

/**
 * Target 1 of DESIGN.md: REST change_room_owner with a valid UserSig and a durable commit, at 50
 * connections, against a bare node:http server answering the same request shape, in the same run.
 * Each side runs `rounds` times, alternating, and the medians are compared.
 */
export async function benchChangeOwner(opts: { seconds: number; rounds: number }): Promise<OwnerChangeBench> {
  const userSig = genUserSig({ sdkAppId: APP, key: KEY, identifier: "administrator", expire: 86400 });
  const query = `sdkappid=${APP}&identifier=administrator&usersig=${userSig}&random=7&contenttype=json`;
  const path = `/v4/live_engine_http_srv/change_room_owner?${query}`;
  const body = (i: number) => JSON.stringify({ RoomId: `bench-${i % ROOMS}`, NewOwner_Account: `user${i}` });

  const bareRuns: LoadResult[] = [];
  const roomhookRuns: LoadResult[] = [];
  const loggedRuns: LoadResult[] = [];

  /** One round of roomhook at a log level; at info its log goes to a file, as under a log shipper. */
  async function runRoomhook(level: "warn" | "info"): Promise<LoadResult> {
    const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
    const logFd = openSync(join(dataDir, "roomhook.log"), "w");
    const server = await startChild(
      fileURLToPath(new URL("../packages/server/src/main.ts", import.meta.url)),
      {
        ROOMHOOK_PORT: "0",
        ROOMHOOK_DATA: dataDir,
        ROOMHOOK_SECRET_KEY: KEY,
        ROOMHOOK_LOG_LEVEL: level,
      },
      level === "info" ? logFd : "inherit",
    );
    try {
      for (let r = 0; r < ROOMS; r++) {
        const res = await post(
          `${server.url}/v4/live_engine_http_srv/create_room?${query}`,
          JSON.stringify({ RoomInfo: { RoomId: `bench-${r}`, RoomType: "Live", Owner_Account: "owner0" } }),
        );
        if (!res.includes('"ErrorCode":0')) throw new Error(`create_room failed: ${res}`);
      }
      const r = await load({ url: server.url, path, body, seconds: opts.seconds });
      // Every answer must be a success: a benchmark of failures measures nothing.
      const check = await post(`${server.url}${path}`, body(1));
      if (!check.includes('"ErrorCode":0')) throw new Error(`change_room_owner failed: ${check}`);
      return r;
    } finally {
      await server.stop();
      closeSync(logFd);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  for (let round = 0; round < opts.rounds; round++) {
    const bare = await startChild(fileURLToPath(new URL("./bare-server.ts", import.meta.url)));
    try {
      bareRuns.push(await load({ url: bare.url, path, body, seconds: opts.seconds }));
    } finally {
      await bare.stop();
    }

    roomhookRuns.push(await runRoomhook("warn"));
    loggedRuns.push(await runRoomhook("info"));
  }
  const pick = (runs: LoadResult[]): LoadResult => ({
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    requests: runs.reduce((a, r) => a + r.requests, 0),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  });
  const bare = pick(bareRuns);
  const roomhook = pick(roomhookRuns);
  const logged = pick(loggedRuns);
  return { bare, roomhook, ratio: roomhook.rps / bare.rps, logged, loggedRatio: logged.rps / roomhook.rps };
}
