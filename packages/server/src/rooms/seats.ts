import type { AfterSeatInfoChanged } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { SeatRecord, StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext, RoomRecord } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/**
 * Seats of a room created with `IsSeatEnabled` (Tencent: room_engine_http_mic pages 64427-64430,
 * 72685; Mic.CallbackAfterSeatInfoChanged 64425). A room has `MaxSeatCount` seats, indexed from 0.
 * Every change, whoever made it (REST, the owner or an admin, the member themself, a leave or a
 * ban), appends one Mic.CallbackAfterSeatInfoChanged with the whole seat list.
 */

/** What a seat change may set on a seat's locks (lock_seat). */
export interface SeatLocks {
  isLocked?: boolean;
  isVideoLocked?: boolean;
  isAudioLocked?: boolean;
}

const freeSeat = (index: number): SeatRecord => ({
  index,
  userId: "",
  isLocked: false,
  isVideoLocked: false,
  isAudioLocked: false,
});

/** The room's seats, all `MaxSeatCount` of them, by index. */
export async function seatList(tx: StoreReader, appId: number, room: RoomRecord): Promise<SeatRecord[]> {
  const stored = new Map((await tx.listSeats(appId, room.RoomId)).map((s) => [s.index, s]));
  return Array.from({ length: room.MaxSeatCount }, (_, i) => stored.get(i) ?? freeSeat(i));
}

/** The callback's `SeatList` entries: `Member_Account` only on a taken seat. */
export function callbackSeats(seats: SeatRecord[]): AfterSeatInfoChanged["SeatList"] {
  return seats.map((s) => ({
    Index: s.index,
    ...(s.userId === "" ? {} : { Member_Account: s.userId }),
    IsTakenDisabled: s.isLocked,
    IsVideoDisabled: s.isVideoLocked,
    IsAudioDisabled: s.isAudioLocked,
  }));
}

async function seatsChanged(tx: StoreTx, ctx: OpContext, room: RoomRecord): Promise<StoredRoomEvent> {
  const seats = await seatList(tx, ctx.appId, room);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: room.RoomId,
    packet: {
      CallbackCommand: "Mic.CallbackAfterSeatInfoChanged",
      RoomId: room.RoomId,
      SeatList: callbackSeats(seats),
      EventTime: ctx.nowMs,
    },
  });
}

/** The room, which must have seats (100211 otherwise). */
export async function requireSeatRoom(tx: StoreReader, appId: number, roomId: string): Promise<RoomRecord> {
  const room = await requireRoom(tx, appId, roomId);
  if (!room.IsSeatEnabled || room.MaxSeatCount === 0)
    throw new LiveError(100211, `room ${roomId} was not created with seats (IsSeatEnabled)`);
  return room;
}

function seatAt(seats: SeatRecord[], index: number, roomId: string): SeatRecord {
  const seat = seats[index];
  if (seat === undefined)
    throw new LiveError(100002, `seat ${index} does not exist: room ${roomId} has ${seats.length} seats`);
  return seat;
}

async function requireMember(tx: StoreTx, appId: number, roomId: string, userId: string): Promise<void> {
  const m = await tx.getMember(appId, roomId, userId);
  if (m === undefined)
    throw new LiveError(100005, `${userId} is not in room ${roomId}`, { clientCode: -2201 });
}

/**
 * Puts a member on a seat: the given index, or (index -1) the first free, unlocked one. Used by
 * pick_user_on_seat, by a member taking a seat freely, and by an accepted application.
 */
