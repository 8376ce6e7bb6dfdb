import type { RoomEventPacket, OptPlatform } from "@roomhook/protocol";
import type { RoomRecord } from "../rooms/room.ts";
import type { WriteCommand, WriteResult } from "../rooms/write-commands.ts";

/** A room event as it is appended: the packet is exactly the callback Tencent documents for it. */
export interface RoomEventInput {
  appId: number;
  roomId: string;
  packet: RoomEventPacket;
  operator: string;
  platform: OptPlatform;
  clientIp: string;
  timeMs: number;
}

export interface StoredRoomEvent extends RoomEventInput {
  /** Per-room sequence number, from 1, never reused (it survives destroy and re-create of a room id). */
  seq: number;
  /** Stable event id: the same on every delivery attempt of this event. */
  eventId: string;
}

export interface BanEntry {
  userId: string;
  /** Unix seconds. */
  bannedUntil: number;
  reason: string;
}

export interface RoomListCursor {
  viewCount: number;
  roomId: string;
}

/**
 * What room rules may do inside one transaction. Implementations: SQLite (sync underneath, answered
 * with resolved promises), PostgreSQL. A rule that throws has all its writes rolled back, alone.
 */
export interface RoomTx {
  getRoom(appId: number, roomId: string): Promise<RoomRecord | undefined>;
  /** The owner alone: the owner change's hot path needs no other field. */
  getOwner(appId: number, roomId: string): Promise<string | undefined>;
  insertRoom(appId: number, room: RoomRecord): Promise<void>;
  /** Writes every field of the record. */
  updateRoom(appId: number, room: RoomRecord): Promise<void>;
  setOwner(appId: number, roomId: string, owner: string): Promise<void>;
  /** Deletes the room with its admins and bans; its events and sequence stay. */
  deleteRoom(appId: number, roomId: string): Promise<void>;
  listAdmins(appId: number, roomId: string): Promise<string[]>;
  addAdmins(appId: number, roomId: string, userIds: string[]): Promise<void>;
  removeAdmins(appId: number, roomId: string, userIds: string[]): Promise<void>;
  /** Bans still in force at nowSec, ordered by user id. */
  listBans(appId: number, roomId: string, nowSec: number, offset: number, limit: number): Promise<BanEntry[]>;
  isBanned(appId: number, roomId: string, userId: string, nowSec: number): Promise<boolean>;
  putBans(appId: number, roomId: string, bans: BanEntry[]): Promise<void>;
  removeBans(appId: number, roomId: string, userIds: string[]): Promise<void>;
  /** Public rooms by ViewCount descending then RoomId, after the cursor. */
  listPublicRooms(appId: number, after: RoomListCursor | undefined, limit: number): Promise<RoomRecord[]>;
  /** Appends a room event with the room's next sequence number (the outbox row joins it here). */
  appendEvent(event: RoomEventInput): Promise<StoredRoomEvent>;
  /** Events of a room after a sequence number, oldest first. */
  listEvents(appId: number, roomId: string, afterSeq: number, limit: number): Promise<StoredRoomEvent[]>;
}

export interface Store {
  /** Reads from committed state only. */
  read<T>(fn: (tx: RoomTx) => Promise<T>): Promise<T>;
  /** Runs a command in a durable transaction (group-committed with others); resolves after the commit. */
  write<C extends WriteCommand>(cmd: C): Promise<WriteResult<C>>;
  close(): Promise<void>;
}
