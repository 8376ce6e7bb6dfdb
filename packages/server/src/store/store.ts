import type { RoomEventPacket, OptPlatform } from "@roomhook/protocol";
import type { RoomRecord } from "../rooms/room.ts";
import type { RoomGiftPacket } from "../rooms/gifts.ts";

/** A room event as it is appended: the packet is exactly the callback Tencent documents for it. */
export interface RoomEventInput {
  appId: number;
  roomId: string;
  packet: RoomEventPacket | RoomGiftPacket;
  /** false: the event is never called back, even when its command is switched on. */
  callback?: false;
  operator: string;
  platform: OptPlatform;
  clientIp: string;
  timeMs: number;
}

export interface CallbackConfig {
  url: string;
  commands: string[];
  /** Set when a receiver answered 410 Gone: no callback is sent until the config is set again. */
  disabledReason?: string;
  disabledMs?: number;
}

export interface CallbackToken {
  token: string;
  enabled: boolean;
}

export interface SigningSecret {
  secret: string;
  createdMs: number;
  /** After a rotation the old secret signs alongside the new one until then. */
  expiresMs?: number;
}

export type DeliveryState = "pending" | "delivered" | "dead";

export interface DeliveryRecord {
  id: number;
  appId: number;
  roomId: string;
  seq: number;
  /** Sequence number of the previous callback of this room to this app (0 for the first). */
  prevSeq: number;
  eventId: string;
  command: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptMs: number;
  createdMs: number;
  doneMs?: number;
  lastError?: string;
}

/** A delivery with what the sender needs: the exact body bytes and the event's origin. */
export interface DeliveryToSend extends DeliveryRecord {
  body: string;
  clientIp: string;
  platform: string;
}

export interface AttemptRecord {
  n: number;
  startedMs: number;
  durationMs: number;
  status?: number;
  error?: string;
  /** The reply body, truncated. */
  reply?: string;
}

export type AttemptNext =
  { state: "pending"; nextAttemptMs: number } | { state: "delivered" } | { state: "dead"; reason: string };

/** A delivery that became due to send (created, or put back by a redeliver). */
export interface ReadyDelivery {
  id: number;
  appId: number;
  roomId: string;
  seq: number;
  nextAttemptMs: number;
  /** The delivery as the sender needs it, when the store read it already (a shared lane's claim). */
  toSend?: DeliveryToSend;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  roomId?: string;
  command?: string;
  fromMs?: number;
  toMs?: number;
  /** Deliveries with an id below this one (paging newest first). */
  beforeId?: number;
  limit: number;
}

export interface MemberRecord {
  userId: string;
  state: "online" | "offline";
  platform: string;
  clientIp: string;
  sinceMs: number;
  /** The process (gateway node) holding the member's connection; "" when none is known (robots). */
  node: string;
  /** A robot added by add_robot: always online, never counted as a viewer. */
  isRobot: boolean;
}

export interface MuteEntry {
  userId: string;
  /** Unix seconds. */
  mutedUntil: number;
}

export interface MetadataEntry {
  Key: string;
  Value: string;
}

/** A seat as stored: only seats taken or locked have a row; `userId` is "" on a free seat. */
export interface SeatRecord {
  index: number;
  userId: string;
  isLocked: boolean;
  isVideoLocked: boolean;
  isAudioLocked: boolean;
}

/** A request to take a seat in an ApplyToTake room, waiting for the owner or an admin. */
export interface SeatApplication {
  userId: string;
  /** The seat asked for; -1: any free seat. */
  index: number;
  createdMs: number;
}

/** A before-callback asked (Live.CallbackBeforeSendGift, Group.CallbackBeforeSendMsg) and what it decided. */
export interface BeforeCallbackRecord {
  id?: number;
  appId: number;
  roomId: string;
  command: string;
  eventId: string;
  /** The body sent. */
  packet: string;
  startedMs: number;
  durationMs: number;
  status?: number;
  error?: string;
  /** The reply body, truncated. */
  reply?: string;
  /** allow, rewrite, refuse, drop (message discarded silently), or skipped (the command is off). */
  decision: "allow" | "rewrite" | "refuse" | "drop";
  /** The code the operation answered its sender with (0 when it went ahead). */
  code: number;
}