export async function takeSeat(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userId: string; index: number },
): Promise<StoredRoomEvent> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  await requireMember(tx, ctx.appId, input.roomId, input.userId);
  const seats = await seatList(tx, ctx.appId, room);
  if (seats.some((s) => s.userId === input.userId))
    throw new LiveError(100203, `${input.userId} is already on a seat of room ${input.roomId}`);
  let seat: SeatRecord | undefined;
  if (input.index < 0) {
    seat = seats.find((s) => s.userId === "" && !s.isLocked);
    if (seat === undefined) throw new LiveError(100205, `every seat of room ${input.roomId} is taken`);
  } else {
    seat = seatAt(seats, input.index, input.roomId);
    if (seat.isLocked) throw new LiveError(100200, `seat ${input.index} is locked`);
    if (seat.userId !== "") throw new LiveError(100201, `seat ${input.index} is taken by ${seat.userId}`);
  }
  await tx.removeSeatApplication(ctx.appId, input.roomId, input.userId);
  await tx.putSeat(ctx.appId, input.roomId, { ...seat, userId: input.userId });
  return seatsChanged(tx, ctx, room);
}

/** Takes a member off their seat (kick_user_off_seat, or the member leaving it): 100206 when on none. */
export async function leaveSeat(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userId: string },
): Promise<StoredRoomEvent> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  const seats = await seatList(tx, ctx.appId, room);
  const seat = seats.find((s) => s.userId === input.userId);
  if (seat === undefined)
    throw new LiveError(100206, `${input.userId} is not on a seat of room ${input.roomId}`);
  await tx.putSeat(ctx.appId, input.roomId, { ...seat, userId: "" });
  return seatsChanged(tx, ctx, room);
}

/** Frees the seats of users who left or were removed; one callback when any seat changed. */
export async function leaveSeats(
  tx: StoreTx,
  ctx: OpContext,
  roomId: string,
  userIds: string[],
): Promise<StoredRoomEvent | undefined> {
  const room = await tx.getRoom(ctx.appId, roomId);
  if (room === undefined || !room.IsSeatEnabled) return undefined;
  const leaving = new Set(userIds);
  const held = (await tx.listSeats(ctx.appId, roomId)).filter((s) => leaving.has(s.userId));
  for (const u of userIds) await tx.removeSeatApplication(ctx.appId, roomId, u);
  if (held.length === 0) return undefined;
  for (const s of held) await tx.putSeat(ctx.appId, roomId, { ...s, userId: "" });
  return seatsChanged(tx, ctx, room);
}

/**
 * lock_seat (Tencent 64430): sets the locks it names (ForbidTaken, ForbidVideo, ForbidAudio). Locking
 * a taken seat against taking removes its member first, as the page says.
 */
export async function lockSeat(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; index: number; locks: SeatLocks },
): Promise<StoredRoomEvent | undefined> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  const seats = await seatList(tx, ctx.appId, room);
  const seat = seatAt(seats, input.index, input.roomId);
  const next: SeatRecord = {
    ...seat,
    isLocked: input.locks.isLocked ?? seat.isLocked,
    isVideoLocked: input.locks.isVideoLocked ?? seat.isVideoLocked,
    isAudioLocked: input.locks.isAudioLocked ?? seat.isAudioLocked,
  };
  if (next.isLocked) next.userId = "";
  if (
    next.userId === seat.userId &&
    next.isLocked === seat.isLocked &&
    next.isVideoLocked === seat.isVideoLocked &&
    next.isAudioLocked === seat.isAudioLocked
  )
    return undefined; // nothing changed: no callback
  await tx.putSeat(ctx.appId, input.roomId, next);
  return seatsChanged(tx, ctx, room);
}

/** move_user_to_seat's Policy (Tencent 72685): what happens when the target seat is taken. */
export type MovePolicy = 0 | 1 | 2;

/**
 * Moves a member already on a seat to another (move_user_to_seat). When the target is taken,
 * Policy 0 cancels (100201), 1 forces (the occupant leaves the seats), 2 swaps the two.
 * A locked target seat is refused (100200).
 */
