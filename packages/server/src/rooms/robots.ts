import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";
import { leaveSeats } from "./seats.ts";

/**
 * Robots (Tencent: add_robot 69079, del_robot 69080, get_robot 69081): accounts the App backend puts
 * in a room. They count as members (get_member_list, MaxMemberCount) and keep the room from
 * dissolving when empty; they are never viewers (ViewCount) and have no connection to lose. Their
 * entry and exit are called back like a member's (Live.CallbackAfterMemberStateChanged Enter/Leave).
 */
export const robotLimits = {
  /** Robots per room (100013 past it). */
  maxPerRoom: 1000,
} as const;

function memberEvent(ctx: OpContext, roomId: string, online: boolean, userIds: string[]) {
  return {
    ...eventBase(ctx),
    roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterMemberStateChanged" as const,
      RoomId: roomId,
      EventType: online ? ("Online" as const) : ("Offline" as const),
      EventCause: online ? ("Enter" as const) : ("Leave" as const),
      MemberList: userIds.map((u) => ({ Member_Account: u })),
      EventTime: ctx.nowMs,
    },
  };
}

/** Robots already in the room are skipped; a user in the room through a client cannot be a robot. */
export async function addRobots(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; robotIds: string[] },
): Promise<StoredRoomEvent | undefined> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  if (input.robotIds.includes(room.Owner_Account))
    throw new LiveError(100002, `${room.Owner_Account} owns room ${input.roomId} and cannot be its robot`);
  const nowSec = Math.floor(ctx.nowMs / 1000);
  const added: string[] = [];
  for (const id of input.robotIds) {
    if (await tx.isBanned(ctx.appId, input.roomId, id, nowSec))
      throw new LiveError(100016, `${id} is banned from room ${input.roomId}`);
    const m = await tx.getMember(ctx.appId, input.roomId, id);
    if (m?.isRobot === true) continue;
    if (m !== undefined)
      throw new LiveError(100002, `${id} is in room ${input.roomId} as a user, not a robot`);
    added.push(id);
  }
  if (added.length === 0) return undefined;
  const robots = (await listRobots(tx, ctx.appId, input.roomId)).length;
  if (robots + added.length > robotLimits.maxPerRoom)
    throw new LiveError(100013, `a room holds at most ${robotLimits.maxPerRoom} robots; it has ${robots}`);
  const members = await tx.countMembers(ctx.appId, input.roomId);
  if (members + added.length > room.MaxMemberCount)
    throw new LiveError(100008, `room ${input.roomId} is full (MaxMemberCount ${room.MaxMemberCount})`);
  for (const id of added) {
    await tx.putMember(ctx.appId, input.roomId, {
      userId: id,
      state: "online",
      platform: ctx.platform,
      clientIp: ctx.clientIp,
      sinceMs: ctx.nowMs,
      node: "",
      isRobot: true,
    });
  }
  await tx.roomEntered(ctx.appId, input.roomId, 0);
  return tx.appendEvent(memberEvent(ctx, input.roomId, true, added));
}

/** Ids that are not robots of the room are skipped. */
export async function deleteRobots(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; robotIds: string[] },
): Promise<StoredRoomEvent | undefined> {
  await requireRoom(tx, ctx.appId, input.roomId);
  const removed: string[] = [];
  for (const id of input.robotIds) {
    const m = await tx.getMember(ctx.appId, input.roomId, id);
    if (m?.isRobot !== true) continue;
    await tx.removeMember(ctx.appId, input.roomId, id);
    removed.push(id);
  }
  if (removed.length === 0) return undefined;
  await leaveSeats(tx, ctx, input.roomId, removed);
  await tx.roomLeft(ctx.appId, input.roomId, ctx.nowMs);
  return tx.appendEvent(memberEvent(ctx, input.roomId, false, removed));
}

/** The room's robots, by id. */
export async function listRobots(tx: StoreReader, appId: number, roomId: string) {
  const out: string[] = [];
  let after = "";
  for (;;) {
    const page = await tx.listMembers(appId, roomId, { after, limit: 1000 });
    for (const m of page) if (m.isRobot) out.push(m.userId);
    const last = page[page.length - 1];
    if (last === undefined || page.length < 1000) return out;
    after = last.userId;
  }
}
