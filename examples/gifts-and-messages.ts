import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, RoomhookClientError, type WebSocketConstructor } from "@roomhook/client";
import { loadConfig } from "../packages/server/src/config.ts";
import { resolveAppKeys } from "../packages/server/src/secret-key.ts";

/**
 * Callbacks that decide, in one script: a host opens a room, a fan enters, says something and sends
 * two gifts. The App backend (roomhook listen --before ... --rewrite ...) is asked before each: it
 * may rewrite or refuse the message, and allow or refuse each gift. Run it against `npm start`:
 * `npm run -s demo:decide`.
 */
const config = loadConfig();
const [configured] = await resolveAppKeys(config);
if (configured === undefined) throw new Error("no app configured");
const app = configured;
const base = `http://${config.host}:${config.port}`;
const url = process.env.ROOMHOOK_WS ?? `ws://${config.host}:${config.port}/v4/ws`;
const roomId = process.argv[2] ?? `show-${Date.now().toString(36)}`;
const admin = app.admins[0] ?? "administrator";

/** A REST call as the app's administrator. */
async function rest(path: string, body: unknown): Promise<{ ErrorCode: number; ErrorInfo: string }> {
  const sig = genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier: admin, expire: 300 });
  const res = await fetch(
    `${base}/v4/${path}?sdkappid=${app.sdkAppId}&identifier=${admin}&usersig=${sig}&random=1&contenttype=json`,
    { method: "POST", body: JSON.stringify(body) },
  );
  return (await res.json()) as { ErrorCode: number; ErrorInfo: string };
}

// The app's gifts: Tencent's default catalog, unless the app has its own already.
const copied = await rest("live_engine_http_srv/copy_default_gift_config", {});
if (copied.ErrorCode !== 0 && copied.ErrorCode !== 100002) throw new Error(copied.ErrorInfo);

const user = (userId: string) =>
  new RoomhookClient({
    url,
    sdkAppId: app.sdkAppId,
    userId,
    userSig: () =>
      genUserSig({ sdkAppId: app.sdkAppId, key: app.secretKey, identifier: userId, expire: 3600 }),
    platform: "Web",
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });

const host = user("host");
const fan = user("fan");
host.on("message", (m) => {
  const text = m.msgBody.map((e) => (e.MsgType === "TIMTextElem" ? e.MsgContent.Text : `[${e.MsgType}]`));
  console.log(`host is told: ${m.sender} said ${JSON.stringify(text.join(" "))}`);
});
host.on("gift", (g) => {
  console.log(`host is told: ${g.sender} sent ${g.count} x ${g.giftId} (${g.coins} coins each)`);
});
await host.login();
await fan.login();
await host.createRoom({ RoomId: roomId, RoomName: "The show" });
await fan.enterRoom(roomId);
console.log(`host opened ${roomId}, fan entered`);

const outcome = async (what: string, p: Promise<unknown>) => {
  try {
    await p;
    console.log(`fan ${what}: allowed`);
  } catch (e) {
    if (!(e instanceof RoomhookClientError)) throw e;
    console.log(`fan ${what}: refused ${e.code} (${e.message})`);
  }
};
await outcome('says "what a darn good show"', fan.sendText(roomId, "what a darn good show"));
await outcome("sends 1 x rose", fan.sendGift(roomId, "rose", 1, ["host"]));
await outcome("sends 1 x universe", fan.sendGift(roomId, "universe", 1, ["host"]));
await new Promise((r) => setTimeout(r, 300));
host.close();
fan.close();
