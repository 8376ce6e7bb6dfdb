import { randomBytes } from "node:crypto";
import type { AfterEndBattle, BattleRoom } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase } from "./room-lifecycle.ts";
import { setOwn } from "./gifts.ts";

/**
 * Battles (PK) between rooms (Tencent: live_engine_http_pk create_battle 68254, set_battle_score
 * 68255, get_battle_info 68256; Live.CallbackAfterCreateBattle / StartBattle / EndBattle 68259-68261).
 * A battle created over REST starts at once (the page has no NeedResponse), lasts `Duration` ms, and
 * ends by itself (the room sweeper): EndBattle with OpType 0. Its events are appended in the caller's
 * room (one lane, in order); every room in the battle is pushed them. A room is in one battle at a time.
 */
export interface Battle {
  BattleId: string;
  Operator_Account: string;
  FromRoomId: string;
  /** The callees that joined (ResultCode 0). */
  ToRoomIdList: string[];
  Duration: number;
  ExtensionInfo: string;
  /** Unix seconds. */
  CreateTime: number;
  StartTime: number;
  /** Unix seconds; set when the battle ended. */
  EndTime?: number;
  /** Scores by room id. */
  Scores: Record<string, number>;
  /** Owners by room id, as they were when the battle started. */
  Owners: Record<string, string>;
  state: "started" | "ended";
}

/** Tencent's per-room results of create_battle: 0 joined, 3 in another battle, 5 system error. */
export type BattleResult = { RoomId: string; ResultCode: 0 | 3 | 5; ResultMessage: string };

/** get_battle_info's Status (Tencent publishes no table; roomhook's: 2 started, 3 ended). */
export const BATTLE_STATUS = { started: 2, ended: 3 } as const;

export const battleLimits = {
  /** ms; Tencent publishes no bound. */
  minDurationMs: 1000,
  maxDurationMs: 24 * 3600 * 1000,
  maxCallees: 8,
  extensionBytes: 1024,
} as const;

export async function readBattle(tx: StoreReader, appId: number, battleId: string): Promise<Battle> {
  const doc = await tx.getBattle(appId, battleId);
  if (doc === undefined) throw new LiveError(100411, `battle ${battleId} does not exist`);
  return JSON.parse(doc) as Battle;
}

async function writeBattle(tx: StoreTx, appId: number, b: Battle): Promise<void> {
  await tx.putBattle(appId, {
    battleId: b.BattleId,
    state: b.state,
    endMs: b.StartTime * 1000 + b.Duration,
    doc: JSON.stringify(b),
  });
}

function room(b: Battle, roomId: string): BattleRoom & { Score: number } {
  const own = <V>(o: Record<string, V>) => (Object.hasOwn(o, roomId) ? o[roomId] : undefined);
  return { RoomId: roomId, Score: own(b.Scores) ?? 0, Owner_Account: own(b.Owners) ?? "" };
}

/** The battle as get_battle_info answers it. */
export function battleInfo(b: Battle) {
  return {
    BattleId: b.BattleId,
    Duration: b.Duration,
    StartTime: b.StartTime,
    EndTime: b.EndTime ?? b.StartTime + Math.ceil(b.Duration / 1000),
    Status: BATTLE_STATUS[b.state],
    FromRoomInfo: room(b, b.FromRoomId),
    ToRoomList: b.ToRoomIdList.map((r) => room(b, r)),
  };
}

/**
 * create_battle: the caller's room must exist and be in no battle (100004, 100415); each callee
 * joins (0), or is in another battle (3), or does not exist (5). With no callee joined: 100412.
 */
