import type {
  AfterCreateRoom,
  AfterDestroyRoom,
  AfterUpdateRoomInfo,
  TakeSeatMode,
} from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { FieldReader } from "./field-reader.ts";
import type { RoomRecord } from "./room.ts";

/** Field limits of Tencent's create_room / update_room_info pages, and our defaults where it has none. */
export const roomLimits = {
  roomNameBytes: 100,
  coverUrlBytes: 200,
  backgroundUrlBytes: 200,
  noticeBytes: 100,
  customInfoBytes: 2048,
  maxCategories: 3,
  maxMemberCount: 100_000_000,
  maxSeatCount: 1000,
  defaultMaxMemberCount: 1000,
  defaultMaxSeatCount: 10,
} as const;

/**
 * create_room's `SeatTemplate` (Tencent 63401; the values are those of Tencent's TUILiveKit_Manager):
 * the seats a template gives. Audio templates take `MaxSeatCount` (default defaultMaxSeatCount);
 * video templates have a fixed count, and the page applies MaxSeatCount to audio rooms only.
 */
export const seatTemplates: Record<string, number | "audio"> = {
  VideoDynamicGrid9Seats: 9,
  VideoDynamicFloat7Seats: 7,
  VideoFixedGrid9Seats: 9,
  VideoFixedFloat7Seats: 7,
  VideoLandscape4Seat: 4,
  AudioSalon: "audio",
  Karaoke: "audio",
};

const TAKE_SEAT_MODES = ["None", "FreeToTake", "ApplyToTake"] as const satisfies readonly TakeSeatMode[];

const tooManyTags = (): never => {
  throw new LiveError(100009, `RoomInfo.Category must hold at most ${roomLimits.maxCategories} tags`);
};

