export { RoomhookClient, RoomhookClientError } from "./client.ts";
export type {
  ClientOptions,
  MsgElem,
  NewRoomInfo,
  Platform,
  RoomEvents,
  Seat,
  WebSocketLike,
  WebSocketConstructor,
} from "./client.ts";
