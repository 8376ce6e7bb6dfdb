import { Type, type Static, type TObject } from "@sinclair/typebox";
import { callbackSchemas, type DocumentedCallbackCommand } from "./callbacks.ts";
import { oneOf } from "./one-of.ts";

/**
 * A room's callbacks since a sequence number: roomhook's REST extension (same URL form, authentication
 * and envelope as Tencent's REST API; the answer is the envelope's `Response`). Sequence numbers are
 * per room, from 1, never reused; `PreviousSequence` chains the callbacks one app was sent, so a
 * receiver sees a gap exactly. Declared once here, as TypeBox schemas: JSON Schema and type.
 */

const sequence = (description: string) => Type.Integer({ minimum: 0, description });
const limit = () =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: "page size; default 100" }));
/** The commands of the callbacks a room's catch-up lists: every after-callback (never a before one). */
const afterCommands = Object.keys(callbackSchemas).filter(
  (c) => c !== "Live.CallbackBeforeSendGift" && c !== "Group.CallbackBeforeSendMsg",
) as AfterCommand[];
type AfterCommand = Exclude<
  DocumentedCallbackCommand,
  "Live.CallbackBeforeSendGift" | "Group.CallbackBeforeSendMsg"
>;

/**
 * A packet as it was sent: one of the after-callbacks' schemas, nested without their `$id` and
 * `$schema` (a nested resource would clash with the same schema used on its own).
 */
const packet = () =>
  Type.Union(afterCommands.map(nested), {
    description: "the callback packet as it was sent (callbackSchemas[CallbackCommand])",
  });
type NestedPacket<C> = C extends AfterCommand ? TObject<(typeof callbackSchemas)[C]["properties"]> : never;
function nested<C extends AfterCommand>(c: C): NestedPacket<C> {
  return Type.Object(callbackSchemas[c].properties, {
    title: c,
    additionalProperties: true,
  }) as unknown as NestedPacket<C>;
}

/** `roomhook_delivery/get_room_callbacks`' request: a room's callbacks after `AfterSequence` (default 0). */
export const roomCallbacksQuerySchema = Type.Object({
  RoomId: Type.String(),
  AfterSequence: Type.Optional(sequence("default 0: from the first")),
  Limit: limit(),
});
/** `roomhook_delivery/get_room_callbacks`' request (docs/delivery.md). */
export type RoomCallbacksQuery = Static<typeof roomCallbacksQuerySchema>;

/** What a delivery is doing: waiting for its next attempt, delivered, or given up (docs/delivery.md). */
export const deliveryStates = ["pending", "delivered", "dead"] as const;

/**
 * The catch-up answer (`roomhook_delivery/get_room_callbacks`' `Response`): the callbacks this app was
 * sent for a room after a sequence number, oldest first, whatever became of them; `HasMore` when a
 * page was full. What a receiver asks for to fill a gap (`OwnerMirror`'s catchUp).
 */
export const roomCallbacksAnswerSchema = Type.Object({
  CallbackList: Type.Array(
    Type.Object({
      Sequence: sequence("the event's number in its room, from 1"),
      PreviousSequence: sequence("the Sequence of this app's previous callback of the room; 0 for none"),
      EventId: Type.String({ description: "the event's id, the same on every delivery (webhook-id)" }),
      CallbackCommand: oneOf(afterCommands),
      State: oneOf(deliveryStates),
      Packet: packet(),
    }),
  ),
  HasMore: Type.Boolean({ description: "a page was full: ask again after the last Sequence" }),
});
/**
 * The catch-up answer: `CallbackList` of `{ Sequence, PreviousSequence, EventId, CallbackCommand,
 * State, Packet }`, oldest first, and `HasMore` (docs/delivery.md).
 */
export type RoomCallbacksAnswer = Static<typeof roomCallbacksAnswerSchema>;
