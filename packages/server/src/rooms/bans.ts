import { LiveError } from "../live-error.ts";
import type { StoreTx } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { requireRoom } from "./room-lifecycle.ts";

/** ban_member: a banned user cannot enter the room (nor become its owner) until the ban ends. */
export async function banMembers(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[]; durationSec: number; reason: string },
): Promise<void> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  if (input.userIds.includes(room.Owner_Account)) {
    throw new LiveError(100006, `${room.Owner_Account} is the room owner and cannot be banned`);
  }
  const until = Math.floor(ctx.nowMs / 1000) + input.durationSec;
  await tx.putBans(
    ctx.appId,
    input.roomId,
    input.userIds.map((userId) => ({ userId, bannedUntil: until, reason: input.reason })),
  );
}

export async function unbanMembers(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[] },
) {
  await requireRoom(tx, ctx.appId, input.roomId);
  await tx.removeBans(ctx.appId, input.roomId, input.userIds);
}
