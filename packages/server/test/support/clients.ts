import WebSocket from "ws";
import { genUserSig } from "@roomhook/protocol";
import { RoomhookClient, type Platform, type RoomEvents, type WebSocketConstructor } from "@roomhook/client";
import { TEST_APP, TEST_KEY, type TestServer } from "./harness.ts";

/**
 * A real client of a test server over WebSocket, its UserSig made at the server's clock. `reconnect`
 * defaults to fast retries; `false` turns them off.
 */
export function testClient(
  server: TestServer,
  userId: string,
  opts: { platform?: Platform; reconnect?: false } = {},
): RoomhookClient {
  return new RoomhookClient({
    url: server.url.replace("http", "ws") + "/v4/ws",
    sdkAppId: TEST_APP,
    userId,
    userSig: () =>
      genUserSig({
        sdkAppId: TEST_APP,
        key: TEST_KEY,
        identifier: userId,
        expire: 86400,
        time: Math.floor(server.clock.now() / 1000),
      }),
    platform: opts.platform ?? "Web",
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    heartbeatMs: 60_000,
    reconnect: opts.reconnect ?? { minMs: 20, maxMs: 200 },
  });
}

/** The client's next push of an event that matches, within 5 s. */
export function nextEvent<E extends keyof RoomEvents>(
  c: RoomhookClient,
  event: E,
  match: (e: RoomEvents[E]) => boolean = () => true,
): Promise<RoomEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ${event} in 5 s`));
    }, 5000);
    const off = c.on(event, (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}
