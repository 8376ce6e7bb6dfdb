import { LiveError } from "../live-error.ts";
import type { StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/** Tencent (modify_admin): at most 5 admins per room. */
export const MAX_ADMINS = 5;

/**
 * modify_admin. Adding an admin twice or removing a non-admin changes nothing; the callback names only
 * the accounts whose role changed, and none is sent when nothing changed. The owner cannot be an admin.
 */
export async function modifyAdmins(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[]; op: "add" | "delete" },
): Promise<StoredRoomEvent | undefined> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  const current = new Set(await tx.listAdmins(ctx.appId, input.roomId));
  let changed: string[];
  if (input.op === "add") {
    if (input.userIds.includes(room.Owner_Account)) {
      throw new LiveError(100002, `${room.Owner_Account} is the room owner and cannot be an admin`);
    }
    changed = input.userIds.filter((u) => !current.has(u));
    if (current.size + changed.length > MAX_ADMINS) {
      throw new LiveError(100020, `a room has at most ${MAX_ADMINS} admins; it has ${current.size}`);
    }
    await tx.addAdmins(ctx.appId, input.roomId, changed);
  } else {
    changed = input.userIds.filter((u) => current.has(u));
    await tx.removeAdmins(ctx.appId, input.roomId, changed);
  }
  if (changed.length === 0) return undefined;
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: input.roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterModifyAdmin",
      RoomId: input.roomId,
      Admin_Account: changed,
      opType: input.op,
      Operator_Account: ctx.operator,
      EventTime: ctx.nowMs,
    },
  });
}