export async function moveToSeat(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userId: string; index: number; policy: MovePolicy },
): Promise<StoredRoomEvent | undefined> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  const seats = await seatList(tx, ctx.appId, room);
  const from = seats.find((s) => s.userId === input.userId);
  if (from === undefined)
    throw new LiveError(100206, `${input.userId} is not on a seat of room ${input.roomId}`);
  const to = seatAt(seats, input.index, input.roomId);
  if (to.index === from.index) return undefined;
  if (to.isLocked) throw new LiveError(100200, `seat ${input.index} is locked`);
  if (to.userId !== "" && input.policy === 0)
    throw new LiveError(100201, `seat ${input.index} is taken by ${to.userId}`);
  const displaced = input.policy === 2 ? to.userId : "";
  await tx.putSeat(ctx.appId, input.roomId, { ...from, userId: displaced });
  await tx.putSeat(ctx.appId, input.roomId, { ...to, userId: input.userId });
  return seatsChanged(tx, ctx, room);
}

/**
 * A member asks for a seat from their client: in a FreeToTake room they take it at once; in an
 * ApplyToTake room the request waits for the owner or an admin (100202 when already waiting).
 * Resolves with the seat event when taken, undefined when queued.
 */
export async function requestSeat(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; index: number },
): Promise<{ taken: boolean; event?: StoredRoomEvent }> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  const admins = await tx.listAdmins(ctx.appId, input.roomId);
  const privileged = room.Owner_Account === ctx.operator || admins.includes(ctx.operator);
  if (room.TakeSeatMode !== "ApplyToTake" || privileged) {
    const event = await takeSeat(tx, ctx, { roomId: input.roomId, userId: ctx.operator, index: input.index });
    return { taken: true, event };
  }
  await requireMember(tx, ctx.appId, input.roomId, ctx.operator);
  const seats = await seatList(tx, ctx.appId, room);
  if (seats.some((s) => s.userId === ctx.operator))
    throw new LiveError(100203, `${ctx.operator} is already on a seat of room ${input.roomId}`);
  if (input.index >= 0) seatAt(seats, input.index, input.roomId);
  const waiting = await tx.listSeatApplications(ctx.appId, input.roomId);
  if (waiting.some((a) => a.userId === ctx.operator))
    throw new LiveError(100202, `${ctx.operator} has already applied for a seat`);
  await tx.putSeatApplication(ctx.appId, input.roomId, {
    userId: ctx.operator,
    index: input.index,
    createdMs: ctx.nowMs,
  });
  return { taken: false };
}

/** The owner or an admin accepts or rejects a waiting application (100204 when there is none). */
export async function answerSeatApplication(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; userId: string; accept: boolean },
): Promise<StoredRoomEvent | undefined> {
  const room = await requireSeatRoom(tx, ctx.appId, input.roomId);
  await requireOwnerOrAdmin(tx, ctx, room);
  const waiting = await tx.listSeatApplications(ctx.appId, input.roomId);
  const app = waiting.find((a) => a.userId === input.userId);
  if (app === undefined)
    throw new LiveError(100204, `${input.userId} has not applied for a seat in room ${input.roomId}`);
  await tx.removeSeatApplication(ctx.appId, input.roomId, input.userId);
  if (!input.accept) return undefined;
  return takeSeat(tx, ctx, { roomId: input.roomId, userId: input.userId, index: app.index });
}

/** A member withdraws their own application (100204 when there is none). */
export async function cancelSeatApplication(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string },
): Promise<void> {
  await requireSeatRoom(tx, ctx.appId, input.roomId);
  const waiting = await tx.listSeatApplications(ctx.appId, input.roomId);
  if (!waiting.some((a) => a.userId === ctx.operator))
    throw new LiveError(100204, `${ctx.operator} has not applied for a seat in room ${input.roomId}`);
  await tx.removeSeatApplication(ctx.appId, input.roomId, ctx.operator);
}

/** The client path's rule for what the owner and admins may do (Tencent client code -2301). */
export async function requireOwnerOrAdmin(tx: StoreTx, ctx: OpContext, room: RoomRecord): Promise<void> {
  if (room.Owner_Account === ctx.operator) return;
  if ((await tx.listAdmins(ctx.appId, room.RoomId)).includes(ctx.operator)) return;
  throw new LiveError(100006, `only the owner or an admin of room ${room.RoomId} may do this`, {
    clientCode: -2301,
  });
}
