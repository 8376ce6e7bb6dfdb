import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, type WebSocketConstructor } from "@roomhook/client";
import { loadConfig } from "../packages/server/src/config.ts";
import { resolveAppKeys } from "../packages/server/src/secret-key.ts";

/**
 * Two users in one script: alice opens a room, bob enters, alice hands the room to bob. Both are
 * told; the App backend (roomhook listen) gets Live.CallbackAfterChangeOwner with alice as operator.
 * Run it against `npm start`: `npm run -s demo`.
 */
const config = loadConfig();
const [app] = await resolveAppKeys(config);
if (app === undefined) throw new Error("no app configured");
// Several addresses, comma-separated (processes sharing PostgreSQL): alice uses the first, bob the last.
const urls = (process.env.ROOMHOOK_WS ?? `ws://${config.host}:${config.port}/v4/ws`).split(",");
const roomId = process.argv[2] ?? `handover-${Date.now().toString(36)}`;

const user = (userId: string, platform: "Web" | "iOS", url: string) =>
  new RoomhookClient({
    url,
    sdkAppId: app.sdkAppId,
    userId,
    userSig: () =>
      genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier: userId, expire: 3600 }),
    platform,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });

const alice = user("alice", "Web", urls[0] ?? "");
const bob = user("bob", "iOS", urls.at(-1) ?? "");
for (const [name, c] of [
  ["alice", alice],
  ["bob", bob],
] as const) {
  c.on("ownerChanged", (e) => {
    console.log(`${name} is told: room ${e.roomId} now belongs to ${e.to} (was ${e.from}, by ${e.operator})`);
  });
  c.on("memberStateChanged", (e) => {
    console.log(`${name} is told: ${e.userIds.join(", ")} ${e.state} (${e.cause}) in ${e.roomId}`);
  });
}
await alice.login();
await bob.login();
await alice.createRoom({ RoomId: roomId, RoomName: "Alice's show" });
console.log(`alice created ${roomId}`);
await bob.enterRoom(roomId);
console.log("bob entered");
await alice.changeOwner(roomId, "bob");
console.log(
  `alice handed ${roomId} to bob; owner is now ${(await bob.getRoomInfo(roomId)).roomInfo.Owner_Account}`,
);
await new Promise((r) => setTimeout(r, 300));
alice.close();
bob.close();
