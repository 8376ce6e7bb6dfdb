import type { OpContext, RoomRecord } from "../../src/rooms/room.ts";

/** A complete room record as the rules store it (store-level tests write rooms without the REST layer). */
export function testRoom(id: string, owner = "o0", fields: Partial<RoomRecord> = {}): RoomRecord {
  return {
    RoomId: id,
    RoomType: "Live",
    RoomName: id,
    Owner_Account: owner,
    MaxMemberCount: 10,
    CoverURL: "",
    IsMessageDisabled: false,
    Category: [],
    IsPublicVisible: true,
    IsSeatEnabled: false,
    TakeSeatMode: "None",
    MaxSeatCount: 0,
    ActivityStatus: 0,
    IsUnlimitedRoomEnabled: false,
    CustomInfo: "",
    BackgroundURL: "",
    Notice: "",
    CreateTime: 1,
    ViewCount: 0,
    ...fields,
  };
}

export const TEST_NOW = 1_700_000_000_000;

/** An admin's REST context in app 1 at TEST_NOW. */
export const adminContext: OpContext = {
  appId: 1,
  operator: "admin",
  platform: "RESTAPI",
  clientIp: "127.0.0.1",
  nowMs: TEST_NOW,
};
