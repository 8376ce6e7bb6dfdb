import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext, RoomPolicy, RoomRecord } from "./room.ts";
import { DEFAULT_ROOM_POLICY } from "./room.ts";
import { createRoomInfo, destroyRoomInfo, updateRoomInfo } from "./room-info.ts";

const eventBase = (ctx: OpContext) => ({
  appId: ctx.appId,
  operator: ctx.operator,
  platform: ctx.platform,
  clientIp: ctx.clientIp,
  timeMs: ctx.nowMs,
});

/** Tencent (70485): the alert is called back when a creation brings the app to 70% of its quota. */
export const ROOM_THRESHOLD = 0.7;

/** The texts of a room that content moderation reads (100026 when one holds a blocked word). */
export function checkRoomTexts(room: Partial<RoomRecord>, policy: RoomPolicy): void {
  if (policy.blockedWords.length === 0) return;
  for (const field of ["RoomName", "CoverURL", "Notice", "CustomInfo", "BackgroundURL"] as const) {
    const text = room[field]?.toLowerCase();
    if (text === undefined) continue;
    const word = policy.blockedWords.find((w) => text.includes(w.toLowerCase()));
    if (word !== undefined)
      throw new LiveError(100026, `RoomInfo.${field} holds a blocked word (content moderation)`);
  }
}

/** With `requireAccounts`, each user must be an imported Chat account (70107 otherwise). */
export async function requireAccounts(
  tx: StoreReader,
  appId: number,
  policy: RoomPolicy,
  userIds: string[],
): Promise<void> {
  if (!policy.requireAccounts) return;
  for (const u of userIds) {
    if ((await tx.getAccount(appId, u)) === undefined)
      throw new LiveError(70107, `${u} is not an imported account (im_open_login_svc/account_import)`);
  }
}

export async function createRoom(
  tx: StoreTx,
  ctx: OpContext,
  room: RoomRecord,
  policy: RoomPolicy = DEFAULT_ROOM_POLICY,
): Promise<StoredRoomEvent> {
  checkRoomTexts(room, policy);
  const existing = await tx.getRoom(ctx.appId, room.RoomId);
  if (existing !== undefined) {
    // Tencent: 100010 when the id is taken and the caller (here: the requested owner) already owns it.
    if (existing.Owner_Account === room.Owner_Account) {
      throw new LiveError(100010, `room ${room.RoomId} already exists and is owned by ${room.Owner_Account}`);
    }
    throw new LiveError(100003, `room ${room.RoomId} already exists`);
  }
  await requireAccounts(tx, ctx.appId, policy, [room.Owner_Account]);
  const before = policy.maxRooms > 0 ? await tx.countRooms(ctx.appId) : 0;
  if (policy.maxRooms > 0 && before >= policy.maxRooms)
    throw new LiveError(100013, `the app holds ${before} rooms, its limit (maxRooms ${policy.maxRooms})`);
  await tx.insertRoom(ctx.appId, room);
  const created = await tx.appendEvent({
    ...eventBase(ctx),
    roomId: room.RoomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterCreateRoom",
      Operator_Account: ctx.operator,
      RoomInfo: createRoomInfo(room),
      EventTime: ctx.nowMs,
    },
  });
  // The alert once per crossing: the creation that brings the count to 70% of the quota.
  const threshold = Math.ceil(policy.maxRooms * ROOM_THRESHOLD);
  if (policy.maxRooms > 0 && before < threshold && before + 1 >= threshold) {
    await tx.appendEvent({
      ...eventBase(ctx),
      roomId: room.RoomId,
      packet: {
        CallbackCommand: "Live.CallbackAfterCreateRoomReachingThreshold",
        Operator_Account: ctx.operator,
        EventTime: ctx.nowMs,
        CurRoomCount: before + 1,
        MaxRoomCount: policy.maxRooms,
      },
    });
  }
  return created;
}

export async function requireRoom(tx: StoreReader, appId: number, roomId: string): Promise<RoomRecord> {
  const room = await tx.getRoom(appId, roomId);
  if (room === undefined) throw new LiveError(100004, `room ${roomId} does not exist`);
  return room;
}

/** get_room_stats (Tencent 80421): what roomhook counts (likes: no API sends them yet, 0). */
export async function roomStats(tx: StoreReader, appId: number, roomId: string) {
  const c = await tx.getRoomCounters(appId, roomId);
  if (c === undefined) throw new LiveError(100004, `room ${roomId} does not exist`);
  const g = await tx.getGiftStats(appId, roomId);
  return {
    TotalViewers: c.viewCount,
    TotalGiftsSent: g.gifts,
    TotalGiftCoins: g.coins,
    TotalUniqueGiftSenders: g.senders,
    TotalLikesReceived: 0,
    TotalMsgCount: c.msgCount,
  };
}

export async function destroyRoom(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
  eventType: "DestroyByUser" | "DestroyBySystem" = "DestroyByUser",
): Promise<StoredRoomEvent> {
  const room = await requireRoom(tx, ctx.appId, roomId);
  const { TotalMsgCount: _notInCallback, ...stats } = await roomStats(tx, ctx.appId, roomId);
  await tx.deleteRoom(ctx.appId, roomId);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterDestroyRoom",
      Operator_Account: ctx.operator,
      RoomId: roomId,
      EventType: eventType,
      EventTime: ctx.nowMs,
      RoomInfo: destroyRoomInfo(room),
      Statistic: stats,
    },
  });
}

/** Why the system dissolves a room (Tencent: automatic dissolution, destroy_room page 63406). */
export type DissolveReason = "empty" | "ownerOffline";

/**
 * The system's dissolution, checked again under the room's lock: the room must still be empty since
 * at most `sinceMs` (nobody came back in between), or its owner still offline since then. Resolves
 * with the event, or undefined when the room is gone or no longer qualifies (another process, or a
 * return, got there first).
 */
export async function dissolveRoom(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; reason: DissolveReason; sinceMs: number },
): Promise<StoredRoomEvent | undefined> {
  const room = await tx.getRoom(ctx.appId, input.roomId);
  if (room === undefined) return undefined;
  if (input.reason === "empty") {
    const c = await tx.getRoomCounters(ctx.appId, input.roomId);
    if (c?.emptySinceMs === undefined || c.emptySinceMs > input.sinceMs) return undefined;
  } else {
    const owner = await tx.getMember(ctx.appId, input.roomId, room.Owner_Account);
    if (owner?.state !== "offline" || owner.sinceMs > input.sinceMs) return undefined;
  }
  return destroyRoom(tx, ctx, input.roomId, "DestroyBySystem");
}

export async function updateRoom(
  tx: StoreTx,
  ctx: OpContext,
  update: { roomId: string; changes: Partial<RoomRecord> },
  policy: RoomPolicy = DEFAULT_ROOM_POLICY,
): Promise<StoredRoomEvent> {
  checkRoomTexts(update.changes, policy);
  const room = await requireRoom(tx, ctx.appId, update.roomId);
  await tx.updateRoom(ctx.appId, { ...room, ...update.changes, RoomId: room.RoomId });
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: update.roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterUpdateRoomInfo",
      Operator_Account: ctx.operator,
      RoomInfo: updateRoomInfo(update.roomId, update.changes),
      EventTime: ctx.nowMs,
    },
  });
}

export { eventBase };
