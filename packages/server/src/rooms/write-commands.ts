import type { RoomTx } from "../store/store.ts";
import { modifyAdmins } from "./admins.ts";
import { banMembers, unbanMembers } from "./bans.ts";
import { changeOwner, type ChangeOwnerInput, type ChangeOwnerResult } from "./change-owner.ts";
import type { OpContext, RoomRecord } from "./room.ts";
import { createRoom, destroyRoom, updateRoom } from "./room-lifecycle.ts";
import type { StoredRoomEvent } from "../store/store.ts";

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
  | { op: "unbanMembers"; ctx: OpContext; roomId: string; userIds: string[] };

export interface WriteResults {
  createRoom: StoredRoomEvent;
  destroyRoom: StoredRoomEvent;
  updateRoom: StoredRoomEvent;
  changeOwner: ChangeOwnerResult;
  modifyAdmins: StoredRoomEvent | undefined;
  banMembers: undefined;
  unbanMembers: undefined;
}

export type WriteResult<C extends WriteCommand> = WriteResults[C["op"]];

export async function runWriteCommand(
  tx: RoomTx,
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
  }
}
