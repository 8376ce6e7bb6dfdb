import { LiveError } from "../live-error.ts";
import type { FieldReader } from "../rooms/field-reader.ts";
import type { OpContext } from "../rooms/room.ts";
import { readNewRoom, readRoomUpdate, roomInfoView, roomListEntry } from "../rooms/room-info.ts";
import { requireRoom, roomStats } from "../rooms/room-lifecycle.ts";
import { metadataLimits } from "../rooms/metadata.ts";
import { listRobots } from "../rooms/robots.ts";
import { messageLimits } from "../rooms/room-message.ts";
import type { Messenger } from "../rooms/messenger.ts";
import type { MsgElem } from "@roomhook/protocol";
import { DEFAULT_ROOM_POLICY, type RoomPolicy } from "../rooms/room.ts";
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

/**
 * Tencent's first page is `Next: ""`; its own admin console (TUILiveKit_Manager) asks with `"0"`, which
 * Tencent answers as a first page too: both are accepted wherever a `Next` cursor is.
 */
export function isFirstPage(next: string): boolean {
  return next === "" || next === "0";
}

function decodeCursor(next: string): RoomListCursor | undefined {
  if (isFirstPage(next)) return undefined;
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

/** get_member_list's cursor: the last member id of the page, opaque to the caller. */
function encodeMemberCursor(userId: string): string {
  return Buffer.from(JSON.stringify(["m", userId])).toString("base64url");
}

function decodeMemberCursor(next: string): string {
  if (isFirstPage(next)) return "";
  try {
    const v: unknown = JSON.parse(Buffer.from(next, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && v[0] === "m" && typeof v[1] === "string") return v[1];
  } catch {
    // fall through
  }
  throw new LiveError(100002, "Next is not a cursor returned by get_member_list");
}

/** Tencent (66908): get_member_list answers at most 1000 members at a time. */
const MEMBER_PAGE_MAX = 1000;
/** mute_member and the robot calls: accounts per call (Tencent publishes none; ban_member's 20 is too few for robots). */
const MUTE_LIST_MAX = 20;
const ROBOT_LIST_MAX = 100;
const MUTED_PAGE_MAX = 1000;

/**
 * The message of send_text_msg (74353) and send_custom_msg (74354) as a Chat message body: a
 * TIMTextElem with ExtensionInfo as its CloudCustomData, or a TIMCustomElem whose Desc is the
 * BusinessId (docs/compat.md).
 */
function readMessage(
  body: FieldReader,
  kind: "text" | "custom",
): { from: string; msgBody: MsgElem[]; cloudCustomData: string } {
  const from = body.userId("Sender_Account", { required: true });
  if (kind === "text") {
    const text = body.string("TextContent", {
      required: true,
      minBytes: 1,
      maxBytes: messageLimits.bodyBytes,
    });
    const ext = body.string("ExtensionInfo", { maxBytes: messageLimits.extensionBytes }) ?? "";
    if (ext !== "") {
      try {
        JSON.parse(ext);
      } catch {
        throw new LiveError(100002, "ExtensionInfo must be a JSON string");
      }
    }
    return { from, msgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: text } }], cloudCustomData: ext };
  }
  const businessId = body.string("BusinessId", { maxBytes: messageLimits.businessIdBytes }) ?? "";
  const data = body.string("Data", { required: true, maxBytes: messageLimits.bodyBytes });
  return {
    from,
    msgBody: [{ MsgType: "TIMCustomElem", MsgContent: { Data: data, Desc: businessId } }],
    cloudCustomData: "",
  };
}

/**
 * `live_engine_http_srv`: rooms, owner, admins, bans, members, mutes, metadata, robots, messages and
 * stats (Tencent: Live RESTful API list). `policyOf` gives each app's room policy (config.ts).
 */
