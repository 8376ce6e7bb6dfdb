import Database from "better-sqlite3";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  genUserSig,
  type RestEnvelope,
  type RoomCallbacksAnswer,
  type RoomCallbacksQuery,
} from "@roomhook/protocol";
import { createReceiver, nodeHandler, OwnerMirror, type RoomMirrorState } from "@roomhook/receiver";

/**
 * An App backend, the way Tencent's page describes its side: it checks each callback, applies it, and
 * answers OK; and it "can view room owner change information": GET /rooms/:id/owners.
 */
export interface AppOptions {
  port: number;
  host?: string;
  dbPath: string;
  sdkAppId: number;
  /** The callback token, when the app enabled one. */
  token?: string;
  /** Standard Webhooks secrets, when the app has them. */
  secrets?: string[];
  /** The live backend, its key and an admin: to fetch missed callbacks (roomhook's catch-up query). */
  server?: { url: string; secretKey: string; admin: string };
}

export async function startApp(opts: AppOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const db = new Database(opts.dbPath);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE IF NOT EXISTS room_owners (room_id TEXT PRIMARY KEY, state TEXT NOT NULL)");
  const load = db.prepare("SELECT state FROM room_owners WHERE room_id = ?").pluck();
  const save = db.prepare(
    "INSERT INTO room_owners (room_id, state) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET state = excluded.state",
  );
  const known = db.prepare("SELECT room_id FROM room_owners").pluck();

  const server = opts.server;
  const mirror = new OwnerMirror({
    load: (roomId) => {
      const s = load.get(roomId) as string | undefined;
      return s === undefined ? undefined : (JSON.parse(s) as RoomMirrorState);
    },
    save: (state) => save.run(state.roomId, JSON.stringify(state)),
    ...(server === undefined
      ? {}
      : {
          catchUp: async (roomId: string, afterSequence: number) => {
            const sig = genUserSig({
              sdkAppId: opts.sdkAppId,
              key: server.secretKey,
              identifier: server.admin,
              expire: 300,
            });
            const res = await fetch(
              `${server.url}/v4/roomhook_delivery/get_room_callbacks?sdkappid=${opts.sdkAppId}&identifier=${server.admin}&usersig=${sig}&random=1&contenttype=json`,
              {
                method: "POST",
                body: JSON.stringify({
                  RoomId: roomId,
                  AfterSequence: afterSequence,
                } satisfies RoomCallbacksQuery),
              },
            );
            // The catch-up answer is declared by @roomhook/protocol (RoomCallbacksAnswer): the mirror
            // takes it as it came and checks each packet against its callback schema.
            const env = (await res.json()) as RestEnvelope & { Response?: RoomCallbacksAnswer };
            if (env.ErrorCode !== 0 || env.Response === undefined)
              throw new Error(`catch-up query failed: ${env.ErrorCode} ${env.ErrorInfo}`);
            return env.Response;
          },
        }),
  });

  const receiver = createReceiver({
    sdkAppId: opts.sdkAppId,
    ...(opts.token === undefined ? {} : { token: opts.token }),
    secrets: opts.secrets ?? [],
  });
  const onCallback = nodeHandler(receiver, async (cb) => {
    mirror.apply(cb);
    if (mirror.gaps().length > 0) await mirror.fillGaps();
  });

  const http: Server = createServer((req, res) => {
    const m = /^\/rooms\/([^/?]+)\/owners$/.exec(req.url ?? "");
    if (req.method === "GET" && m?.[1] !== undefined) {
      const roomId = decodeURIComponent(m[1]);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ roomId, owner: mirror.owner(roomId) ?? null, history: mirror.history(roomId) }),
      );
      return;
    }
    if (req.method === "POST") {
      onCallback(req, res);
      return;
    }
    res.writeHead(404).end();
  });

  // Back after a stop: fetch what the known rooms missed meanwhile.
  await mirror.refresh(known.all() as string[]);
  // A failed listen (a port in use) rejects: the caller says so, the process does not crash.
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port, opts.host ?? "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  const url = `http://${opts.host ?? "127.0.0.1"}:${(http.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          db.close();
          resolve();
        });
      }),
  };
}
