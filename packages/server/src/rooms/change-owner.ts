import { LiveError } from "../live-error.ts";
import type { StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase } from "./room-lifecycle.ts";

/**
 * Tencent's Live REST page states no membership rule for the admin's REST call, and roomhook imposes
 * none there: an admin may hand a room to any valid user id.
 */
export interface ChangeOwnerInput {
  roomId: string;
  newOwner: string;
  /**
   * The client path (the owner's own call, Tencent's changeUserRole to ROOM_OWNER): only the owner may
   * hand the room over, and only to a user who is in the room.
   */
  byOwner?: boolean;
}

export type ChangeOwnerResult =
  | { changed: true; originalOwner: string; event: StoredRoomEvent }
  | { changed: false; originalOwner: string };

/**
 * The owner change (Tencent: change_room_owner, Live.CallbackAfterChangeOwner). One transaction writes
 * the new owner and the owner-change event (which carries the callback packet and the room's next
 * sequence number). Decisions where Tencent is silent (docs/compat.md):
 * - a change to the current owner succeeds and changes nothing: no event, no callback;
 * - a banned user cannot become owner (100016);
 * - an admin who becomes owner stops being an admin (the owner role includes it);
 * - the previous owner becomes an ordinary member.
 */
export async function changeOwner(
  tx: StoreTx,
  ctx: OpContext,
  input: ChangeOwnerInput,
): Promise<ChangeOwnerResult> {
  // One read and one write (each a single statement where the store can: the owner change is the
  // hot path).
  const [room, member] = await Promise.all([
    tx.getOwnerAndBan(ctx.appId, input.roomId, input.newOwner, Math.floor(ctx.nowMs / 1000)),
    input.byOwner === true ? tx.getMember(ctx.appId, input.roomId, input.newOwner) : undefined,
  ]);
  if (room === undefined) throw new LiveError(100004, `room ${input.roomId} does not exist`);
  const originalOwner = room.owner;
  if (input.byOwner === true && originalOwner !== ctx.operator) {
    throw new LiveError(100006, `only the owner of room ${input.roomId} may hand it over`);
  }
  if (originalOwner === input.newOwner) return { changed: false, originalOwner };
  if (room.banned) {
    throw new LiveError(100016, `${input.newOwner} is banned from room ${input.roomId}; unban first`);
  }
  if (input.byOwner === true && member?.state !== "online") {
    throw new LiveError(100005, `${input.newOwner} is not in room ${input.roomId}`, { clientCode: -2201 });
  }
  const event = await tx.transferRoom(ctx.appId, input.newOwner, {
    ...eventBase(ctx),
    roomId: input.roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterChangeOwner",
      RoomId: input.roomId,
      EventTime: ctx.nowMs,
      Operator_Account: ctx.operator,
      CurrentOwner_Account: input.newOwner,
      OriginalOwner_Account: originalOwner,
    },
  });
  return { changed: true, originalOwner, event };
}
