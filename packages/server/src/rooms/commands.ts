import type {
  AttemptNext,
  AttemptRecord,
  CommandPlan,
  CommandRunner,
  ReadyDelivery,
  Store,
  StoreTx,
} from "../store/store.ts";
import type { BeforeCallbackRecord, MetadataEntry, RetentionWindow } from "../store/store.ts";
import { modifyAdmins } from "./admins.ts";
import { banMembers, muteMembers, unbanMembers } from "./bans.ts";
import { deleteMetadata, setMetadata } from "./metadata.ts";
import { addRobots, deleteRobots } from "./robots.ts";
import { sendRoomMessage, type OutgoingMessage } from "./room-message.ts";
import {
  answerSeatApplication,
  cancelSeatApplication,
  leaveSeat,
  lockSeat,
  moveToSeat,
  requestSeat,
  requireOwnerOrAdmin,
  takeSeat,
  type MovePolicy,
  type SeatLocks,
} from "./seats.ts";
import { deleteAccounts, importAccounts, setProfile, type AccountInput } from "./accounts.ts";
import { changeGiftCatalog, sendGift, type GiftChange } from "./gifts.ts";
import { createBattle, endBattle, setBattleScore } from "./battles.ts";
import { changeOwner, type ChangeOwnerInput, type ChangeOwnerResult } from "./change-owner.ts";
import type { OpContext, RoomPolicy, RoomRecord } from "./room.ts";
import {
  createRoom,
  destroyRoom,
  dissolveRoom,
  requireAccounts,
  requireRoom,
  updateRoom,
  type DissolveReason,
} from "./room-lifecycle.ts";
import { enterRoom, heartbeatLost, leaveRoom, reapNode, requireOwner } from "./members.ts";
import {
  deleteCallback,
  disableCallback,
  setCallback,
  setCallbackToken,
  updateCallback,
} from "../callbacks/callback-config.ts";

/**
 * Every write command, declared once: its rule and what the stores must know of it. The command's
 * data and result types derive from the entry; a store runs a command through `commandRunner` and
 * never imports a rule. A command is data (it may cross to SQLite's writer thread), run as one
 * transaction.
 */
interface CommandSpec<P, R> {
  /** The rule, inside the command's transaction. */
  run: (tx: StoreTx, p: P) => Promise<R>;
  /** How PostgreSQL may run it (see CommandPlan): by default alone. */
  plan?: (p: P) => CommandPlan;
  /** The app whose callback settings (config, token, secrets) it changes. */
  settingsApp?: (p: P) => number;
  /**
   * Answered once committed, without waiting for its flush to disk (PostgreSQL's
   * `synchronous_commit = off`; on SQLite, before the WAL's fsync): it survives the process's crash,
   * not the machine's. Only for a write whose loss a retry makes good (see CommandRunner.asyncCommit).
   */
  asyncCommit?: true;
}

const command = <P, R>(spec: CommandSpec<P, R>) => spec;

/** Commands on one room lock that room; the room's rules then run one at a time, across processes. */
const room = (appId: number, roomId: string): CommandPlan => ({
  run: "batched",
  keys: [`room:${appId}:${roomId}`],
});
const onRoom = (p: { ctx: OpContext; roomId: string }) => room(p.ctx.appId, p.roomId);
const settings = (p: { appId: number }): CommandPlan => ({ run: "batched", keys: [`settings:${p.appId}`] });
const appOf = (p: { appId: number }) => p.appId;
const done = async (work: Promise<unknown>) => {
  await work;
  return undefined;
};