/** Gifts sent in a room (or to one receiver in it): count, coins, distinct senders. */
export interface GiftStats {
  gifts: number;
  coins: number;
  senders: number;
}

/** A Chat account imported by the App backend (im_open_login_svc) with its profile. */
export interface AccountRecord {
  userId: string;
  /** Tag_Profile_IM_Nick. */
  nick: string;
  /** Tag_Profile_IM_Image. */
  faceUrl: string;
  /** Every other profile tag set (portrait_set), by tag name. */
  tags: Record<string, string | number>;
  createdMs: number;
}

/** A member online through a node, as the reaper of a dead node finds them. */
export interface NodeMember {
  appId: number;
  roomId: string;
  userId: string;
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

/** A room event with its row id: the position of the app's live tail (roomhook_room/get_event_feed). */
export interface FeedEvent extends StoredRoomEvent {
  row: number;
}

/** An attempt with what the live tail shows of its delivery. */
export interface FeedAttempt extends AttemptRecord {
  deliveryId: number;
  roomId: string;
  seq: number;
  command: string;
  eventId: string;
  state: DeliveryState;
}

/**
 * What a read may see: committed state (and, inside a write, that transaction's own writes).
 * Implementations: SqlReader over SQLite's read connection or PostgreSQL's pool (sql-store.ts).
 */
export interface StoreReader {
  getRoom(appId: number, roomId: string): Promise<RoomRecord | undefined>;
  /**
   * The owner change's reads in one: the room's owner, and whether userId is banned from it at
   * nowSec; undefined when the room does not exist.
   */
  getOwnerAndBan(
    appId: number,
    roomId: string,
    userId: string,
    nowSec: number,
  ): Promise<{ owner: string; banned: boolean } | undefined>;
  listAdmins(appId: number, roomId: string): Promise<string[]>;
  /** Bans still in force at nowSec, ordered by user id. */
  listBans(appId: number, roomId: string, nowSec: number, offset: number, limit: number): Promise<BanEntry[]>;
  isBanned(appId: number, roomId: string, userId: string, nowSec: number): Promise<boolean>;
  /** Public rooms by ViewCount descending then RoomId, after the cursor. */
  listPublicRooms(appId: number, after: RoomListCursor | undefined, limit: number): Promise<RoomRecord[]>;
  /** Events of a room after a sequence number, oldest first. */
  listEvents(appId: number, roomId: string, afterSeq: number, limit: number): Promise<StoredRoomEvent[]>;
  /** Events of a room with one callback command after a sequence number, oldest first. */
  listEventsOf(
    appId: number,
    roomId: string,
    command: string,
    afterSeq: number,
    limit: number,
  ): Promise<StoredRoomEvent[]>;
  /**
   * The app's events, every room, after a row id, oldest first; without one, its newest `limit`
   * events, oldest first.
   */
  listAppEvents(appId: number, afterRow: number | undefined, limit: number): Promise<FeedEvent[]>;
  /** Rooms of the app whose id contains `text` (every room when empty), by id, after `afterRoomId`. */
  searchRooms(appId: number, text: string, afterRoomId: string, limit: number): Promise<RoomRecord[]>;
  getMember(appId: number, roomId: string, userId: string): Promise<MemberRecord | undefined>;
  /**
   * Members online (robots included) by user id, after `page.after` (default ""), at most
   * `page.limit` (default 1000).
   */
  listMembers(
    appId: number,
    roomId: string,
    page?: { after: string; limit: number },
  ): Promise<MemberRecord[]>;
  /** Members online (robots included). */
  countMembers(appId: number, roomId: string): Promise<number>;
  /** The room's counters, and since when it has been empty; undefined when no such room. */
  getRoomCounters(
    appId: number,
    roomId: string,
  ): Promise<{ viewCount: number; msgCount: number; emptySinceMs: number | undefined } | undefined>;
  /** Rooms of the app. */
  countRooms(appId: number): Promise<number>;
  /** Rooms of the app empty since at most `sinceMs`, longest empty first. */
  listEmptyRooms(appId: number, sinceMs: number, limit: number): Promise<string[]>;
  /** Rooms of the app whose owner has been offline in it since at most `sinceMs`. */
  listOwnerAbsentRooms(appId: number, sinceMs: number, limit: number): Promise<string[]>;
  /** Unix seconds the member is muted until, when still muted at nowSec. */
  getMute(appId: number, roomId: string, userId: string, nowSec: number): Promise<number | undefined>;
  /** Mutes in force at nowSec, by user id. */
  listMutes(
    appId: number,
    roomId: string,
    nowSec: number,
    offset: number,
    limit: number,
  ): Promise<MuteEntry[]>;
  /** The room's metadata, by key. */
  listMetadata(appId: number, roomId: string): Promise<MetadataEntry[]>;
  /** Seats taken or locked, by index. */
  listSeats(appId: number, roomId: string): Promise<SeatRecord[]>;
  /** Seat applications waiting, oldest first. */
  listSeatApplications(appId: number, roomId: string): Promise<SeatApplication[]>;
  getAccount(appId: number, userId: string): Promise<AccountRecord | undefined>;
  /** Before-callbacks asked, newest first, after the filters given. */
  listBeforeCallbacks(
    appId: number,
    filter: { roomId?: string; command?: string; beforeId?: number; limit: number },
  ): Promise<BeforeCallbackRecord[]>;
  /** The app's gift catalog document (rooms/gifts.ts), undefined before the first change. */
  getGiftCatalog(appId: number): Promise<string | undefined>;
  /** Deliveries pending and dead, over every app, and when the oldest pending one was created. */
  getOutboxStats(): Promise<{ pending: number; dead: number; oldestPendingMs?: number }>;
  /** A battle's document (rooms/battles.ts). */
  getBattle(appId: number, battleId: string): Promise<string | undefined>;
  /** Battles still started whose end is at most nowMs, soonest first. */
  listDueBattles(nowMs: number, limit: number): Promise<{ appId: number; battleId: string }[]>;
  /** The battle the room is in, if any. */
  getRoomBattle(appId: number, roomId: string): Promise<string | undefined>;
  /** Gifts sent in the room, to `toAccount` only when given. */
  getGiftStats(appId: number, roomId: string, toAccount?: string): Promise<GiftStats>;
  /**
   * Nodes not seen since beforeMs: their process died or lost the database, or stopped normally
   * (`stoppedMs`, when) and its members did not come back elsewhere.
   */
  listDeadNodes(beforeMs: number): Promise<{ nodeId: string; stoppedMs?: number }[]>;
  /** Members online through a node, by app, room and user. */
  listNodeMembers(nodeId: string): Promise<NodeMember[]>;
  getCallbackConfig(appId: number): Promise<CallbackConfig | undefined>;
  getCallbackToken(appId: number): Promise<CallbackToken | undefined>;
  /** Secrets that sign at nowMs, newest first. */
  listSigningSecrets(appId: number, nowMs: number): Promise<SigningSecret[]>;
  getDelivery(appId: number, id: number): Promise<DeliveryRecord | undefined>;
  getDeliveryToSend(id: number): Promise<DeliveryToSend | undefined>;
  /** The deliveries of these ids that exist, in no particular order: the dispatcher's batched read. */
  getDeliveriesToSend(ids: readonly number[]): Promise<DeliveryToSend[]>;
  listDeliveries(appId: number, filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  listAttempts(deliveryId: number): Promise<AttemptRecord[]>;
  /** The app's attempts started at sinceMs or later, newest first. */
  listRecentAttempts(appId: number, sinceMs: number, limit: number): Promise<FeedAttempt[]>;
  /** Every pending delivery, oldest first: what a dispatcher loads at start. */
  listPendingDeliveries(): Promise<ReadyDelivery[]>;
  /** Callbacks of a room for this app after a sequence number, oldest first (the catch-up query). */
  listRoomCallbacks(
    appId: number,
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<(DeliveryRecord & { body: string })[]>;
}

/**
 * What a command's rule may do inside one transaction: every read, and the writes. A rule that throws
 * has all its writes rolled back, alone.
 */
export interface StoreTx extends StoreReader {
  insertRoom(appId: number, room: RoomRecord): Promise<void>;
  /** Writes every field of the record. */
  updateRoom(appId: number, room: RoomRecord): Promise<void>;
  /**
   * The owner change's writes in one: the new owner, who stops being an admin, and the event
   * appended as appendEvent does (event.roomId is the room).
   */
  transferRoom(appId: number, newOwner: string, event: RoomEventInput): Promise<StoredRoomEvent>;
  /** Deletes the room with its admins, bans, members, mutes, metadata and seats; its events and sequence stay. */
  deleteRoom(appId: number, roomId: string): Promise<void>;
  addAdmins(appId: number, roomId: string, userIds: string[]): Promise<void>;
  removeAdmins(appId: number, roomId: string, userIds: string[]): Promise<void>;
  putBans(appId: number, roomId: string, bans: BanEntry[]): Promise<void>;
  removeBans(appId: number, roomId: string, userIds: string[]): Promise<void>;
  /**
   * Appends a room event with the room's next sequence number and, when the app's callback
   * configuration has its command switched on at this moment, its delivery: the transactional outbox.
   */
  appendEvent(event: RoomEventInput): Promise<StoredRoomEvent>;
  putMember(appId: number, roomId: string, member: MemberRecord): Promise<void>;
  removeMember(appId: number, roomId: string, userId: string): Promise<void>;
  /** Someone entered: the room is not empty; `views` (0 or 1) is added to its ViewCount. */
  roomEntered(appId: number, roomId: string, views: number): Promise<void>;
  /** Someone left: when nobody is online in the room any more, it is empty from nowMs. */
  roomLeft(appId: number, roomId: string, nowMs: number): Promise<void>;
  /** A message was sent in the room (TotalMsgCount); resolves with its number in the room (MsgSeq). */
  countMessage(appId: number, roomId: string): Promise<number>;
  putMutes(appId: number, roomId: string, mutes: MuteEntry[]): Promise<void>;
  removeMutes(appId: number, roomId: string, userIds: string[]): Promise<void>;
  putMetadata(appId: number, roomId: string, entries: MetadataEntry[]): Promise<void>;
  removeMetadata(appId: number, roomId: string, keys: string[]): Promise<void>;
  /** Writes a seat; a free, unlocked seat loses its row. */
  putSeat(appId: number, roomId: string, seat: SeatRecord): Promise<void>;
  putSeatApplication(appId: number, roomId: string, a: SeatApplication): Promise<void>;
  removeSeatApplication(appId: number, roomId: string, userId: string): Promise<void>;
  /** Creates or replaces the account. */
  putAccount(appId: number, a: AccountRecord): Promise<void>;
  /** Whether the account existed. */
  removeAccount(appId: number, userId: string): Promise<boolean>;
  recordBeforeCallback(r: BeforeCallbackRecord): Promise<void>;
  /** Writes a battle: its state ('started' or 'ended'), its end, its document. */
  putBattle(
    appId: number,
    b: { battleId: string; state: "started" | "ended"; endMs: number; doc: string },
  ): Promise<void>;
  /** Marks the rooms as in the battle (a room is in one battle at a time). */
  putRoomBattle(appId: number, roomIds: string[], battleId: string): Promise<void>;
  /** The rooms are no longer in the battle. */
  removeRoomBattle(appId: number, roomIds: string[], battleId: string): Promise<void>;
  putGiftCatalog(appId: number, catalog: string): Promise<void>;
  /** Adds `count` gifts worth `coins` in all, from one account to another, to the room's totals. */
  addRoomGift(
    appId: number,
    roomId: string,
    g: { from: string; to: string; count: number; coins: number },
  ): Promise<void>;
  /** Records that a gateway node (a server process) is alive at nowMs. */
  touchNode(nodeId: string, nowMs: number): Promise<void>;
  /** Records that a gateway node stopped normally at nowMs (its members are reaped without a warning). */
  stopNode(nodeId: string, nowMs: number): Promise<void>;
  deleteNode(nodeId: string): Promise<void>;
  /** Creates or replaces the configuration, enabled. */
  putCallbackConfig(appId: number, config: { url: string; commands: string[] }, nowMs: number): Promise<void>;
  deleteCallbackConfig(appId: number): Promise<boolean>;
  disableCallbackConfig(appId: number, reason: string, nowMs: number): Promise<void>;
  putCallbackToken(appId: number, token: CallbackToken): Promise<void>;
  /** Adds a secret; those already active stop signing at oldExpireMs. */
  rotateSigningSecret(appId: number, secret: string, nowMs: number, oldExpireMs: number): Promise<void>;
  deleteSigningSecrets(appId: number): Promise<void>;
  /**
   * Records an attempt and the delivery's next state. With shared lanes (PostgreSQL), also gives the
   * delivery's lane back: its lease ends and its head's due time is set again.
   */
  recordAttempt(id: number, attempt: AttemptRecord, next: AttemptNext): Promise<void>;
  /** Gives a leased lane back without an attempt (shared lanes only; a no-op on SQLite). */
  releaseLane(appId: number, roomId: string): Promise<void>;
  /** Puts a delivered or dead delivery back in its lane, due at nowMs; undefined when none. */
  redeliver(appId: number, id: number, nowMs: number): Promise<ReadyDelivery | undefined>;
  /** Puts back every dead delivery of the app created in [fromMs, toMs). */
  redeliverDead(appId: number, fromMs: number, toMs: number, nowMs: number): Promise<ReadyDelivery[]>;
  /** Ends every pending delivery of the app as dead (its callback configuration was disabled). */
  killPendingDeliveries(appId: number, reason: string, nowMs: number): Promise<number>;
  /**
   * Retention: looks at the `limit` deliveries after `afterId` and removes, with their attempts, those
   * delivered before `deliveredBeforeMs` or dead before `deadBeforeMs` (a cutoff left out keeps its
   * kind); never a pending delivery, nor the last of its room (the next one's PreviousSequence).
   */
  pruneDeliveries(
    p: RetentionWindow & { deliveredBeforeMs?: number; deadBeforeMs?: number },
  ): Promise<PruneBatch>;
  /**
   * Retention: looks at the `limit` room events after `afterId` and removes those from before
   * `beforeMs`; never one a delivery still refers to, nor the last of its room.
   */
  pruneEvents(p: RetentionWindow & { beforeMs: number }): Promise<PruneBatch>;
  /** Retention: looks at the `limit` before-callback records after `afterId`, removes those started before `beforeMs`. */
  pruneBeforeCallbacks(p: RetentionWindow & { beforeMs: number }): Promise<PruneBatch>;
}

/** Where a retention batch looks: the next `limit` rows of a table by id, after `afterId`. */
export interface RetentionWindow {
  afterId: number;
  limit: number;
}

/** What a retention batch did, and where the next one starts. */
export interface PruneBatch {
  removed: number;
  /** Delivery attempts removed with their deliveries (0 for the other tables). */
  attempts: number;
  /** The highest id the batch looked at (the next batch's afterId). */
  lastId: number;
  /** No row past lastId is old enough yet: the pass over the table is over. */
  done: boolean;
}

/**
 * Delivery lanes shared by several processes through the database (PostgreSQL). A lane is leased to
 * one process at a time; recording an attempt (or releaseLane) gives it back.
 */
export interface SharedLanes {
  /** Leases up to `limit` lanes whose head is due at nowMs until leaseUntilMs, and returns the heads. */
  claim(nowMs: number, limit: number, leaseUntilMs: number): Promise<ReadyDelivery[]>;
}

/** A write command as the store sees it: data (it may cross to SQLite's writer thread) with its name. */
export interface Command {
  readonly op: string;
}

/**
 * How a store may run a command on PostgreSQL:
 * - `batched`: in one transaction with the process's other concurrent commands (group commit), after
 *   taking the advisory locks of its `keys` (commands with a common key run one after the other, in
 *   the order they came; every batch takes its keys in one sorted order, so batches never deadlock);
 * - `alone`: in a transaction of its own (it touches rows no key names, such as every lane of an app);
 * - `statement`: its rule is one statement, atomic by itself: no transaction at all.
 * SQLite's writer thread runs every command the same way (one writer, a savepoint each).
 */
export type CommandPlan = { run: "batched"; keys: string[] } | { run: "alone" } | { run: "statement" };

/**
 * What a store is handed to run commands (rooms/commands.ts): the store knows the registry only
 * through this, so it never imports a room rule.
 */
export interface CommandRunner<C extends Command = Command, R extends ResultMap<C> = ResultMap<C>> {
  /** Never set: carries the result types, so that a store opened with this runner is typed by it. */
  readonly results?: R;
  /** Runs the command's rule inside a transaction. */
  run(tx: StoreTx, cmd: C): Promise<unknown>;
  /** How the command may be run (PostgreSQL). */
  plan(cmd: C): CommandPlan;
  /** The app whose callback settings the command changes, if any: their listeners are told. */
  settingsApp(cmd: C): number | undefined;
  /**
   * Whether the command is answered once committed, before its flush to disk (SQLite: the WAL's
   * fsync; PostgreSQL: `synchronous_commit = off` for a batch of such commands only). Such a write
   * survives a crash of the process but may be lost with the machine's: only for writes whose loss
   * the system makes good by itself (a delivery's attempt record: the delivery is sent again).
   */
  asyncCommit(cmd: C): boolean;
}

/** Results by command name: `Results[C["op"]]` is what `write(cmd)` resolves with. */
export type ResultMap<C extends Command> = { [K in C["op"]]: unknown };

export interface Store<C extends Command = Command, R extends ResultMap<C> = ResultMap<C>> {
  /** Present when lanes are shared with other processes; absent, the dispatcher keeps them in memory. */
  readonly sharedLanes?: SharedLanes;
  /** Reads from committed state only. */
  read<T>(fn: (r: StoreReader) => Promise<T>): Promise<T>;
  /** Runs a command in a durable transaction (group-committed with others); resolves after the commit. */
  write<K extends C>(cmd: K): Promise<R[K["op"]]>;
  /** Called with the app whose callback settings (config, token, secrets) this process changed. */
  onSettingsChanged(listener: (appId: number) => void): void;
  /** Called with the room events of every durable batch, in commit order (pushes to clients). */
  onRoomEvents(listener: (events: StoredRoomEvent[]) => void): void;
  /** Called with deliveries that became due to send, once their transaction is durable. */
  onReadyDeliveries(listener: (ready: ReadyDelivery[]) => void): void;
  /**
   * Called after each durable commit with the number of write commands it made durable together
   * (group commit: `roomhook_store_commit_batch_size`).
   */
  onCommit(listener: (commands: number) => void): void;
  /**
   * Why the store cannot serve a ready process, or undefined when it can (`GET /readyz`): on
   * PostgreSQL, the connection that listens for other processes' events is down.
   */
  notReady(): string | undefined;
  close(): Promise<void>;
}
