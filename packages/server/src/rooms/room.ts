import type { TakeSeatMode } from "@roomhook/protocol";

/** A room as stored, in Tencent's field names (they are what every API and callback speaks). */
export interface RoomRecord {
  RoomId: string;
  RoomType: "Live";
  RoomName: string;
  Owner_Account: string;
  MaxMemberCount: number;
  CoverURL: string;
  IsMessageDisabled: boolean;
  Category: number[];
  IsPublicVisible: boolean;
  IsSeatEnabled: boolean;
  TakeSeatMode: TakeSeatMode;
  MaxSeatCount: number;
  ActivityStatus: number;
  IsUnlimitedRoomEnabled: boolean;
  CustomInfo: string;
  BackgroundURL: string;
  Notice: string;
  SeatLayoutTemplateId?: number;
  /** The seat layout of create_room's current page (63401), when it was given. */
  SeatTemplate?: string;
  /** Unix seconds. */
  CreateTime: number;
  ViewCount: number;
}

/** Who did something, from where, and when: the operator side of every room event. */
export interface OpContext {
  appId: number;
  operator: string;
  platform: import("@roomhook/protocol").OptPlatform;
  clientIp: string;
  nowMs: number;
  /** The gateway node (server process) that holds the operator's connection, on the client path. */
  node?: string;
}

/**
 * What an app's configuration decides about its rooms (config.ts `apps[].rooms`), handed to the rules
 * in each command's data: the rules run where the store runs them (SQLite's writer thread).
 */
export interface RoomPolicy {
  /** Rooms the app may hold at once (100013 past it); 0: no limit. */
  maxRooms: number;
  /** Words that make a room's name or texts answer 100026 (Tencent's content moderation). */
  blockedWords: string[];
  /** Owners, members and robots must be imported Chat accounts (70107 otherwise). */
  requireAccounts: boolean;
}

export const DEFAULT_ROOM_POLICY: RoomPolicy = { maxRooms: 0, blockedWords: [], requireAccounts: false };
