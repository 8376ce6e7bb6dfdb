import type { StoreTx } from "../store/store.ts";
import { modifyAdmins } from "./admins.ts";
import { banMembers, unbanMembers } from "./bans.ts";
import { changeOwner, type ChangeOwnerInput, type ChangeOwnerResult } from "./change-owner.ts";
import type { OpContext, RoomRecord } from "./room.ts";
import { createRoom, destroyRoom, updateRoom } from "./room-lifecycle.ts";
import { enterRoom, heartbeatLost, leaveRoom, reapNode, requireOwner } from "./members.ts";
import type { AttemptNext, AttemptRecord, ReadyDelivery, StoredRoomEvent } from "../store/store.ts";
import {
  deleteCallback,
  disableCallback,
  setCallback,
  setCallbackToken,
  updateCallback,
} from "../callbacks/callback-config.ts";

/**
 * Every write, as data: the store may run it on another thread (SQLite's writer thread) or in a
 * database transaction (PostgreSQL). Each is one room rule run inside one transaction.
 */
export type WriteCommand =
  | { op: "createRoom"; ctx: OpContext; room: RoomRecord }
  | { op: "destroyRoom"; ctx: OpContext; roomId: string }
  | { op: "updateRoom"; ctx: OpContext; roomId: string; changes: Partial<RoomRecord> }
  | { op: "changeOwner"; ctx: OpContext; input: ChangeOwnerInput }
  | { op: "modifyAdmins"; ctx: OpContext; roomId: string; userIds: string[]; opType: "add" | "delete" }
  | {
      op: "banMembers";
      ctx: OpContext;
      roomId: string;
      userIds: string[];
      durationSec: number;
      reason: string;
    }
  | { op: "unbanMembers"; ctx: OpContext; roomId: string; userIds: string[] }
  | { op: "enterRoom"; ctx: OpContext; roomId: string }
  | { op: "leaveRoom"; ctx: OpContext; roomId: string }
  | { op: "heartbeatLost"; ctx: OpContext; roomId: string; userIds: string[]; node: string }
  | { op: "touchNode"; nodeId: string; nowMs: number }
  | { op: "reapNode"; nodeId: string; nowMs: number }
  | { op: "releaseLane"; appId: number; roomId: string }
  | { op: "createRoomAndEnter"; ctx: OpContext; room: RoomRecord }
  | { op: "destroyRoomByOwner"; ctx: OpContext; roomId: string }
  | { op: "modifyAdminsByOwner"; ctx: OpContext; roomId: string; userIds: string[]; opType: "add" | "delete" }
  | { op: "setCallback"; appId: number; config: { url: string; commands: string[] }; nowMs: number }
  | { op: "updateCallback"; appId: number; config: { url: string; commands: string[] }; nowMs: number }
  | { op: "deleteCallback"; appId: number }
  | { op: "setCallbackToken"; appId: number; token?: string; enabled?: boolean }
  | { op: "disableCallback"; appId: number; reason: string; nowMs: number }
  | { op: "rotateSigningSecret"; appId: number; secret: string; nowMs: number; oldExpireMs: number }
  | { op: "deleteSigningSecrets"; appId: number }
  | { op: "recordAttempt"; id: number; attempt: AttemptRecord; next: AttemptNext }
  | { op: "redeliver"; appId: number; id: number; nowMs: number }
  | { op: "redeliverDead"; appId: number; fromMs: number; toMs: number; nowMs: number };

export interface WriteResults {
  createRoom: StoredRoomEvent;
  destroyRoom: StoredRoomEvent;
  updateRoom: StoredRoomEvent;
  changeOwner: ChangeOwnerResult;
  modifyAdmins: StoredRoomEvent | undefined;
  banMembers: undefined;
  unbanMembers: undefined;
  enterRoom: StoredRoomEvent | undefined;
  leaveRoom: StoredRoomEvent | undefined;
  heartbeatLost: StoredRoomEvent | undefined;
  touchNode: undefined;
  reapNode: StoredRoomEvent[];
  releaseLane: undefined;
  createRoomAndEnter: StoredRoomEvent;
  destroyRoomByOwner: StoredRoomEvent;
  modifyAdminsByOwner: StoredRoomEvent | undefined;
  setCallback: undefined;
  updateCallback: undefined;
  deleteCallback: undefined;
  setCallbackToken: undefined;
  disableCallback: undefined;
  rotateSigningSecret: undefined;
  deleteSigningSecrets: undefined;
  recordAttempt: undefined;
  redeliver: ReadyDelivery | undefined;
  redeliverDead: ReadyDelivery[];
}

