import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { startChild, type Child } from "./support.ts";

const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const APP = 1400000000;

const rssKb = (pid: number | undefined) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

function ask(ws: WebSocket, frame: Record<string, unknown>): Promise<{ code: number }> {
  return new Promise((resolve) => {
    const on = (d: Buffer) => {
      const f = JSON.parse(d.toString()) as { id?: unknown; code: number };
      if (f.id === frame.id) {
        ws.off("message", on);
        resolve(f);
      }
    };
    ws.on("message", on);
    ws.send(JSON.stringify(frame));
  });
}

async function openMany(url: string, n: number, login: boolean): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, async (_, j) => {
        const ws = await connect(url);
        const userId = `user${i + j}`;
        const r = await ask(
          ws,
          login
            ? {
                id: 1,
                op: "login",
                sdkAppId: APP,
                userId,
                userSig: genUserSig({ sdkAppId: APP, key: KEY, identifier: userId, expire: 3600 }),
                platform: "Web",
              }
            : { id: 1, op: "ping" },
        );
        if (r.code !== 0) throw new Error(`login failed: ${JSON.stringify(r)}`);
        return ws;
      }),
    );
    out.push(...batch);
  }
  return out;
}

/** Issue 5: memory per connected client, and room events pushed per second to one room's members. */
export async function benchClients(opts: { connections: number; members: number; seconds: number }) {
  // Baseline: the same connections on a bare ws server.
  const bare: Child = await startChild(fileURLToPath(new URL("./bare-ws-server.ts", import.meta.url)));
  let barePerConn: number;
  try {
    const before = rssKb(bare.child.pid);
    const socks = await openMany(bare.url.replace("http", "ws"), opts.connections, false);
    await new Promise((r) => setTimeout(r, 500));
    barePerConn = ((rssKb(bare.child.pid) - before) * 1024) / opts.connections;
    for (const s of socks) s.terminate();
  } finally {
    await bare.stop();
  }

  const dataDir = mkdtempSync(join(tmpdir(), "roomhook-bench-"));
  const server = await startChild(fileURLToPath(new URL("../packages/server/src/main.ts", import.meta.url)), {
    ROOMHOOK_PORT: "0",
    ROOMHOOK_DATA: dataDir,
    ROOMHOOK_SECRET_KEY: KEY,
    ROOMHOOK_LOG_LEVEL: "warn",
  });
  try {
    const wsUrl = `${server.url.replace("http", "ws")}/v4/ws`;
    const before = rssKb(server.child.pid);
    const socks = await openMany(wsUrl, opts.connections, true);
    await new Promise((r) => setTimeout(r, 500));
    const perConn = ((rssKb(server.child.pid) - before) * 1024) / opts.connections;

    // One room: user0 owns it, the next members enter; then user0 and user1 pass it back and forth.
    const [owner, second] = socks;
    if (owner === undefined || second === undefined) throw new Error("no sockets");
    await ask(owner, { id: 2, op: "createRoom", roomInfo: { RoomId: "bench", RoomType: "Live" } });
    await Promise.all(
      socks.slice(1, opts.members).map((ws) => ask(ws, { id: 2, op: "enterRoom", roomId: "bench" })),
    );
    let pushes = 0;
    for (const ws of socks.slice(0, opts.members)) {
      ws.on("message", (d: Buffer) => {
        if (d.includes('"event":"ownerChanged"')) pushes++;
      });
    }
    const end = Date.now() + opts.seconds * 1000;
    let changes = 0;
    let holder = owner;
    let other = second;
    let id = 10;
    while (Date.now() < end) {
      const r = await ask(holder, {
        id: id++,
        op: "changeOwner",
        roomId: "bench",
        userId: holder === owner ? "user1" : "user0",
      });
      if (r.code !== 0) throw new Error(`changeOwner failed: ${JSON.stringify(r)}`);
      changes++;
      [holder, other] = [other, holder];
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const s of socks) s.terminate();
    return {
      barePerConn,
      perConn,
      changesPerSec: changes / opts.seconds,
      pushesPerSec: pushes / opts.seconds,
      members: opts.members,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