/** The optional fields both create_room and update_room_info take. */
function readMutableFields(r: FieldReader): Partial<RoomRecord> {
  const out: Partial<RoomRecord> = {};
  const set = <K extends keyof RoomRecord>(k: K, v: RoomRecord[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("RoomName", r.string("RoomName", { maxBytes: roomLimits.roomNameBytes }));
  set("MaxMemberCount", r.int("MaxMemberCount", { min: 1, max: roomLimits.maxMemberCount }));
  set("IsMessageDisabled", r.bool("IsMessageDisabled"));
  set("CoverURL", r.string("CoverURL", { maxBytes: roomLimits.coverUrlBytes }));
  set("Category", r.intList("Category", { maxItems: roomLimits.maxCategories, tooMany: tooManyTags }));
  set("ActivityStatus", r.int("ActivityStatus", { min: 0, max: 0xffffffff }));
  set("IsPublicVisible", r.bool("IsPublicVisible"));
  set("TakeSeatMode", r.oneOf("TakeSeatMode", TAKE_SEAT_MODES));
  set("Notice", r.string("Notice", { maxBytes: roomLimits.noticeBytes }));
  set("CustomInfo", r.string("CustomInfo", { maxBytes: roomLimits.customInfoBytes }));
  set("BackgroundURL", r.string("BackgroundURL", { maxBytes: roomLimits.backgroundUrlBytes }));
  return out;
}

/** create_room's `RoomInfo`, completed with defaults (docs/compat.md lists them). */
export function readNewRoom(r: FieldReader, opts: { defaultOwner: string; nowSec: number }): RoomRecord {
  const RoomId = r.roomId();
  if (r.has("RoomType") && r.string("RoomType") !== "Live") {
    throw new LiveError(100015, `RoomInfo.RoomType must be "Live"`);
  }
  r.string("RoomType", { required: true });
  const owner = r.userId("Owner_Account") ?? opts.defaultOwner;
  const template = r.oneOf("SeatTemplate", Object.keys(seatTemplates));
  const templateSeats = template === undefined ? undefined : seatTemplates[template];
  const seatSwitch = r.bool("IsSeatEnabled");
  if (template !== undefined && seatSwitch === false)
    throw new LiveError(100002, "RoomInfo.SeatTemplate gives the room seats: IsSeatEnabled cannot be false");
  const isSeatEnabled = template !== undefined || (seatSwitch ?? false);
  const fields = readMutableFields(r);
  const room: RoomRecord = {
    RoomId,
    RoomType: "Live",
    RoomName: RoomId,
    Owner_Account: owner,
    MaxMemberCount: roomLimits.defaultMaxMemberCount,
    CoverURL: "",
    IsMessageDisabled: false,
    Category: [],
    IsPublicVisible: true,
    IsSeatEnabled: isSeatEnabled,
    TakeSeatMode: isSeatEnabled ? "FreeToTake" : "None",
    MaxSeatCount: isSeatEnabled ? roomLimits.defaultMaxSeatCount : 0,
    ActivityStatus: 0,
    IsUnlimitedRoomEnabled: r.bool("IsUnlimitedRoomEnabled") ?? false,
    CustomInfo: "",
    BackgroundURL: "",
    Notice: "",
    CreateTime: opts.nowSec,
    ViewCount: 0,
    ...fields,
  };
  const seats = r.int("MaxSeatCount", { min: 0, max: roomLimits.maxSeatCount });
  if (typeof templateSeats === "number") room.MaxSeatCount = templateSeats;
  else if (seats !== undefined && isSeatEnabled) room.MaxSeatCount = seats;
  // A room without seats has none, whatever MaxSeatCount said; a room with seats has at least one.
  if (isSeatEnabled && room.MaxSeatCount === 0)
    throw new LiveError(100002, "RoomInfo.MaxSeatCount must be at least 1 in a room with seats");
  if (template !== undefined) room.SeatTemplate = template;
  const layout = r.int("SeatLayoutTemplateId", { min: 0, max: 0x7fffffff });
  if (layout !== undefined) room.SeatLayoutTemplateId = layout;
  return room;
}

/** update_room_info's changes; at least one field must be set. */
export function readRoomUpdate(r: FieldReader): { roomId: string; changes: Partial<RoomRecord> } {
  const roomId = r.roomId();
  const changes = readMutableFields(r);
  if (Object.keys(changes).length === 0) {
    throw new LiveError(100002, "RoomInfo must set at least one field besides RoomId");
  }
  return { roomId, changes };
}

/** get_room_info's `Response.RoomInfo`. */
export function roomInfoView(room: RoomRecord) {
  const view = {
    RoomId: room.RoomId,
    RoomName: room.RoomName,
    RoomType: room.RoomType,
    Owner_Account: room.Owner_Account,
    CreateTime: room.CreateTime,
    IsSeatEnabled: room.IsSeatEnabled,
    TakeSeatMode: room.TakeSeatMode,
    MaxSeatCount: room.MaxSeatCount,
    MaxMemberCount: room.MaxMemberCount,
    IsMessageDisabled: room.IsMessageDisabled,
    CoverURL: room.CoverURL,
    Category: room.Category,
    ActivityStatus: room.ActivityStatus,
    ViewCount: room.ViewCount,
    IsPublicVisible: room.IsPublicVisible,
    IsUnlimitedRoomEnabled: room.IsUnlimitedRoomEnabled,
    CustomInfo: room.CustomInfo,
    BackgroundURL: room.BackgroundURL,
    Notice: room.Notice,
  };
  return {
    ...view,
    ...(room.SeatLayoutTemplateId === undefined ? {} : { SeatLayoutTemplateId: room.SeatLayoutTemplateId }),
    ...(room.SeatTemplate === undefined ? {} : { SeatTemplate: room.SeatTemplate }),
  };
}

/** get_room_list's entries. */
export function roomListEntry(room: RoomRecord) {
  return {
    RoomId: room.RoomId,
    RoomName: room.RoomName,
    Owner_Account: room.Owner_Account,
    CoverURL: room.CoverURL,
    Category: room.Category,
    CreateTime: room.CreateTime,
    ActivityStatus: room.ActivityStatus,
    ViewCount: room.ViewCount,
  };
}

/** The `RoomInfo` of Live.CallbackAfterCreateRoom: exactly the documented keys. */
export function createRoomInfo(room: RoomRecord): AfterCreateRoom["RoomInfo"] {
  return {
    RoomId: room.RoomId,
    RoomName: room.RoomName,
    RoomType: room.RoomType,
    Owner_Account: room.Owner_Account,
    MaxMemberCount: room.MaxMemberCount,
    IsMessageDisabled: room.IsMessageDisabled,
    CustomInfo: room.CustomInfo,
    IsSeatEnabled: room.IsSeatEnabled,
    TakeSeatMode: room.TakeSeatMode,
    MaxSeatCount: room.MaxSeatCount,
    CreateTime: room.CreateTime,
    IsPublicVisible: room.IsPublicVisible,
    CoverURL: room.CoverURL,
    Category: room.Category,
  };
}

/** The `RoomInfo` of Live.CallbackAfterDestroyRoom: exactly the documented keys (plus RoomId, as captured). */
export function destroyRoomInfo(room: RoomRecord): AfterDestroyRoom["RoomInfo"] {
  return {
    RoomId: room.RoomId,
    RoomName: room.RoomName,
    RoomType: room.RoomType,
    Owner_Account: room.Owner_Account,
    IsSeatEnabled: room.IsSeatEnabled,
    TakeSeatMode: room.TakeSeatMode,
    MaxMemberCount: room.MaxMemberCount,
    MaxSeatCount: room.MaxSeatCount,
    Category: room.Category,
    CustomInfo: room.CustomInfo,
    IsMessageDisabled: room.IsMessageDisabled,
    CoverURL: room.CoverURL,
    ActivityStatus: room.ActivityStatus,
    IsPublicVisible: room.IsPublicVisible,
    ViewCount: room.ViewCount,
    BackgroundURL: room.BackgroundURL,
    IsUnlimitedRoomEnabled: room.IsUnlimitedRoomEnabled,
  };
}

export function updateRoomInfo(
  roomId: string,
  changes: Partial<RoomRecord>,
): AfterUpdateRoomInfo["RoomInfo"] {
  const { RoomId: _ignored, ...rest } = changes;
  return { RoomId: roomId, ...(rest as Omit<AfterUpdateRoomInfo["RoomInfo"], "RoomId">) };
}