export async function createBattle(
  tx: StoreTx,
  ctx: OpContext,
  p: { fromRoomId: string; toRoomIds: string[]; durationMs: number; extensionInfo: string },
): Promise<{ battleId: string; results: BattleResult[] }> {
  const from = await tx.getRoom(ctx.appId, p.fromRoomId);
  if (from === undefined) throw new LiveError(100004, `room ${p.fromRoomId} does not exist`);
  if ((await tx.getRoomBattle(ctx.appId, p.fromRoomId)) !== undefined)
    throw new LiveError(100415, `room ${p.fromRoomId} is in another battle`);
  const results: BattleResult[] = [];
  const owners: Record<string, string> = {};
  setOwn(owners, p.fromRoomId, from.Owner_Account);
  for (const roomId of p.toRoomIds) {
    const r = roomId === p.fromRoomId ? undefined : await tx.getRoom(ctx.appId, roomId);
    if (roomId === p.fromRoomId) {
      results.push({
        RoomId: roomId,
        ResultCode: 5,
        ResultMessage: "the caller's own room cannot be a callee",
      });
    } else if (r === undefined) {
      results.push({ RoomId: roomId, ResultCode: 5, ResultMessage: `room ${roomId} does not exist` });
    } else if ((await tx.getRoomBattle(ctx.appId, roomId)) !== undefined) {
      results.push({ RoomId: roomId, ResultCode: 3, ResultMessage: `room ${roomId} is in another battle` });
    } else {
      results.push({ RoomId: roomId, ResultCode: 0, ResultMessage: "" });
      setOwn(owners, roomId, r.Owner_Account);
    }
  }
  const joined = results.filter((r) => r.ResultCode === 0).map((r) => r.RoomId);
  if (joined.length === 0) throw new LiveError(100412, "no callee room can join the battle");
  const nowSec = Math.floor(ctx.nowMs / 1000);
  const b: Battle = {
    BattleId: randomBytes(32).toString("base64"),
    Operator_Account: ctx.operator,
    FromRoomId: p.fromRoomId,
    ToRoomIdList: joined,
    Duration: p.durationMs,
    ExtensionInfo: p.extensionInfo,
    CreateTime: nowSec,
    StartTime: nowSec,
    Scores: {},
    Owners: owners,
    state: "started",
  };
  await writeBattle(tx, ctx.appId, b);
  await tx.putRoomBattle(ctx.appId, [p.fromRoomId, ...joined], b.BattleId);
  const base = { ...eventBase(ctx), roomId: p.fromRoomId };
  await tx.appendEvent({
    ...base,
    packet: {
      CallbackCommand: "Live.CallbackAfterCreateBattle",
      Operator_Account: ctx.operator,
      BattleId: b.BattleId,
      FromRoomId: p.fromRoomId,
      ToRoomIdList: p.toRoomIds,
      Timeout: 0,
      Duration: b.Duration,
      NeedResponse: false,
      ExtensionInfo: b.ExtensionInfo,
      EventTime: ctx.nowMs,
    },
  });
  await tx.appendEvent({
    ...base,
    packet: {
      CallbackCommand: "Live.CallbackAfterStartBattle",
      BattleId: b.BattleId,
      Duration: b.Duration,
      CreateTime: b.CreateTime,
      StartTime: b.StartTime,
      FromRoomInfo: { RoomId: b.FromRoomId, Owner_Account: room(b, b.FromRoomId).Owner_Account },
      ToRoomList: joined.map((r) => ({ RoomId: r, Owner_Account: room(b, r).Owner_Account })),
      EventTime: ctx.nowMs,
    },
  });
  return { battleId: b.BattleId, results };
}

/**
 * set_battle_score: OpType 1 adds, 2 replaces. A room not in the battle gets ResultCode 100414; an
 * ended battle is 100419.
 */
export async function setBattleScore(
  tx: StoreTx,
  ctx: OpContext,
  p: { battleId: string; opType: 1 | 2; scores: { RoomId: string; Score: number }[] },
): Promise<{ RoomId: string; ResultCode: number }[]> {
  const b = await readBattle(tx, ctx.appId, p.battleId);
  if (b.state === "ended") throw new LiveError(100419, `battle ${p.battleId} has ended`);
  const inBattle = new Set([b.FromRoomId, ...b.ToRoomIdList]);
  const out: { RoomId: string; ResultCode: number }[] = [];
  for (const s of p.scores) {
    if (!inBattle.has(s.RoomId)) {
      out.push({ RoomId: s.RoomId, ResultCode: 100414 });
      continue;
    }
    const was = Object.hasOwn(b.Scores, s.RoomId) ? (b.Scores[s.RoomId] ?? 0) : 0;
    setOwn(b.Scores, s.RoomId, p.opType === 1 ? was + s.Score : s.Score);
    out.push({ RoomId: s.RoomId, ResultCode: 0 });
  }
  await writeBattle(tx, ctx.appId, b);
  return out;
}

/** The battle ends (time up: OpType 0); undefined when it had ended already. */
export async function endBattle(
  tx: StoreTx,
  ctx: OpContext,
  p: { battleId: string; opType: 0 | 1 | 2 },
): Promise<StoredRoomEvent | undefined> {
  const b = await readBattle(tx, ctx.appId, p.battleId);
  if (b.state === "ended") return undefined;
  b.state = "ended";
  b.EndTime = b.StartTime + Math.ceil(b.Duration / 1000);
  await writeBattle(tx, ctx.appId, b);
  await tx.removeRoomBattle(ctx.appId, [b.FromRoomId, ...b.ToRoomIdList], b.BattleId);
  const packet: AfterEndBattle = {
    CallbackCommand: "Live.CallbackAfterEndBattle",
    BattleId: b.BattleId,
    Duration: b.Duration,
    CreateTime: b.CreateTime,
    StartTime: b.StartTime,
    EndTime: b.EndTime,
    OpType: p.opType,
    FromRoomInfo: room(b, b.FromRoomId),
    ToRoomList: b.ToRoomIdList.map((r) => room(b, r)),
    EventTime: ctx.nowMs,
  };
  return tx.appendEvent({ ...eventBase(ctx), roomId: b.FromRoomId, packet });
}
