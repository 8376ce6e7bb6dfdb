import { test } from "node:test";
import assert from "node:assert/strict";
import { callbackSchemas } from "@roomhook/protocol";
import { createReceiver } from "./verify.ts";
import { OwnerMirror } from "./owner-mirror.ts";

/**
 * The samples of Tencent's callback pages for the rest of the room API (issue 12), as Tencent prints
 * them (ids as numbers where the page has them so): each verifies and parses into its typed packet.
 * Pages: 68222, 68223, 70485, 64425, 64423 (DestroyBySystem), 64424.
 */
const samples: Record<string, Record<string, unknown>> = {
  "Live.CallbackAfterSetMetadata": {
    CallbackCommand: "Live.CallbackAfterSetMetadata",
    Operator_Account: "brennanli",
    RoomId: "live-room1111",
    Metadata: [
      { Key: "key1", Value: "value1" },
      { Key: "key2", Value: "value2" },
    ],
    EventTime: 1739965885831,
  },
  "Live.CallbackAfterDelMetadata": {
    CallbackCommand: "Live.CallbackAfterDelMetadata",
    Operator_Account: "brennanli",
    RoomId: "live-room1111",
    Keys: ["key1", "key2"],
    EventTime: 1739966441121,
  },
  "Live.CallbackAfterCreateRoomReachingThreshold": {
    CallbackCommand: "Live.CallbackAfterCreateRoomReachingThreshold",
    Operator_Account: "brennanli",
    EventTime: 1739966441121,
    CurRoomCount: 400,
    MaxRoomCount: 500,
  },
  "Mic.CallbackAfterSeatInfoChanged": {
    CallbackCommand: "Mic.CallbackAfterSeatInfoChanged",
    RoomId: "rid-123",
    SeatList: [
      {
        Index: 1,
        Member_Account: 1441152337757276,
        IsTakenDisabled: false,
        IsVideoDisabled: false,
        IsAudioDisabled: false,
      },
    ],
    EventTime: 1670574414123,
  },
  "Live.CallbackAfterDestroyRoom": {
    CallbackCommand: "Live.CallbackAfterDestroyRoom",
    Operator_Account: "@TIM#SYSTEM",
    RoomId: "tandy-test-rest",
    EventType: "DestroyBySystem",
    EventTime: 1703589922780,
    RoomInfo: {
      RoomName: "live name",
      RoomType: "Live",
      Owner_Account: 14411521663166782,
      IsSeatEnabled: true,
      TakeSeatMode: "FreeToTake",
      MaxMemberCount: 400,
      MaxSeatCount: 4,
      Category: [1, 2, 3],
      CustomInfo: "",
      IsMessageDisabled: false,
      CoverURL: "cover url",
      ActivityStatus: 0,
      IsPublicVisible: false,
      ViewCount: 0,
      BackgroundURL: "background url",
      IsUnlimitedRoomEnabled: true,
    },
    Statistic: {
      TotalViewers: 0,
      TotalGiftsSent: 0,
      TotalGiftCoins: 0,
      TotalUniqueGiftSenders: 0,
      TotalLikesReceived: 0,
    },
  },
  "Live.CallbackAfterMemberStateChanged": {
    CallbackCommand: "Live.CallbackAfterMemberStateChanged",
    RoomId: "room-1",
    EventType: "Offline",
    EventCause: "Leave",
    MemberList: [{ Member_Account: "bot1" }, { Member_Account: 14411521663166782 }],
    EventTime: 1703589922780,
  },
};

const receiver = createReceiver({ sdkAppId: 1400000000 });
/** The page's seat sample as Tencent prints it: an 18-digit id as a bare number (past 2^53). */
const SEAT_SAMPLE_TEXT = `{"CallbackCommand":"Mic.CallbackAfterSeatInfoChanged","RoomId":"rid-123",
  "SeatList":[{"Index":1,"Member_Account":144115233775727695,"IsTakenDisabled":false,"IsVideoDisabled":false,
  "IsAudioDisabled":false}],"EventTime":1670574414123}`;
