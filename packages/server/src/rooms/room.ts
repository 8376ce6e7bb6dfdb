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
