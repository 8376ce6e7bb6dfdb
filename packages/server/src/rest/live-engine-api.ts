import { LiveError } from "../live-error.ts";
import type { FieldReader } from "../rooms/field-reader.ts";
import type { OpContext } from "../rooms/room.ts";
import { readNewRoom, readRoomUpdate, roomInfoView, roomListEntry } from "../rooms/room-info.ts";
import { requireRoom } from "../rooms/room-lifecycle.ts";
import type { RoomListCursor } from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";

/** A REST command: reads its body, does its work, returns the `Response` payload (or nothing). */
export type RestCommand = (ctx: OpContext, body: FieldReader) => Promise<unknown>;

/** Tencent: get_room_list takes Count <= 20; ban lists at most 20 accounts per call. */
const ROOM_LIST_MAX = 20;
const BAN_LIST_MAX = 20;
const BANNED_PAGE_MAX = 100;
const MAX_BAN_SECONDS = 10 * 365 * 24 * 3600;

function encodeCursor(c: RoomListCursor): string {
  return Buffer.from(JSON.stringify([c.viewCount, c.roomId])).toString("base64url");
}

function decodeCursor(next: string): RoomListCursor | undefined {
  if (next === "") return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(next, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === "string") {
      return { viewCount: v[0] as number, roomId: v[1] };
    }
  } catch {
    // fall through
  }
  throw new LiveError(100002, "Next is not a cursor returned by get_room_list");
}

/** `live_engine_http_srv`: rooms, owner, admins, bans (Tencent: Live RESTful API list). */
export function liveEngineApi(store: RoomStore): Record<string, RestCommand> {
  return {
    async create_room(ctx, body) {
      const room = readNewRoom(body.object("RoomInfo"), {
        defaultOwner: ctx.operator,
        nowSec: Math.floor(ctx.nowMs / 1000),
      });
      await store.write({ op: "createRoom", ctx, room });
      return undefined;
    },

    async destroy_room(ctx, body) {
      const roomId = body.roomId();
      const event = await store.write({ op: "destroyRoom", ctx, roomId });
      return event.packet.CallbackCommand === "Live.CallbackAfterDestroyRoom"
        ? { Statistic: event.packet.Statistic }
        : undefined;
    },

    async update_room_info(ctx, body) {
      const update = readRoomUpdate(body.object("RoomInfo"));
      await store.write({ op: "updateRoom", ctx, roomId: update.roomId, changes: update.changes });
      return undefined;
    },

    async get_room_info(ctx, body) {
      const roomId = body.roomId();
      const room = await store.read((tx) => requireRoom(tx, ctx.appId, roomId));
      return { RoomInfo: roomInfoView(room) };
    },

    async get_room_list(ctx, body) {
      const after = decodeCursor(body.string("Next", { maxBytes: 1024 }) ?? "");
      const count = body.int("Count", { min: 1, max: ROOM_LIST_MAX }) ?? ROOM_LIST_MAX;
      const rooms = await store.read((tx) => tx.listPublicRooms(ctx.appId, after, count + 1));
      const page = rooms.slice(0, count);
      const last = page[page.length - 1];
      const more = rooms.length > count && last !== undefined;
      return {
        Next: more ? encodeCursor({ viewCount: last.ViewCount, roomId: last.RoomId }) : "",
        RoomList: page.map(roomListEntry),
      };
    },

    async change_room_owner(ctx, body) {
      const roomId = body.roomId();
      const newOwner = body.userId("NewOwner_Account", { required: true });
      await store.write({ op: "changeOwner", ctx, input: { roomId, newOwner } });
      return undefined;
    },

    async modify_admin(ctx, body) {
      const roomId = body.roomId();
      const userIds = body.userIdList("Admin_Account", { maxItems: 20 });
      const opType = body.oneOf("OpType", ["add", "delete"] as const, { required: true });
      await store.write({ op: "modifyAdmins", ctx, roomId, userIds, opType });
      return undefined;
    },

    async get_admin_list(ctx, body) {
      const roomId = body.roomId();
      const admins = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return tx.listAdmins(ctx.appId, roomId);
      });
      return { Admin_Account: admins };
    },

    async ban_member(ctx, body) {
      const roomId = body.roomId();
      const userIds = body.userIdList("MemberList_Account", { maxItems: BAN_LIST_MAX });
      const durationSec = body.int("Duration", { required: true, min: 1, max: MAX_BAN_SECONDS });
      const reason = body.string("Reason", { maxBytes: 256 }) ?? "";
      await store.write({ op: "banMembers", ctx, roomId, userIds, durationSec, reason });
      return undefined;
    },

    async unban_member(ctx, body) {
      const roomId = body.roomId();
      const userIds = body.userIdList("MemberList_Account", { maxItems: BAN_LIST_MAX });
      await store.write({ op: "unbanMembers", ctx, roomId, userIds });
      return undefined;
    },

    async get_banned_member_list(ctx, body) {
      const roomId = body.roomId();
      const offset = body.int("Offset", { min: 0, max: 1_000_000 }) ?? 0;
      const limit = body.int("Limit", { min: 1, max: BANNED_PAGE_MAX }) ?? BANNED_PAGE_MAX;
      const nowSec = Math.floor(ctx.nowMs / 1000);
      const bans = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return tx.listBans(ctx.appId, roomId, nowSec, offset, limit + 1);
      });
      const page = bans.slice(0, limit);
      return {
        BannedAccountList: page.map((b) => ({ Member_Account: b.userId, BannedUntil: b.bannedUntil })),
        // Tencent: NextOffset 0 means there is nothing more.
        NextOffset: bans.length > limit ? offset + limit : 0,
      };
    },
  };
}
