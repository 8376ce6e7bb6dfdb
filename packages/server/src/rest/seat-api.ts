import type { RoomStore } from "../rooms/commands.ts";
import { requireSeatRoom, seatList, callbackSeats } from "../rooms/seats.ts";
import { roomLimits } from "../rooms/room-info.ts";
import type { RestCommand } from "./live-engine-api.ts";

/**
 * `room_engine_http_mic`: a Live room's seats (Tencent pages 64427-64430, 72685). Seats are indexed
 * from 0 (`Index`; move_user_to_seat calls it `SeatIndex`); lock_seat's request says ForbidTaken,
 * ForbidVideo, ForbidAudio where answers and callbacks say IsTakenDisabled, IsVideoDisabled,
 * IsAudioDisabled (Tencent's names).
 */
export function seatApi(store: RoomStore): Record<string, RestCommand> {
  const index = (body: Parameters<RestCommand>[1], field = "Index") =>
    body.int(field, { required: true, min: 0, max: roomLimits.maxSeatCount - 1 });
  return {
    async get_seat_list(ctx, body) {
      const roomId = body.roomId();
      const seats = await store.read(async (tx) => {
        const room = await requireSeatRoom(tx, ctx.appId, roomId);
        return seatList(tx, ctx.appId, room);
      });
      return { SeatList: callbackSeats(seats) };
    },

    async pick_user_on_seat(ctx, body) {
      const roomId = body.roomId();
      const userId = body.userId("Member_Account", { required: true });
      await store.write({ op: "pickSeat", ctx, roomId, userId, index: index(body) });
      return undefined;
    },

    async kick_user_off_seat(ctx, body) {
      const roomId = body.roomId();
      const userId = body.userId("Member_Account", { required: true });
      // The page marks Data mandatory; Tencent's own console leaves it out: optional here.
      body.string("Data", { maxBytes: 1024 });
      await store.write({ op: "kickSeat", ctx, roomId, userId });
      return undefined;
    },

    async lock_seat(ctx, body) {
      const roomId = body.roomId();
      const i = index(body);
      const locks = {
        isLocked: body.bool("ForbidTaken"),
        isVideoLocked: body.bool("ForbidVideo"),
        isAudioLocked: body.bool("ForbidAudio"),
      };
      await store.write({ op: "lockSeat", ctx, roomId, index: i, locks });
      return undefined;
    },

    async move_user_to_seat(ctx, body) {
      const roomId = body.roomId();
      const userId = body.userId("Member_Account", { required: true });
      const i = index(body, "SeatIndex");
      const policy = body.int("Policy", { required: true, min: 0, max: 2 }) as 0 | 1 | 2;
      await store.write({ op: "moveSeat", ctx, roomId, userId, index: i, policy });
      return undefined;
    },
  };
}
