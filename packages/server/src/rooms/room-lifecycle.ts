import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext, RoomRecord } from "./room.ts";
import { createRoomInfo, destroyRoomInfo, updateRoomInfo } from "./room-info.ts";

const eventBase = (ctx: OpContext) => ({
  appId: ctx.appId,
  operator: ctx.operator,
  platform: ctx.platform,
  clientIp: ctx.clientIp,
  timeMs: ctx.nowMs,
});

export async function createRoom(tx: StoreTx, ctx: OpContext, room: RoomRecord): Promise<StoredRoomEvent> {
  const existing = await tx.getRoom(ctx.appId, room.RoomId);
  if (existing !== undefined) {
    // Tencent: 100010 when the id is taken and the caller (here: the requested owner) already owns it.
    if (existing.Owner_Account === room.Owner_Account) {
      throw new LiveError(100010, `room ${room.RoomId} already exists and is owned by ${room.Owner_Account}`);
    }
    throw new LiveError(100003, `room ${room.RoomId} already exists`);
  }
  await tx.insertRoom(ctx.appId, room);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: room.RoomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterCreateRoom",
      Operator_Account: ctx.operator,
      RoomInfo: createRoomInfo(room),
      EventTime: ctx.nowMs,
    },
  });
}

export async function requireRoom(tx: StoreReader, appId: number, roomId: string): Promise<RoomRecord> {
  const room = await tx.getRoom(appId, roomId);
  if (room === undefined) throw new LiveError(100004, `room ${roomId} does not exist`);
  return room;
}

export async function destroyRoom(tx: StoreTx, ctx: OpContext, roomId: string): Promise<StoredRoomEvent> {
  const room = await requireRoom(tx, ctx.appId, roomId);
  await tx.deleteRoom(ctx.appId, roomId);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterDestroyRoom",
      Operator_Account: ctx.operator,
      RoomId: roomId,
      EventType: "DestroyByUser",
      EventTime: ctx.nowMs,
      RoomInfo: destroyRoomInfo(room),
      Statistic: {
        TotalViewers: room.ViewCount,
        TotalGiftsSent: 0,
        TotalGiftCoins: 0,
        TotalUniqueGiftSenders: 0,
        TotalLikesReceived: 0,
      },
    },
  });
}

export async function updateRoom(
  tx: StoreTx,
  ctx: OpContext,
  update: { roomId: string; changes: Partial<RoomRecord> },
): Promise<StoredRoomEvent> {
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
