import { LiveError } from "../live-error.ts";
import type { StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { requireRoom } from "./room-lifecycle.ts";
import { removeMembers } from "./members.ts";

/**
 * ban_member: a banned user cannot enter the room (nor become its owner) until the ban ends, and a
 * banned user who is inside is removed (Tencent's RoomEngine sibling page 60711): pushed to them and
 * to the room, and called back as a Leave.
 */
export async function banMembers(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[]; durationSec: number; reason: string },
): Promise<StoredRoomEvent | undefined> {
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
  return removeMembers(tx, ctx, input.roomId, input.userIds);
}

export async function unbanMembers(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[] },
) {
  await requireRoom(tx, ctx.appId, input.roomId);
  await tx.removeBans(ctx.appId, input.roomId, input.userIds);
}

/**
 * mute_member (Tencent 66969): muted members cannot send messages in the room until the mute ends;
 * a duration of 0 lifts the mute. The owner cannot be muted. Members need not be in the room.
 */
export async function muteMembers(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userIds: string[]; durationSec: number },
): Promise<void> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  if (input.durationSec === 0) {
    await tx.removeMutes(ctx.appId, input.roomId, input.userIds);
    return;
  }
  if (input.userIds.includes(room.Owner_Account)) {
    throw new LiveError(100006, `${room.Owner_Account} is the room owner and cannot be muted`);
  }
  const until = Math.floor(ctx.nowMs / 1000) + input.durationSec;
  await tx.putMutes(
    ctx.appId,
    input.roomId,
    input.userIds.map((userId) => ({ userId, mutedUntil: until })),
  );
}