const verify = (packet: Record<string, unknown> | string) => {
  const body = typeof packet === "string" ? packet : JSON.stringify(packet);
  const command = (JSON.parse(body) as { CallbackCommand: string }).CallbackCommand;
  return receiver.verify({
    url: `/cb?SdkAppid=1400000000&CallbackCommand=${command}&contenttype=json&ClientIP=1.2.3.4&OptPlatform=Web`,
    body,
  });
};

test("each documented sample parses into its typed packet, numeric accounts as strings", () => {
  for (const [command, packet] of Object.entries(samples)) {
    assert.ok(Object.hasOwn(callbackSchemas, command), `${command} has a schema`);
    const cb = verify(packet);
    assert.equal(cb.command, command);
  }
  const seat = verify(SEAT_SAMPLE_TEXT);
  assert.ok(seat.command === "Mic.CallbackAfterSeatInfoChanged");
  assert.equal(seat.packet.SeatList[0]?.Member_Account, "144115233775727695");
  const meta = verify(samples["Live.CallbackAfterSetMetadata"]!);
  assert.ok(meta.command === "Live.CallbackAfterSetMetadata");
  assert.deepEqual(meta.packet.Metadata[1], { Key: "key2", Value: "value2" });
  const alert = verify(samples["Live.CallbackAfterCreateRoomReachingThreshold"]!);
  assert.ok(alert.command === "Live.CallbackAfterCreateRoomReachingThreshold");
  assert.equal(alert.packet.CurRoomCount / alert.packet.MaxRoomCount, 0.8);
});

test("a wrong shape is refused: a Metadata entry without Value, a SeatList without Index", () => {
  const bad = (p: Record<string, unknown>) => {
    try {
      verify(p);
      return "accepted";
    } catch (e) {
      return (e as { reason: string }).reason;
    }
  };
  assert.equal(
    bad({ ...samples["Live.CallbackAfterSetMetadata"], Metadata: [{ Key: "k" }] }),
    "body-invalid",
  );
  assert.equal(
    bad({ ...samples["Mic.CallbackAfterSeatInfoChanged"], SeatList: [{ Member_Account: "a" }] }),
    "body-invalid",
  );
});

test("OwnerMirror: a room dissolved by the system is gone, as one destroyed by a user", () => {
  const m = new OwnerMirror();
  m.apply({
    command: "Live.CallbackAfterCreateRoom",
    packet: {
      CallbackCommand: "Live.CallbackAfterCreateRoom",
      Operator_Account: "admin",
      RoomInfo: {
        RoomId: "tandy-test-rest",
        RoomName: "r",
        RoomType: "Live",
        Owner_Account: "alice",
        MaxMemberCount: 1,
        IsMessageDisabled: false,
        CustomInfo: "",
        IsSeatEnabled: false,
        TakeSeatMode: "None",
        MaxSeatCount: 0,
        CreateTime: 1,
        IsPublicVisible: true,
        CoverURL: "",
        Category: [],
      },
      EventTime: 1703589922000,
    },
    sdkAppId: 1400000000,
  });
  assert.equal(m.isDestroyed("tandy-test-rest"), false);
  m.apply(verify(samples["Live.CallbackAfterDestroyRoom"]!));
  assert.equal(m.isDestroyed("tandy-test-rest"), true);
});

test("a message whose EventTime is a string of digits (as Tencent's sample writes it) parses with a number", () => {
  const cb = verify({
    CallbackCommand: "Group.CallbackBeforeSendMsg",
    GroupId: "live-room1111",
    Type: "Live",
    From_Account: "leckie",
    Operator_Account: "leckie",
    Random: 123456,
    MsgId: "144115233775727695-1739965885-123456",
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "red packet" } }],
    CloudCustomData: "",
    EventTime: "1739965885831",
  });
  assert.ok(cb.command === "Group.CallbackBeforeSendMsg");
  assert.equal(cb.packet.EventTime, 1739965885831);
});
