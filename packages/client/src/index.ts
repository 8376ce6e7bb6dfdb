export { RoomhookClient, RoomhookClientError } from "./client.ts";
export type {
  ClientOptions,
  Platform,
  RoomEvents,
  Seat,
  WebSocketLike,
  WebSocketConstructor,
} from "./client.ts";
