export { RoomhookClient, RoomhookClientError } from "./client.ts";
export type { ClientOptions, Platform, RoomEvents, WebSocketLike, WebSocketConstructor } from "./client.ts";
