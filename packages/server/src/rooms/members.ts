import type { AfterMemberStateChanged } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";
import { leaveSeats } from "./seats.ts";

/**
 * Members through their client (Tencent: Live.CallbackAfterMemberStateChanged). A member is online;
 * a lost heartbeat makes them offline (HeartbeatInterrupt) until they come back (HeartbeatRecover) or
 * leave; leaving removes them.
 */

function stateEvent(
  ctx: OpContext,
  roomId: string,
  type: AfterMemberStateChanged["EventType"],
  cause: AfterMemberStateChanged["EventCause"],
  userIds: string[],
) {
  return {
    ...eventBase(ctx),
    roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterMemberStateChanged" as const,
      RoomId: roomId,
      EventType: type,
      EventCause: cause,
      MemberList: userIds.map((u) => ({ Member_Account: u })),
      EventTime: ctx.nowMs,
    },
  };
}

export async function enterRoom(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
): Promise<StoredRoomEvent | undefined> {
  const room = await requireRoom(tx, ctx.appId, roomId);
  if (await tx.isBanned(ctx.appId, roomId, ctx.operator, Math.floor(ctx.nowMs / 1000))) {
    throw new LiveError(100016, `${ctx.operator} is banned from room ${roomId}`);
  }
  const was = await tx.getMember(ctx.appId, roomId, ctx.operator);
  if (was?.isRobot === true) throw new LiveError(100002, `${ctx.operator} is a robot in room ${roomId}`);
  if (was === undefined && (await tx.countMembers(ctx.appId, roomId)) >= room.MaxMemberCount) {
    throw new LiveError(100008, `room ${roomId} is full (MaxMemberCount ${room.MaxMemberCount})`);
  }
  await tx.putMember(ctx.appId, roomId, {
    userId: ctx.operator,
    state: "online",
    platform: ctx.platform,
    clientIp: ctx.clientIp,
    sinceMs: ctx.nowMs,
    node: ctx.node ?? "",
    isRobot: false,
  });
  if (was?.state === "online") return undefined; // entering twice changes nothing
  // Every entry is a view (ViewCount, TotalViewers); coming back after a lost heartbeat is not.
  await tx.roomEntered(ctx.appId, roomId, was === undefined ? 1 : 0);
  return tx.appendEvent(
    stateEvent(ctx, roomId, "Online", was === undefined ? "Enter" : "HeartbeatRecover", [ctx.operator]),
  );
}

export async function leaveRoom(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
): Promise<StoredRoomEvent | undefined> {
  const room = await requireRoom(tx, ctx.appId, roomId);
  if (room.Owner_Account === ctx.operator) {
    throw new LiveError(100006, "the owner cannot leave a Live room: transfer or destroy it first", {
      clientCode: -2102,
    });
  }
  const was = await tx.getMember(ctx.appId, roomId, ctx.operator);
  if (was === undefined)
    throw new LiveError(100005, `${ctx.operator} is not in room ${roomId}`, { clientCode: -2101 });
  await tx.removeMember(ctx.appId, roomId, ctx.operator);
  await leaveSeats(tx, ctx, roomId, [ctx.operator]);
  if (was.state === "offline") return undefined; // already reported offline by the heartbeat
  await tx.roomLeft(ctx.appId, roomId, ctx.nowMs);
  return tx.appendEvent(stateEvent(ctx, roomId, "Offline", "Leave", [ctx.operator]));
}

/**
 * Members removed by the room's rules (a ban, a kick): gone from the room and from its seats, pushed
 * and called back as a Leave. Users who are not in the room are skipped; undefined when none was.
 */
export async function removeMembers(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
  userIds: string[],
): Promise<StoredRoomEvent | undefined> {
  const gone: string[] = [];
  for (const u of userIds) {
    const m = await tx.getMember(ctx.appId, roomId, u);
    if (m === undefined) continue;
    await tx.removeMember(ctx.appId, roomId, u);
    await tx.removeSeatApplication(ctx.appId, roomId, u);
    gone.push(u);
  }
  if (gone.length === 0) return undefined;
  await leaveSeats(tx, ctx, roomId, gone);
  await tx.roomLeft(ctx.appId, roomId, ctx.nowMs);
  return tx.appendEvent(stateEvent(ctx, roomId, "Offline", "Leave", gone));
}

/**
 * Users whose heartbeat stopped, one room at a time, reported in one callback (MemberList). Only
 * members still held by `node` are affected: a user who came back through another process stays.
 */
export async function heartbeatLost(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
  userIds: string[],
  node: string,
): Promise<StoredRoomEvent | undefined> {
  if ((await tx.getRoom(ctx.appId, roomId)) === undefined) return undefined;
  const lost: string[] = [];
  for (const u of userIds) {
    const m = await tx.getMember(ctx.appId, roomId, u);
    if (m?.state !== "online" || m.node !== node) continue;
    await tx.putMember(ctx.appId, roomId, { ...m, state: "offline", sinceMs: ctx.nowMs });
    lost.push(u);
  }
  if (lost.length === 0) return undefined;
  await tx.roomLeft(ctx.appId, roomId, ctx.nowMs);
  return tx.appendEvent(stateEvent(ctx, roomId, "Offline", "HeartbeatInterrupt", lost));
}

/**
 * A dead node's members go offline, one callback per room (as its own sweep would have done), and the
 * node is forgotten. Run by any live process; a second run finds nothing left to do.
 */
export async function reapNode(tx: StoreTx, nodeId: string, nowMs: number): Promise<StoredRoomEvent[]> {
  const byRoom = new Map<string, { appId: number; roomId: string; userIds: string[] }>();
  for (const m of await tx.listNodeMembers(nodeId)) {
    const k = `${m.appId}\u0000${m.roomId}`;
    const entry = byRoom.get(k) ?? { appId: m.appId, roomId: m.roomId, userIds: [] };
    entry.userIds.push(m.userId);
    byRoom.set(k, entry);
  }
  const events: StoredRoomEvent[] = [];
  for (const b of byRoom.values()) {
    const ctx = systemContext(b.appId, nowMs);
    const e = await heartbeatLost(tx, ctx, b.roomId, b.userIds, nodeId);
    if (e !== undefined) events.push(e);
  }
  await tx.deleteNode(nodeId);
  return events;
}

/** The operator of what the server does by itself (Tencent's system account). */
export function systemContext(appId: number, nowMs: number): OpContext {
  return { appId, operator: "@TIM#SYSTEM", platform: "Unknown", clientIp: "", nowMs };
}

/** The client path's rule for owner-only operations. */
export async function requireOwner(tx: StoreTx, ctx: OpContext, roomId: string): Promise<void> {
  const room = await requireRoom(tx, ctx.appId, roomId);
  if (room.Owner_Account !== ctx.operator)
    throw new LiveError(100006, `only the owner of room ${roomId} may do this`);
}