type AdminInput = { ctx: OpContext; roomId: string; userIds: string[]; opType: "add" | "delete" };
/** A command on a room that the client path runs for its owner or an admin only (`byMember`). */
type RoomInput = { ctx: OpContext; roomId: string; byMember?: boolean };
/** Creating rooms under a quota locks the app's rooms as a whole: the count is exact across processes. */
const creating = (p: { ctx: OpContext; room: RoomRecord; policy?: RoomPolicy }): CommandPlan => ({
  run: "batched",
  keys: [
    `room:${p.ctx.appId}:${p.room.RoomId}`,
    ...((p.policy?.maxRooms ?? 0) > 0 ? [`rooms:${p.ctx.appId}`] : []),
  ],
});
const accounts = (p: { appId: number }): CommandPlan => ({ run: "batched", keys: [`accounts:${p.appId}`] });
/** The client path: only the room's owner or an admin (Tencent client code -2301). */
async function privileged(tx: StoreTx, p: RoomInput): Promise<void> {
  if (p.byMember !== true) return;
  await requireOwnerOrAdmin(tx, p.ctx, await requireRoom(tx, p.ctx.appId, p.roomId));
}
type CallbackInput = { appId: number; config: { url: string; commands: string[] }; nowMs: number };

export const commands = {
  createRoom: command({
    run: (tx, p: { ctx: OpContext; room: RoomRecord; policy?: RoomPolicy }) =>
      createRoom(tx, p.ctx, p.room, p.policy),
    plan: creating,
  }),
  destroyRoom: command({
    run: (tx, p: { ctx: OpContext; roomId: string }) => destroyRoom(tx, p.ctx, p.roomId),
    plan: onRoom,
  }),
  updateRoom: command({
    run: (tx, p: { ctx: OpContext; roomId: string; changes: Partial<RoomRecord>; policy?: RoomPolicy }) =>
      updateRoom(tx, p.ctx, { roomId: p.roomId, changes: p.changes }, p.policy),
    plan: onRoom,
  }),
  /** The system's dissolution of an empty room or one its owner left (room-sweeper.ts). */
  dissolveRoom: command({
    run: (tx, p: { ctx: OpContext; roomId: string; reason: DissolveReason; sinceMs: number }) =>
      dissolveRoom(tx, p.ctx, p),
    plan: onRoom,
  }),
  muteMembers: command({
    run: async (tx, p: RoomInput & { userIds: string[]; durationSec: number }) => {
      await privileged(tx, p);
      await muteMembers(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  setMetadata: command({
    run: async (tx, p: RoomInput & { entries: MetadataEntry[] }) => {
      await privileged(tx, p);
      return setMetadata(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  deleteMetadata: command({
    run: async (tx, p: RoomInput & { keys: string[] }) => {
      await privileged(tx, p);
      return deleteMetadata(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  addRobots: command({
    run: async (tx, p: RoomInput & { robotIds: string[]; policy?: RoomPolicy }) => {
      if (p.policy !== undefined) await requireAccounts(tx, p.ctx.appId, p.policy, p.robotIds);
      return addRobots(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  deleteRobots: command({
    run: (tx, p: RoomInput & { robotIds: string[] }) => deleteRobots(tx, p.ctx, p),
    plan: onRoom,
  }),
  /** The message as the before-callback left it (rooms/messenger.ts). */
  sendMessage: command({
    run: (
      tx,
      p: {
        ctx: OpContext;
        roomId: string;
        message: OutgoingMessage;
        byMember: boolean;
        afterCallback?: false;
      },
    ) => sendRoomMessage(tx, p.ctx, p),
    plan: onRoom,
  }),
  /** pick_user_on_seat; on the client path, the owner or an admin picking a member. */
  pickSeat: command({
    run: async (tx, p: RoomInput & { userId: string; index: number }) => {
      await privileged(tx, p);
      return takeSeat(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  /** kick_user_off_seat; on the client path, the owner or an admin. */
  kickSeat: command({
    run: async (tx, p: RoomInput & { userId: string }) => {
      await privileged(tx, p);
      return leaveSeat(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  lockSeat: command({
    run: async (tx, p: RoomInput & { index: number; locks: SeatLocks }) => {
      await privileged(tx, p);
      return lockSeat(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  moveSeat: command({
    run: async (tx, p: RoomInput & { userId: string; index: number; policy: MovePolicy }) => {
      await privileged(tx, p);
      return moveToSeat(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  /** A member's own: take a seat (FreeToTake) or apply for one (ApplyToTake). */
  requestSeat: command({
    run: (tx, p: { ctx: OpContext; roomId: string; index: number }) => requestSeat(tx, p.ctx, p),
    plan: onRoom,
  }),
  /** A member leaves their own seat. */
  leaveSeat: command({
    run: (tx, p: { ctx: OpContext; roomId: string }) =>
      leaveSeat(tx, p.ctx, { roomId: p.roomId, userId: p.ctx.operator }),
    plan: onRoom,
  }),
  answerSeatApplication: command({
    run: (tx, p: { ctx: OpContext; roomId: string; userId: string; accept: boolean }) =>
      answerSeatApplication(tx, p.ctx, p),
    plan: onRoom,
  }),
  cancelSeatApplication: command({
    run: (tx, p: { ctx: OpContext; roomId: string }) => cancelSeatApplication(tx, p.ctx, p),
    plan: onRoom,
  }),
  /** Locks every room of the battle: a room is in one battle at a time. */
  createBattle: command({
    run: (
      tx,
      p: {
        ctx: OpContext;
        fromRoomId: string;
        toRoomIds: string[];
        durationMs: number;
        extensionInfo: string;
      },
    ) => createBattle(tx, p.ctx, p),
    plan: (p) => ({
      run: "batched",
      keys: [p.fromRoomId, ...p.toRoomIds].map((r) => `room:${p.ctx.appId}:${r}`),
    }),
  }),
  setBattleScore: command({
    run: (
      tx,
      p: { ctx: OpContext; battleId: string; opType: 1 | 2; scores: { RoomId: string; Score: number }[] },
    ) => setBattleScore(tx, p.ctx, p),
    plan: (p) => ({ run: "batched", keys: [`battle:${p.ctx.appId}:${p.battleId}`] }),
  }),
  /** `roomIds`: the battle's rooms, read before (their locks, as createBattle takes them). */
  endBattle: command({
    run: (tx, p: { ctx: OpContext; battleId: string; opType: 0 | 1 | 2; roomIds: string[] }) =>
      endBattle(tx, p.ctx, p),
    plan: (p) => ({
      run: "batched",
      keys: [`battle:${p.ctx.appId}:${p.battleId}`, ...p.roomIds.map((r) => `room:${p.ctx.appId}:${r}`)],
    }),
  }),
  /** One change of the app's gift catalog (rooms/gifts.ts). */
  changeGiftCatalog: command({
    run: (tx, p: { appId: number; change: GiftChange; nowMs: number }) => changeGiftCatalog(tx, p),
    plan: (p) => ({ run: "batched", keys: [`gifts:${p.appId}`] }),
  }),
  /** A gift the App backend allowed (rooms/gift-sender.ts). */
  sendGift: command({
    run: (
      tx,
      p: {
        ctx: OpContext;
        roomId: string;
        from: string;
        receivers: string[];
        giftId: string;
        count: number;
        coins: number;
        byMember: boolean;
      },
    ) => sendGift(tx, p.ctx, p),
    plan: onRoom,
  }),
  /** A before-callback's record (delivery/before-callback.ts): one insert. */
  recordBeforeCallback: command({
    run: (tx, p: { record: BeforeCallbackRecord }) => done(tx.recordBeforeCallback(p.record)),
    plan: () => ({ run: "statement" }),
  }),
  importAccounts: command({
    run: (tx, p: { appId: number; accounts: AccountInput[]; nowMs: number }) => importAccounts(tx, p),
    plan: accounts,
  }),
  deleteAccounts: command({
    run: (tx, p: { appId: number; userIds: string[] }) => deleteAccounts(tx, p),
    plan: accounts,
  }),
  setProfile: command({
    run: (tx, p: { appId: number; userId: string; items: { Tag: string; Value: string | number }[] }) =>
      setProfile(tx, p),
    plan: accounts,
  }),
  changeOwner: command({
    run: (tx, p: { ctx: OpContext; input: ChangeOwnerInput }): Promise<ChangeOwnerResult> =>
      changeOwner(tx, p.ctx, p.input),
    plan: (p) => room(p.ctx.appId, p.input.roomId),
  }),
  modifyAdmins: command({
    run: (tx, p: AdminInput) =>
      modifyAdmins(tx, p.ctx, { roomId: p.roomId, userIds: p.userIds, op: p.opType }),
    plan: onRoom,
  }),
  banMembers: command({
    run: async (tx, p: RoomInput & { userIds: string[]; durationSec: number; reason: string }) => {
      await privileged(tx, p);
      return banMembers(tx, p.ctx, p);
    },
    plan: onRoom,
  }),
  unbanMembers: command({
    run: (tx, p: { ctx: OpContext; roomId: string; userIds: string[] }) => done(unbanMembers(tx, p.ctx, p)),
    plan: onRoom,
  }),
  enterRoom: command({
    run: (tx, p: { ctx: OpContext; roomId: string }) => enterRoom(tx, p.ctx, p.roomId),
    plan: onRoom,
  }),
  leaveRoom: command({
    run: (tx, p: { ctx: OpContext; roomId: string }) => leaveRoom(tx, p.ctx, p.roomId),
    plan: onRoom,
  }),
  heartbeatLost: command({
    run: (tx, p: { ctx: OpContext; roomId: string; userIds: string[]; node: string }) =>
      heartbeatLost(tx, p.ctx, p.roomId, p.userIds, p.node),
    plan: onRoom,
  }),
  touchNode: command({
    run: (tx, p: { nodeId: string; nowMs: number }) => done(tx.touchNode(p.nodeId, p.nowMs)),
    plan: () => ({ run: "statement" }),
  }),
  stopNode: command({
    run: (tx, p: { nodeId: string; nowMs: number }) => done(tx.stopNode(p.nodeId, p.nowMs)),
    plan: () => ({ run: "statement" }),
  }),
  /** A dead node's members, in any number of rooms: alone. */
  reapNode: command({ run: (tx, p: { nodeId: string; nowMs: number }) => reapNode(tx, p.nodeId, p.nowMs) }),
  releaseLane: command({
    run: (tx, p: { appId: number; roomId: string }) => done(tx.releaseLane(p.appId, p.roomId)),
    plan: () => ({ run: "statement" }),
  }),
  createRoomAndEnter: command({
    run: async (tx, p: { ctx: OpContext; room: RoomRecord; policy?: RoomPolicy }) => {
      // The creator owns the room and is in it, as a host is in the room they open.
      const created = await createRoom(tx, p.ctx, p.room, p.policy);
      await enterRoom(tx, p.ctx, p.room.RoomId);
      return created;
    },
    plan: creating,
  }),
  destroyRoomByOwner: command({
    run: async (tx, p: { ctx: OpContext; roomId: string }) => {
      await requireOwner(tx, p.ctx, p.roomId);
      return destroyRoom(tx, p.ctx, p.roomId);
    },
    plan: onRoom,
  }),
  modifyAdminsByOwner: command({
    run: async (tx, p: AdminInput) => {
      await requireOwner(tx, p.ctx, p.roomId);
      return modifyAdmins(tx, p.ctx, { roomId: p.roomId, userIds: p.userIds, op: p.opType });
    },
    plan: onRoom,
  }),
  setCallback: command({
    run: (tx, p: CallbackInput) => done(setCallback(tx, p.appId, p.config, p.nowMs)),
    plan: settings,
    settingsApp: appOf,
  }),
  updateCallback: command({
    run: (tx, p: CallbackInput) => done(updateCallback(tx, p.appId, p.config, p.nowMs)),
    plan: settings,
    settingsApp: appOf,
  }),
  deleteCallback: command({
    run: (tx, p: { appId: number }) => done(deleteCallback(tx, p.appId)),
    plan: settings,
    settingsApp: appOf,
  }),
  setCallbackToken: command({
    run: (tx, p: { appId: number; token?: string; enabled?: boolean }) =>
      done(setCallbackToken(tx, p.appId, p)),
    plan: settings,
    settingsApp: appOf,
  }),
  /** Also ends every pending delivery of the app, in any number of lanes: alone. */
  disableCallback: command({
    run: (tx, p: { appId: number; reason: string; nowMs: number }) =>
      disableCallback(tx, p.appId, p.reason, p.nowMs),
    settingsApp: appOf,
  }),
  rotateSigningSecret: command({
    run: (tx, p: { appId: number; secret: string; nowMs: number; oldExpireMs: number }) =>
      done(tx.rotateSigningSecret(p.appId, p.secret, p.nowMs, p.oldExpireMs)),
    plan: settings,
    settingsApp: appOf,
  }),
  deleteSigningSecrets: command({
    run: (tx, p: { appId: number }) => done(tx.deleteSigningSecrets(p.appId)),
    plan: settings,
    settingsApp: appOf,
  }),
  /**
   * The attempt, the delivery's next state and (shared lanes) its lane given back: its room's lock.
   * Committed asynchronously: should the machine lose it, the delivery is still pending and is sent
   * again (at least once), in its lane's order (a WAL is durable as a prefix, so a lost record takes
   * every later one of its lane with it).
   */
  recordAttempt: command({
    run: (tx, p: { id: number; appId: number; roomId: string; attempt: AttemptRecord; next: AttemptNext }) =>
      done(tx.recordAttempt(p.id, p.attempt, p.next)),
    plan: (p) => room(p.appId, p.roomId),
    asyncCommit: true,
  }),
  redeliver: command({
    run: (tx, p: { appId: number; id: number; nowMs: number }): Promise<ReadyDelivery | undefined> =>
      tx.redeliver(p.appId, p.id, p.nowMs),
  }),
  redeliverDead: command({
    run: (tx, p: { appId: number; fromMs: number; toMs: number; nowMs: number }): Promise<ReadyDelivery[]> =>
      tx.redeliverDead(p.appId, p.fromMs, p.toMs, p.nowMs),
  }),
  // Retention batches (retention.ts): rows of any app and room, so each runs alone (PostgreSQL), a short
  // transaction of its own between the others' writes.
  pruneDeliveries: command({
    run: (tx, p: RetentionWindow & { deliveredBeforeMs?: number; deadBeforeMs?: number }) =>
      tx.pruneDeliveries(p),
  }),
  pruneEvents: command({
    run: (tx, p: RetentionWindow & { beforeMs: number }) => tx.pruneEvents(p),
  }),
  pruneBeforeCallbacks: command({
    run: (tx, p: RetentionWindow & { beforeMs: number }) => tx.pruneBeforeCallbacks(p),
  }),
} satisfies Record<string, CommandSpec<never, unknown>>;

type Commands = typeof commands;
type Op = keyof Commands;
type ParamsOf<K extends Op> = Commands[K] extends CommandSpec<infer P, unknown> ? P : never;

/** Every write, as data: `{ op, ...params }`. */
export type WriteCommand = { [K in Op]: { op: K } & ParamsOf<K> }[Op];

/** What each command's write resolves with. */
export type WriteResults = { [K in Op]: Awaited<ReturnType<Commands[K]["run"]>> };

export type WriteResult<C extends WriteCommand> = WriteResults[C["op"]];

/** The store as the server uses it: typed by the registry. */
export type RoomStore = Store<WriteCommand, WriteResults>;

function specOf(op: string): CommandSpec<unknown, unknown> {
  // A Map would do as well; the ops are the registry's own keys, never a client's input.
  if (!Object.hasOwn(commands, op)) throw new Error(`unknown write command: ${op}`);
  return commands[op as Op] as unknown as CommandSpec<unknown, unknown>;
}

/** The registry as the stores see it (store.ts CommandRunner). */
export const commandRunner: CommandRunner<WriteCommand, WriteResults> = {
  run: (tx, cmd) => specOf(cmd.op).run(tx, cmd),
  plan: (cmd) => specOf(cmd.op).plan?.(cmd) ?? { run: "alone" },
  settingsApp: (cmd) => specOf(cmd.op).settingsApp?.(cmd),
  asyncCommit: (cmd) => specOf(cmd.op).asyncCommit === true,
};

/** This module, for SQLite's writer thread, which imports it to find `commandRunner`. */
export const COMMANDS_MODULE = import.meta.url;
