import { ROOM_ID_MAX_BYTES } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import { roomListEntry } from "../rooms/room-info.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { StoredRoomEvent } from "../store/store.ts";
import type { RestCommand } from "./live-engine-api.ts";

/**
 * `roomhook_room`: roomhook's extension service for what an operator looks up (the console uses it),
 * with the same authentication as every REST call: rooms by a part of their id (every room, public or
 * not; get_room_list lists public ones by popularity), a room's history (every event, called back or
 * not, and after the room was destroyed), and the app's events as they are written (the live tail).
 */

const PAGE_MAX = 100;
const SEARCH_MAX = 100;

/** A room event as the answers show it: when, by whom, from where, and the packet Tencent documents. */
export function eventView(e: StoredRoomEvent) {
  return {
    Sequence: e.seq,
    EventId: e.eventId,
    CallbackCommand: e.packet.CallbackCommand,
    Time: e.timeMs,
    Operator_Account: e.operator,
    OptPlatform: e.platform,
    ClientIP: e.clientIp,
    Packet: e.packet,
  };
}

/** search_rooms' cursor: the last room id of the page, opaque to the caller. */
function encodeCursor(roomId: string): string {
  return Buffer.from(JSON.stringify(["r", roomId])).toString("base64url");
}

function decodeCursor(next: string): string {
  if (next === "") return "";
  try {
    const v: unknown = JSON.parse(Buffer.from(next, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && v[0] === "r" && typeof v[1] === "string") return v[1];
  } catch {
    // fall through
  }
  throw new LiveError(100002, "Next is not a cursor returned by search_rooms");
}

export function roomApi(store: RoomStore): Record<string, RestCommand> {
  return {
    /** Rooms whose id contains `Text` (case-sensitive; every room when absent or empty), by id. */
    async search_rooms(ctx, body) {
      const text = body.string("Text", { maxBytes: ROOM_ID_MAX_BYTES }) ?? "";
      const limit = body.int("Limit", { min: 1, max: SEARCH_MAX }) ?? 20;
      const after = decodeCursor(body.string("Next", { maxBytes: 1024 }) ?? "");
      const rooms = await store.read((tx) => tx.searchRooms(ctx.appId, text, after, limit + 1));
      const page = rooms.slice(0, limit);
      const last = page[page.length - 1];
      return {
        RoomList: page.map((r) => ({
          ...roomListEntry(r),
          RoomType: r.RoomType,
          IsPublicVisible: r.IsPublicVisible,
        })),
        Next: rooms.length > limit && last !== undefined ? encodeCursor(last.RoomId) : "",
      };
    },

    /**
     * A room's events in sequence order after `AfterSequence`, only those of `CallbackCommand` when
     * given (`Live.CallbackAfterChangeOwner`: its owner history).
     */
    async get_room_events(ctx, body) {
      const roomId = body.roomId();
      const after = body.int("AfterSequence", { min: 0 }) ?? 0;
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? PAGE_MAX;
      const command = body.string("CallbackCommand", { minBytes: 1, maxBytes: 100 });
      const rows = await store.read((tx) =>
        command === undefined
          ? tx.listEvents(ctx.appId, roomId, after, limit + 1)
          : tx.listEventsOf(ctx.appId, roomId, command, after, limit + 1),
      );
      return { EventList: rows.slice(0, limit).map(eventView), HasMore: rows.length > limit };
    },

    /**
     * The app's events in every room, in the order they were written, after `AfterId` (an `Id` of an
     * earlier answer, or its `LastId`); without it, the newest `Limit`. `LastId` is where to go on from.
     * On PostgreSQL with several processes, ids are taken before commit: an event whose transaction
     * commits after a later id was read can be passed over here (never in get_room_events).
     */
    async get_event_feed(ctx, body) {
      const after = body.int("AfterId", { min: 0 });
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? PAGE_MAX;
      const rows = await store.read((tx) => tx.listAppEvents(ctx.appId, after, limit + 1));
      // Newest first, the read took one extra at the old end; after a cursor, at the new end.
      const page = after === undefined ? rows.slice(-limit) : rows.slice(0, limit);
      return {
        EventList: page.map((e) => ({ Id: e.row, RoomId: e.roomId, ...eventView(e) })),
        LastId: page[page.length - 1]?.row ?? after ?? 0,
        HasMore: after !== undefined && rows.length > limit,
      };
    },
  };
}