export type WriteResult<C extends WriteCommand> = WriteResults[C["op"]];

export async function runWriteCommand(
  tx: StoreTx,
  cmd: WriteCommand,
): Promise<WriteResults[WriteCommand["op"]]> {
  switch (cmd.op) {
    case "createRoom":
      return createRoom(tx, cmd.ctx, cmd.room);
    case "destroyRoom":
      return destroyRoom(tx, cmd.ctx, cmd.roomId);
    case "updateRoom":
      return updateRoom(tx, cmd.ctx, { roomId: cmd.roomId, changes: cmd.changes });
    case "changeOwner":
      return changeOwner(tx, cmd.ctx, cmd.input);
    case "modifyAdmins":
      return modifyAdmins(tx, cmd.ctx, { roomId: cmd.roomId, userIds: cmd.userIds, op: cmd.opType });
    case "banMembers":
      await banMembers(tx, cmd.ctx, cmd);
      return undefined;
    case "unbanMembers":
      await unbanMembers(tx, cmd.ctx, cmd);
      return undefined;
    case "enterRoom":
      return enterRoom(tx, cmd.ctx, cmd.roomId);
    case "leaveRoom":
      return leaveRoom(tx, cmd.ctx, cmd.roomId);
    case "heartbeatLost":
      return heartbeatLost(tx, cmd.ctx, cmd.roomId, cmd.userIds, cmd.node);
    case "touchNode":
      await tx.touchNode(cmd.nodeId, cmd.nowMs);
      return undefined;
    case "reapNode":
      return reapNode(tx, cmd.nodeId, cmd.nowMs);
    case "releaseLane":
      await tx.releaseLane(cmd.appId, cmd.roomId);
      return undefined;
    case "createRoomAndEnter": {
      // The creator owns the room and is in it, as a host is in the room they open.
      const created = await createRoom(tx, cmd.ctx, cmd.room);
      await enterRoom(tx, cmd.ctx, cmd.room.RoomId);
      return created;
    }
    case "destroyRoomByOwner":
      await requireOwner(tx, cmd.ctx, cmd.roomId);
      return destroyRoom(tx, cmd.ctx, cmd.roomId);
    case "modifyAdminsByOwner":
      await requireOwner(tx, cmd.ctx, cmd.roomId);
      return modifyAdmins(tx, cmd.ctx, { roomId: cmd.roomId, userIds: cmd.userIds, op: cmd.opType });
    case "setCallback":
      await setCallback(tx, cmd.appId, cmd.config, cmd.nowMs);
      return undefined;
    case "updateCallback":
      await updateCallback(tx, cmd.appId, cmd.config, cmd.nowMs);
      return undefined;
    case "deleteCallback":
      await deleteCallback(tx, cmd.appId);
      return undefined;
    case "setCallbackToken":
      await setCallbackToken(tx, cmd.appId, cmd);
      return undefined;
    case "disableCallback":
      await disableCallback(tx, cmd.appId, cmd.reason, cmd.nowMs);
      return undefined;
    case "rotateSigningSecret":
      await tx.rotateSigningSecret(cmd.appId, cmd.secret, cmd.nowMs, cmd.oldExpireMs);
      return undefined;
    case "deleteSigningSecrets":
      await tx.deleteSigningSecrets(cmd.appId);
      return undefined;
    case "recordAttempt":
      await tx.recordAttempt(cmd.id, cmd.attempt, cmd.next);
      return undefined;
    case "redeliver":
      return tx.redeliver(cmd.appId, cmd.id, cmd.nowMs);
    case "redeliverDead":
      return tx.redeliverDead(cmd.appId, cmd.fromMs, cmd.toMs, cmd.nowMs);
  }
}