export function liveEngineApi(
  store: RoomStore,
  opts: { messenger: Messenger; policyOf?: (appId: number) => RoomPolicy },
): Record<string, RestCommand> {
  const policyOf = opts.policyOf ?? (() => DEFAULT_ROOM_POLICY);
  const stats: RestCommand = async (ctx, body) => {
    const roomId = body.roomId();
    return store.read((tx) => roomStats(tx, ctx.appId, roomId));
  };
  const sendMessage =
    (kind: "text" | "custom"): RestCommand =>
    async (ctx, body) => {
      const roomId = body.roomId();
      const m = readMessage(body, kind);
      await opts.messenger.send(ctx, { roomId, ...m, byMember: false });
      return undefined;
    };
  return {
    async create_room(ctx, body) {
      const room = readNewRoom(body.object("RoomInfo"), {
        defaultOwner: ctx.operator,
        nowSec: Math.floor(ctx.nowMs / 1000),
      });
      await store.write({ op: "createRoom", ctx, room, policy: policyOf(ctx.appId) });
      // Tencent's current page (63401) answers the room's id.
      return { RoomId: room.RoomId };
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
      await store.write({
        op: "updateRoom",
        ctx,
        roomId: update.roomId,
        changes: update.changes,
        policy: policyOf(ctx.appId),
      });
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
      // Tencent's RoomEngine sibling page (60711) allows a 1000-byte Reason.
      const reason = body.string("Reason", { maxBytes: 1000 }) ?? "";
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

    async get_member_list(ctx, body) {
      const roomId = body.roomId();
      const after = decodeMemberCursor(body.string("Next", { maxBytes: 1024 }) ?? "");
      const [members, count] = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return [
          await tx.listMembers(ctx.appId, roomId, { after, limit: MEMBER_PAGE_MAX + 1 }),
          await tx.countMembers(ctx.appId, roomId),
        ] as const;
      });
      const page = members.slice(0, MEMBER_PAGE_MAX);
      const last = page[page.length - 1];
      return {
        Next: members.length > MEMBER_PAGE_MAX && last !== undefined ? encodeMemberCursor(last.userId) : "",
        MemberCount: count,
        MemberList: page.map((m) => ({ Member_Account: m.userId })),
      };
    },

    async mute_member(ctx, body) {
      const roomId = body.roomId();
      const userIds = body.userIdList("MemberList_Account", { maxItems: MUTE_LIST_MAX });
      const durationSec = body.int("MuteTime", { required: true, min: 0, max: MAX_BAN_SECONDS });
      await store.write({ op: "muteMembers", ctx, roomId, userIds, durationSec });
      return undefined;
    },

    async get_muted_member_list(ctx, body) {
      const roomId = body.roomId();
      // Tencent's page has RoomId only; its console also sends Offset and Limit, honoured when given.
      const offset = body.int("Offset", { min: 0, max: 1_000_000 }) ?? 0;
      const limit = body.int("Limit", { min: 1, max: MUTED_PAGE_MAX }) ?? MUTED_PAGE_MAX;
      const nowSec = Math.floor(ctx.nowMs / 1000);
      const mutes = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return tx.listMutes(ctx.appId, roomId, nowSec, offset, limit);
      });
      return { MutedAccountList: mutes.map((m) => ({ Member_Account: m.userId, MutedUntil: m.mutedUntil })) };
    },

    async set_room_metadata(ctx, body) {
      const roomId = body.roomId();
      const entries = body.metadataList("Metadata");
      await store.write({ op: "setMetadata", ctx, roomId, entries });
      return undefined;
    },

    async get_room_metadata(ctx, body) {
      const roomId = body.roomId();
      // Keys is required by the page; an empty list (or none) answers every key.
      const keys = body.has("Keys") ? body.stringList("Keys", { maxItems: metadataLimits.maxKeys * 10 }) : [];
      const all = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return tx.listMetadata(ctx.appId, roomId);
      });
      const wanted = new Set(keys);
      return { Metadata: keys.length === 0 ? all : all.filter((e) => wanted.has(e.Key)) };
    },

    async del_room_metadata(ctx, body) {
      const roomId = body.roomId();
      const keys = body.stringList("Keys", { maxItems: metadataLimits.maxKeys * 10 });
      if (keys.length === 0) throw new LiveError(100503, "Keys must name at least one key");
      await store.write({ op: "deleteMetadata", ctx, roomId, keys });
      return undefined;
    },

    async add_robot(ctx, body) {
      const roomId = body.roomId();
      const robotIds = body.userIdList("RobotList_Account", { maxItems: ROBOT_LIST_MAX });
      await store.write({ op: "addRobots", ctx, roomId, robotIds, policy: policyOf(ctx.appId) });
      return undefined;
    },

    async del_robot(ctx, body) {
      const roomId = body.roomId();
      const robotIds = body.userIdList("RobotList_Account", { maxItems: ROBOT_LIST_MAX });
      await store.write({ op: "deleteRobots", ctx, roomId, robotIds });
      return undefined;
    },

    async get_robot(ctx, body) {
      const roomId = body.roomId();
      const robots = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, roomId);
        return listRobots(tx, ctx.appId, roomId);
      });
      return { RobotList_Account: robots };
    },

    send_text_msg: sendMessage("text"),
    send_custom_msg: sendMessage("custom"),

    get_room_stats: stats,
    /** The name Tencent's own admin console (TUILiveKit_Manager) calls; the same answer. */
    get_room_statistic: stats,
  };
}
