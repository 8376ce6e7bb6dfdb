import type { RoomRecord } from "../rooms/room.ts";
import type {
  AccountRecord,
  AttemptRecord,
  SeatApplication,
  SeatRecord,
  BanEntry,
  CallbackConfig,
  CallbackToken,
  DeliveryRecord,
  DeliveryToSend,
  DeliveryState,
  MemberRecord,
  NodeMember,
  ReadyDelivery,
  SigningSecret,
  StoredRoomEvent,
} from "./store.ts";

/** Row shapes and their mapping to records: one schema, the same columns in SQLite and PostgreSQL. */

export interface RoomRow {
  room_id: string;
  owner: string;
  view_count: number;
  is_public: number;
  info: string;
}

export interface EventRow {
  app_id: number;
  room_id: string;
  seq: number;
  event_id: string;
  time_ms: number;
  operator: string;
  platform: string;
  client_ip: string;
  packet: string;
}

export function toRoom(row: RoomRow): RoomRecord {
  return {
    ...(JSON.parse(row.info) as Omit<
      RoomRecord,
      "RoomId" | "Owner_Account" | "ViewCount" | "IsPublicVisible"
    >),
    RoomId: row.room_id,
    Owner_Account: row.owner,
    ViewCount: row.view_count,
    IsPublicVisible: row.is_public === 1,
  };
}

export function roomInfoJson(room: RoomRecord): string {
  const { RoomId: _id, Owner_Account: _owner, ViewCount: _views, IsPublicVisible: _public, ...info } = room;
  return JSON.stringify(info);
}

export function toEvent(row: EventRow): StoredRoomEvent {
  return {
    appId: row.app_id,
    roomId: row.room_id,
    seq: row.seq,
    eventId: row.event_id,
    timeMs: row.time_ms,
    operator: row.operator,
    platform: row.platform as StoredRoomEvent["platform"],
    clientIp: row.client_ip,
    packet: JSON.parse(row.packet) as StoredRoomEvent["packet"],
  };
}

export interface MemberRow {
  user_id: string;
  state: "online" | "offline";
  platform: string;
  client_ip: string;
  since_ms: number;
  node_id: string;
  is_robot: number;
}

export function toMember(r: MemberRow): MemberRecord {
  return {
    userId: r.user_id,
    state: r.state,
    platform: r.platform,
    clientIp: r.client_ip,
    sinceMs: r.since_ms,
    node: r.node_id,
    isRobot: r.is_robot === 1,
  };
}

export interface SeatRow {
  seat_index: number;
  user_id: string;
  is_locked: number;
  is_video_locked: number;
  is_audio_locked: number;
}

export function toSeat(r: SeatRow): SeatRecord {
  return {
    index: r.seat_index,
    userId: r.user_id,
    isLocked: r.is_locked === 1,
    isVideoLocked: r.is_video_locked === 1,
    isAudioLocked: r.is_audio_locked === 1,
  };
}

export interface ApplicationRow {
  user_id: string;
  seat_index: number;
  created_ms: number;
}

export function toApplication(r: ApplicationRow): SeatApplication {
  return { userId: r.user_id, index: r.seat_index, createdMs: r.created_ms };
}

export interface AccountRow {
  user_id: string;
  nick: string;
  face_url: string;
  tags: string;
  created_ms: number;
}

export function toAccount(r: AccountRow): AccountRecord {
  return {
    userId: r.user_id,
    nick: r.nick,
    faceUrl: r.face_url,
    tags: JSON.parse(r.tags) as AccountRecord["tags"],
    createdMs: r.created_ms,
  };
}

export interface DeliveryRow {
  id: number;
  app_id: number;
  room_id: string;
  seq: number;
  prev_seq: number;
  event_id: string;
  command: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_ms: number;
  created_ms: number;
  done_ms: number | null;
  last_error: string | null;
}

export function toDelivery(r: DeliveryRow): DeliveryRecord {
  const d: DeliveryRecord = {
    id: r.id,
    appId: r.app_id,
    roomId: r.room_id,
    seq: r.seq,
    prevSeq: r.prev_seq,
    eventId: r.event_id,
    command: r.command,
    state: r.state,
    attempts: r.attempts,
    nextAttemptMs: r.next_attempt_ms,
    createdMs: r.created_ms,
  };
  if (r.done_ms !== null) d.doneMs = r.done_ms;
  if (r.last_error !== null) d.lastError = r.last_error;
  return d;
}

/** A delivery row joined with its event's packet and origin (SQL.getDeliveryToSend and its batch). */
export type DeliveryToSendRow = DeliveryRow & { packet: string; client_ip: string; platform: string };

/** What the sender needs of a delivery: one object per row (the dispatcher's batched read is a hot path). */
export function toDeliveryToSend(r: DeliveryToSendRow): DeliveryToSend {
  const d = toDelivery(r) as DeliveryToSend;
  d.body = r.packet;
  d.clientIp = r.client_ip;
  d.platform = r.platform;
  return d;
}

export interface ReadyRow {
  id: number;
  app_id: number;
  room_id: string;
  seq: number;
  next_attempt_ms: number;
}

export function toReady(r: ReadyRow): ReadyDelivery {
  return { id: r.id, appId: r.app_id, roomId: r.room_id, seq: r.seq, nextAttemptMs: r.next_attempt_ms };
}
export interface BanRow {
  user_id: string;
  banned_until: number;
  reason: string;
}

export function toBan(r: BanRow): BanEntry {
  return { userId: r.user_id, bannedUntil: r.banned_until, reason: r.reason };
}

export interface NodeMemberRow {
  app_id: number;
  room_id: string;
  user_id: string;
}

export function toNodeMember(r: NodeMemberRow): NodeMember {
  return { appId: r.app_id, roomId: r.room_id, userId: r.user_id };
}

export interface ConfigRow {
  url: string;
  commands: string;
  disabled_reason: string | null;
  disabled_ms: number | null;
}

export function toCallbackConfig(row: ConfigRow): CallbackConfig {
  const config: CallbackConfig = { url: row.url, commands: JSON.parse(row.commands) as string[] };
  if (row.disabled_reason !== null) config.disabledReason = row.disabled_reason;
  if (row.disabled_ms !== null) config.disabledMs = row.disabled_ms;
  return config;
}

export interface TokenRow {
  token: string;
  enabled: number;
}

export function toToken(row: TokenRow): CallbackToken {
  return { token: row.token, enabled: row.enabled === 1 };
}

export interface SecretRow {
  secret: string;
  created_ms: number;
  expires_ms: number | null;
}

export function toSigningSecret(r: SecretRow): SigningSecret {
  return r.expires_ms === null
    ? { secret: r.secret, createdMs: r.created_ms }
    : { secret: r.secret, createdMs: r.created_ms, expiresMs: r.expires_ms };
}

export interface AttemptRow {
  n: number;
  started_ms: number;
  duration_ms: number;
  status: number | null;
  error: string | null;
  reply: string | null;
}

export function toAttempt(r: AttemptRow): AttemptRecord {
  const a: AttemptRecord = { n: r.n, startedMs: r.started_ms, durationMs: r.duration_ms };
  if (r.status !== null) a.status = r.status;
  if (r.error !== null) a.error = r.error;
  if (r.reply !== null) a.reply = r.reply;
  return a;
}

/** What a delivery's last_error says after an attempt: the error, or the HTTP status that was not 200. */
export function attemptError(a: AttemptRecord): string | null {
  return a.error ?? (a.status !== undefined && a.status !== 200 ? `HTTP ${a.status}` : null);
}
