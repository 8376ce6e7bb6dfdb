export { RoomhookClient, RoomhookClientError } from "./client.ts";
export type {
  ClientOptions,
  MsgElem,
  Platform,
  RoomEvents,
  Seat,
  WebSocketLike,
  WebSocketConstructor,
} from "./client.ts";
