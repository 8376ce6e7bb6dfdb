import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import {
  clientCodeFor,
  clientErrorCatalog,
  clientPlatforms,
  isClientPlatform,
  parseJson,
  type AfterCreateBattle,
  type AfterEndBattle,
  type AfterStartBattle,
  userIdProblem,
  verifyUserSig,
  wsCloseCodes,
  type OptPlatform,
  type WsOp,
  type WsPush,
  type WsPushOf,
  type WsReply,
  type WsReplyData,
  type WsSeat,
  type WsServerFrame,
  type MsgElem,
} from "@roomhook/protocol";
import type { Clock } from "../clock.ts";
import { LiveError } from "../live-error.ts";
import type { Logger } from "../logger.ts";
import { FieldReader } from "../rooms/field-reader.ts";
import type { OpContext } from "../rooms/room.ts";
import { readNewRoom, roomInfoView, roomLimits } from "../rooms/room-info.ts";
import { DEFAULT_ROOM_POLICY, type RoomPolicy } from "../rooms/room.ts";
import { messageLimits, readMsgBody } from "../rooms/room-message.ts";
import type { Messenger } from "../rooms/messenger.ts";
import type { GiftSender } from "../rooms/gift-sender.ts";
import { ROOM_GIFT, giftLimits } from "../rooms/gifts.ts";
import { callbackSeats, requireSeatRoom, seatList } from "../rooms/seats.ts";
import { requireRoom } from "../rooms/room-lifecycle.ts";
import { systemContext } from "../rooms/members.ts";
import type { StoredRoomEvent } from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";
import { clientIp } from "../rest/rest-server.ts";
import { addRoom, inRoom, newSession, removeRoom, roomsOf, Sessions, type Session } from "./sessions.ts";

/**
 * The client path: users connect over WebSocket, log in with their UserSig and platform, and work in
 * rooms; every member of a room is pushed what happens in it. Frames are JSON, declared once in
 * @roomhook/protocol (ws.ts: requests, replies, pushes, close codes); what is sent here is typed by
 * those declarations, and a test holds the frames a real server sends to their schemas. Requests are
 * read field by field (FieldReader: Tencent's codes, byte limits), not by a schema validator.
 * Codes are Tencent's client error codes (login failures: the UserSig's 70xxx code).
 */

export interface GatewayOptions {
  server: Server;
  store: RoomStore;
  apps: { sdkAppId: number; secretKey: string }[];
  clock: Clock;
  logger: Logger;
  heartbeatTimeoutMs: number;
  maxFrameBytes: number;
  /** A connection that has not logged in this long after it opened is closed with 4002 (ms). */
  loginTimeoutMs: number;
  /**
   * Bytes waiting to go to one client (ws's bufferedAmount: the client does not read) past which the
   * connection is closed with 4008: a client that stops reading must not grow the server's memory.
   */
  sendBufferBytes: number;
  /**
   * This process's id among the processes sharing the store. Its members are recorded under it; a
   * node that stops touching its row for heartbeatTimeoutMs is dead and any live node reaps it.
   */
  nodeId: string;
  /** Each app's room policy (quota, moderation, accounts), for rooms created by clients. */
  policyOf?: (appId: number) => RoomPolicy;
  /** Sends members' messages through the App backend's before-callback. */
  messenger: Messenger;
  /** Sends members' gifts through the App backend's before-callback. */
  gifts: GiftSender;
}

/**
 * The code a client gets for a refused operation: the rule's own client code, else the gift family's
 * codes as they are (102001, 102002, 102004, 102008: Tencent's gift codes, the same on both paths),
 * else the client code that fits the server code.
 */
function clientCodeOf(err: LiveError): number {
  if (err.clientCode !== undefined) return err.clientCode;
  if (err.code >= 102000 && err.code < 102300) return err.code;
  return clientCodeFor(err.code);
}

/** A reply before its `id` is added: the protocol's WsReply. */
type Reply = WsReply extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

/** A push before the room it goes to and its sequence number are set (a battle's goes to several). */
type Unplaced<T> = T extends unknown ? Omit<T, "roomId" | "seq"> : never;

/**
 * A successful reply to an op the protocol declares, with the data it declares for it
 * (wsReplyDataSchemas; none for most ops): an op or a reply the protocol does not know does not compile.
 */
function answer<O extends WsOp>(
  _op: O,
  ...data: WsReplyData<O> extends undefined ? [] : [WsReplyData<O>]
): Reply {
  return data.length === 0 ? { code: 0 } : { code: 0, data: data[0] };
}

/** A listener that does nothing, shared by every connection (one function, not one per connection). */
const ignore = () => undefined;

/** A refusal. */
const refuse = (code: number, message: string): Reply => ({ code, message });

export interface Gateway {
  /** Records this node as alive: before the first client is served. */
  start(): Promise<void>;
  /**
   * Ends the sessions whose heartbeat stopped, records this node as alive and reaps dead nodes (also
   * runs on a timer).
   */
  sweep(): Promise<void>;
  sessions(): number;
  close(): Promise<void>;
}

/** A seat as clients see it (the callback's SeatList entry, in the client path's camelCase). */
function clientSeat(s: {
  Index: number;
  Member_Account?: string;
  IsTakenDisabled: boolean;
  IsVideoDisabled: boolean;
  IsAudioDisabled: boolean;
}): WsSeat {
  return {
    index: s.Index,
    userId: s.Member_Account ?? "",
    lockTaken: s.IsTakenDisabled,
    lockVideo: s.IsVideoDisabled,
    lockAudio: s.IsAudioDisabled,
  };
}

export function createGateway(opts: GatewayOptions): Gateway {
  const { store, clock, logger } = opts;
  const keys = new Map(opts.apps.map((a) => [a.sdkAppId, a.secretKey]));
  const sessions = new Sessions();
  const wss = new WebSocketServer({ server: opts.server, path: "/v4/ws", maxPayload: opts.maxFrameBytes });
  // The HTTP server's own errors (a port in use) are passed on here too; its listen() reports them.
  wss.on("error", () => undefined);
  /** A room's key in roomSessions (app and room id). */
  const key = (appId: number, roomId: string) => `${appId}\u0000${roomId}`;

  /** Sends a frame already serialized: a text frame, whether given as a string or as its UTF-8 bytes. */
  const sendText = (ws: WebSocket | undefined, data: string | Buffer) => {
    if (ws === undefined || ws.readyState !== ws.OPEN) return;
    ws.send(data, { binary: false });
    if (ws.bufferedAmount > opts.sendBufferBytes) {
      logger.warn(
        { bufferedBytes: ws.bufferedAmount, limit: opts.sendBufferBytes },
        "closing a WebSocket client that does not read what it is sent (4008)",
      );
      ws.close(wsCloseCodes.sendBufferFull, "send buffer full: the client does not read");
      // A client that does not read does not read the close either: the socket goes after a moment.
      setTimeout(() => {
        ws.terminate();
      }, 1000).unref();
    }
  };
  const send = (ws: WebSocket | undefined, frame: WsServerFrame) => {
    sendText(ws, JSON.stringify(frame));
  };

  /** Who is in each room (by app and room id), kept beside each session's own `rooms`. */
  const roomSessions = new Map<string, Set<Session>>();

  function join(s: Session, roomId: string): void {
    addRoom(s, roomId);
    const k = key(s.appId, roomId);
    let set = roomSessions.get(k);
    if (set === undefined) {
      set = new Set();
      roomSessions.set(k, set);
    }
    set.add(s);
  }

  function part(s: Session, roomId: string): void {
    removeRoom(s, roomId);
    const k = key(s.appId, roomId);
    const set = roomSessions.get(k);
    set?.delete(s);
    if (set?.size === 0) roomSessions.delete(k);
  }

  /**
   * Joins before the write (the member's own Enter push must reach it) and parts again when the write
   * fails, unless the session was in the room already.
   */
  async function joining(s: Session, roomId: string, write: () => Promise<unknown>): Promise<void> {
    const already = inRoom(s, roomId);
    join(s, roomId);
    try {
      await write();
    } catch (e) {
      if (!already) part(s, roomId);
      throw e;
    }
  }

  /** A push to every member of a room: serialized and encoded once, however many members it has. */
  function push(appId: number, roomId: string, frame: WsPush) {
    const members = roomSessions.get(key(appId, roomId));
    if (members === undefined || members.size === 0) return;
    const data = Buffer.from(JSON.stringify(frame), "utf8");
    for (const s of members) sendText(s.ws, data);
  }

  /** A battle's events are the caller's room's; every room in the battle is pushed them. */
  function pushBattle(
    appId: number,
    p: AfterCreateBattle | AfterStartBattle | AfterEndBattle,
    seq: number,
  ): void {
    const rooms =
      p.CallbackCommand === "Live.CallbackAfterCreateBattle"
        ? [p.FromRoomId, ...p.ToRoomIdList]
        : [p.FromRoomInfo.RoomId, ...p.ToRoomList.map((x) => x.RoomId)];
    const frame: Unplaced<WsPushOf<"battleCreated" | "battleStarted" | "battleEnded">> =
      p.CallbackCommand === "Live.CallbackAfterCreateBattle"
        ? { event: "battleCreated", battleId: p.BattleId, rooms, durationMs: p.Duration }
        : p.CallbackCommand === "Live.CallbackAfterStartBattle"
          ? {
              event: "battleStarted",
              battleId: p.BattleId,
              rooms,
              durationMs: p.Duration,
              startTime: p.StartTime,
            }
          : {
              event: "battleEnded",
              battleId: p.BattleId,
              rooms,
              reason: p.OpType,
              scores: [p.FromRoomInfo, ...p.ToRoomList].map((x) => ({ roomId: x.RoomId, score: x.Score })),
            };
    for (const roomId of new Set(rooms)) push(appId, roomId, { ...frame, roomId, seq });
  }

  store.onRoomEvents((events: StoredRoomEvent[]) => {
    for (const e of events) {
      const p = e.packet;
      switch (p.CallbackCommand) {
        case "Live.CallbackAfterChangeOwner":
          push(e.appId, e.roomId, {
            event: "ownerChanged",
            roomId: e.roomId,
            from: p.OriginalOwner_Account,
            to: p.CurrentOwner_Account,
            operator: p.Operator_Account,
            seq: e.seq,
          });
          break;
        case "Live.CallbackAfterModifyAdmin":
          push(e.appId, e.roomId, {
            event: "adminsChanged",
            roomId: e.roomId,
            op: p.opType,
            userIds: p.Admin_Account,
            operator: p.Operator_Account,
            seq: e.seq,
          });
          break;
        case "Live.CallbackAfterMemberStateChanged": {
          const userIds = p.MemberList.map((m) => m.Member_Account);
          push(e.appId, e.roomId, {
            event: "memberStateChanged",
            roomId: e.roomId,
            state: p.EventType,
            cause: p.EventCause,
            userIds,
            operator: e.operator,
            seq: e.seq,
          });
          // Removed by someone else (a ban, a kick): their sessions stop hearing the room.
          if (p.EventCause === "Leave") {
            for (const u of userIds) {
              const s = sessions.get(e.appId, u);
              if (s !== undefined && inRoom(s, e.roomId)) part(s, e.roomId);
            }
          }
          break;
        }
        case "Live.CallbackAfterUpdateRoomInfo":
          push(e.appId, e.roomId, {
            event: "roomInfoChanged",
            roomId: e.roomId,
            changes: p.RoomInfo,
            seq: e.seq,
          });
          break;
        case "Live.CallbackAfterDestroyRoom":
          push(e.appId, e.roomId, {
            event: "roomDestroyed",
            roomId: e.roomId,
            operator: p.Operator_Account,
            seq: e.seq,
          });
          for (const s of [...(roomSessions.get(key(e.appId, e.roomId)) ?? [])]) part(s, e.roomId);
          break;
        case "Live.CallbackAfterSetMetadata":
          push(e.appId, e.roomId, {
            event: "metadataChanged",
            roomId: e.roomId,
            set: p.Metadata.map((m) => ({ key: m.Key, value: m.Value })),
            deleted: [],
            operator: p.Operator_Account,
            seq: e.seq,
          });
          break;
        case "Live.CallbackAfterDelMetadata":
          push(e.appId, e.roomId, {
            event: "metadataChanged",
            roomId: e.roomId,
            set: [],
            deleted: p.Keys,
            operator: p.Operator_Account,
            seq: e.seq,
          });
          break;
        case "Mic.CallbackAfterSeatInfoChanged":
          push(e.appId, e.roomId, {
            event: "seatsChanged",
            roomId: e.roomId,
            seats: p.SeatList.map(clientSeat),
            operator: e.operator,
            seq: e.seq,
          });
          break;
        case "Group.CallbackAfterSendMsg":
          push(e.appId, e.roomId, {
            event: "message",
            roomId: e.roomId,
            sender: p.From_Account,
            msgSeq: p.MsgSeq,
            // roomhook's own events carry only the elements it accepts (rooms/room-message.ts).
            msgBody: p.MsgBody as MsgElem[],
            cloudCustomData: p.CloudCustomData,
            operator: p.Operator_Account,
            seq: e.seq,
          });
          break;
        case ROOM_GIFT:
          push(e.appId, e.roomId, {
            event: "gift",
            roomId: e.roomId,
            sender: p.From_Account,
            receivers: p.ReceiverList_Account,
            giftId: p.GiftId,
            count: p.Count,
            coins: p.Coins,
            seq: e.seq,
          });
          break;
        case "Live.CallbackAfterCreateBattle":
        case "Live.CallbackAfterStartBattle":
        case "Live.CallbackAfterEndBattle":
          pushBattle(e.appId, p, e.seq);
          break;
        case "Live.CallbackAfterCreateRoom":
        case "Live.CallbackAfterCreateRoomReachingThreshold":
          break;
      }
    }
  });

  async function handle(
    session: Session | undefined,
    frame: Record<string, unknown>,
    ws: WebSocket,
    ip: string,
  ): Promise<{ reply: Reply; session?: Session }> {
    const op = frame.op;
    if (op === "login") return login(frame, ws, ip);
    if (session === undefined) return { reply: refuse(-1002, clientErrorCatalog[-1002]) };
    session.lastSeenMs = clock.now();
    if (op === "heartbeat") return { reply: answer(op) };
    const r = new FieldReader(frame);
    const ctx: OpContext = {
      appId: session.appId,
      operator: session.userId,
      platform: session.platform,
      clientIp: session.ip,
      nowMs: clock.now(),
      node: opts.nodeId,
    };
    switch (op) {
      case "createRoom": {
        const info = r.object("roomInfo");
        const owner = info.userId("Owner_Account");
        if (owner !== undefined && owner !== session.userId)
          throw new LiveError(100002, "a user creates rooms for themself");
        const room = readNewRoom(info, {
          defaultOwner: session.userId,
          nowSec: Math.floor(ctx.nowMs / 1000),
        });
        const policy = (opts.policyOf ?? (() => DEFAULT_ROOM_POLICY))(ctx.appId);
        await joining(session, room.RoomId, () =>
          store.write({ op: "createRoomAndEnter", ctx, room, policy }),
        );
        return { reply: answer(op, { roomId: room.RoomId }) };
      }
      case "enterRoom": {
        const roomId = r.roomId("roomId");
        await joining(session, roomId, () => store.write({ op: "enterRoom", ctx, roomId }));
        return { reply: answer(op) };
      }
      case "leaveRoom": {
        const roomId = r.roomId("roomId");
        await store.write({ op: "leaveRoom", ctx, roomId });
        part(session, roomId);
        return { reply: answer(op) };
      }
      case "destroyRoom": {
        await store.write({ op: "destroyRoomByOwner", ctx, roomId: r.roomId("roomId") });
        return { reply: answer(op) };
      }
      case "changeOwner": {
        const roomId = r.roomId("roomId");
        const newOwner = r.userId("userId", { required: true });
        await store.write({ op: "changeOwner", ctx, input: { roomId, newOwner, byOwner: true } });
        return { reply: answer(op) };
      }
      case "setAdmin":
      case "revokeAdmin": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        await store.write({
          op: "modifyAdminsByOwner",
          ctx,
          roomId,
          userIds: [userId],
          opType: op === "setAdmin" ? "add" : "delete",
        });
        return { reply: answer(op) };
      }
      case "getRoomInfo": {
        const roomId = r.roomId("roomId");
        const [room, admins] = await store.read(
          async (tx) =>
            [await requireRoom(tx, ctx.appId, roomId), await tx.listAdmins(ctx.appId, roomId)] as const,
        );
        return { reply: answer(op, { roomInfo: roomInfoView(room), admins }) };
      }
      case "getMemberList": {
        const roomId = r.roomId("roomId");
        const members = await store.read(async (tx) => {
          await requireRoom(tx, ctx.appId, roomId);
          return tx.listMembers(ctx.appId, roomId);
        });
        return {
          reply: answer(op, { members: members.map((m) => ({ userId: m.userId, platform: m.platform })) }),
        };
      }
      case "sendMessage": {
        // A text, or Tencent's message elements (TIMTextElem, TIMCustomElem, TIMFaceElem).
        const roomId = r.roomId("roomId");
        const text = r.string("text", { maxBytes: messageLimits.bodyBytes });
        const msgBody =
          text !== undefined
            ? [{ MsgType: "TIMTextElem" as const, MsgContent: { Text: text } }]
            : readMsgBody(r.raw("msgBody"), "msgBody");
        const cloud = r.string("cloudCustomData", { maxBytes: messageLimits.cloudCustomDataBytes });
        const res = await opts.messenger.send(ctx, {
          roomId,
          from: session.userId,
          msgBody,
          ...(cloud === undefined ? {} : { cloudCustomData: cloud }),
          byMember: true,
        });
        const seq =
          res.sent && res.event.packet.CallbackCommand === "Group.CallbackAfterSendMsg"
            ? res.event.packet.MsgSeq
            : 0;
        return { reply: answer(op, { msgSeq: seq }) };
      }
      case "sendGift": {
        const roomId = r.roomId("roomId");
        const giftId = r.string("giftId", { required: true, minBytes: 1, maxBytes: giftLimits.idBytes });
        const count = r.int("count", { min: 1, max: giftLimits.maxCount }) ?? 1;
        const receivers = r.userIdList("receivers", { maxItems: 100 });
        const e = await opts.gifts.send(ctx, {
          roomId,
          from: session.userId,
          receivers,
          giftId,
          count,
          byMember: true,
        });
        return { reply: answer(op, { seq: e.seq }) };
      }
      case "getMetadata": {
        const roomId = r.roomId("roomId");
        const all = await store.read(async (tx) => {
          await requireRoom(tx, ctx.appId, roomId);
          return tx.listMetadata(ctx.appId, roomId);
        });
        return { reply: answer(op, { metadata: all.map((m) => ({ key: m.Key, value: m.Value })) }) };
      }
      case "setMetadata": {
        const roomId = r.roomId("roomId");
        const entries = r.objectList("metadata", { maxItems: 100 }).map((m) => ({
          Key: m.string("key", { required: true }),
          Value: m.string("value", { required: true }),
        }));
        if (entries.length === 0) throw new LiveError(100002, "metadata must not be empty");
        await store.write({ op: "setMetadata", ctx, roomId, entries, byMember: true });
        return { reply: answer(op) };
      }
      case "deleteMetadata": {
        const roomId = r.roomId("roomId");
        const keys = r.stringList("keys", { maxItems: 100 });
        await store.write({ op: "deleteMetadata", ctx, roomId, keys, byMember: true });
        return { reply: answer(op) };
      }
      case "getSeatList": {
        const roomId = r.roomId("roomId");
        const seats = await store.read(async (tx) =>
          seatList(tx, ctx.appId, await requireSeatRoom(tx, ctx.appId, roomId)),
        );
        return { reply: answer(op, { seats: callbackSeats(seats).map(clientSeat) }) };
      }
      case "takeSeat": {
        const roomId = r.roomId("roomId");
        const index = r.int("index", { min: -1, max: roomLimits.maxSeatCount - 1 }) ?? -1;
        const res = await store.write({ op: "requestSeat", ctx, roomId, index });
        return { reply: answer(op, { taken: res.taken }) };
      }
      case "leaveSeat": {
        await store.write({ op: "leaveSeat", ctx, roomId: r.roomId("roomId") });
        return { reply: answer(op) };
      }
      case "cancelSeatApplication": {
        await store.write({ op: "cancelSeatApplication", ctx, roomId: r.roomId("roomId") });
        return { reply: answer(op) };
      }
      case "getSeatApplications": {
        const roomId = r.roomId("roomId");
        const apps = await store.read(async (tx) => {
          await requireSeatRoom(tx, ctx.appId, roomId);
          return tx.listSeatApplications(ctx.appId, roomId);
        });
        return {
          reply: answer(op, { applications: apps.map((a) => ({ userId: a.userId, index: a.index })) }),
        };
      }
      case "acceptSeatApplication":
      case "rejectSeatApplication": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        const accept = op === "acceptSeatApplication";
        await store.write({ op: "answerSeatApplication", ctx, roomId, userId, accept });
        return { reply: answer(op) };
      }
      case "pickSeat": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        const index = r.int("index", { required: true, min: 0, max: roomLimits.maxSeatCount - 1 });
        await store.write({ op: "pickSeat", ctx, roomId, userId, index, byMember: true });
        return { reply: answer(op) };
      }
      case "kickSeat": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        await store.write({ op: "kickSeat", ctx, roomId, userId, byMember: true });
        return { reply: answer(op) };
      }
      case "lockSeat": {
        const roomId = r.roomId("roomId");
        const index = r.int("index", { required: true, min: 0, max: roomLimits.maxSeatCount - 1 });
        const locks = {
          isLocked: r.bool("lockTaken"),
          isVideoLocked: r.bool("lockVideo"),
          isAudioLocked: r.bool("lockAudio"),
        };
        await store.write({ op: "lockSeat", ctx, roomId, index, locks, byMember: true });
        return { reply: answer(op) };
      }
      case "moveSeat": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        const index = r.int("index", { required: true, min: 0, max: roomLimits.maxSeatCount - 1 });
        const policy = (r.int("policy", { min: 0, max: 2 }) ?? 0) as 0 | 1 | 2;
        await store.write({ op: "moveSeat", ctx, roomId, userId, index, policy, byMember: true });
        return { reply: answer(op) };
      }
      case "muteMember": {
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        const durationSec = r.int("durationSec", { required: true, min: 0, max: 10 * 365 * 24 * 3600 });
        await store.write({ op: "muteMembers", ctx, roomId, userIds: [userId], durationSec, byMember: true });
        return { reply: answer(op) };
      }
      case "kickMember": {
        // Tencent's kick is a ban for a while: the member is removed and cannot come back until then.
        const roomId = r.roomId("roomId");
        const userId = r.userId("userId", { required: true });
        const durationSec = r.int("durationSec", { min: 1, max: 10 * 365 * 24 * 3600 }) ?? 60;
        await store.write({
          op: "banMembers",
          ctx,
          roomId,
          userIds: [userId],
          durationSec,
          reason: r.string("reason", { maxBytes: 1000 }) ?? "",
          byMember: true,
        });
        return { reply: answer(op) };
      }
      default:
        return { reply: refuse(-1001, `unknown op ${JSON.stringify(op)}`) };
    }
  }

  function login(
    frame: Record<string, unknown>,
    ws: WebSocket,
    ip: string,
  ): { reply: Reply; session?: Session } {
    const { sdkAppId, userId, userSig, platform } = frame;
    if (typeof sdkAppId !== "number" || typeof userId !== "string" || typeof userSig !== "string") {
      return { reply: refuse(-1001, "login needs sdkAppId (number), userId and userSig") };
    }
    // The same rule as REST's for a user id; RESTAPI is the REST API's platform, not a client's.
    const problem = userIdProblem(userId);
    if (problem !== undefined) return { reply: refuse(-1001, `userId ${problem}`) };
    if (platform !== undefined && !isClientPlatform(platform)) {
      return { reply: refuse(-1001, `platform must be one of ${clientPlatforms.join(", ")}`) };
    }
    const secret = keys.get(sdkAppId);
    if (secret === undefined) return { reply: refuse(70020, `SDKAppID ${sdkAppId} is not served here`) };
    const check = verifyUserSig({
      sdkAppId,
      key: secret,
      identifier: userId,
      userSig,
      now: Math.floor(clock.now() / 1000),
    });
    if (!check.ok) return { reply: refuse(check.code, check.reason) };
    const existing = sessions.get(sdkAppId, userId);
    if (existing?.ws !== undefined && existing.ws !== ws)
      existing.ws.close(wsCloseCodes.loggedInElsewhere, "logged in elsewhere");
    const session: Session =
      existing ??
      newSession({ appId: sdkAppId, userId, platform: "Unknown", ip, ws, lastSeenMs: clock.now() });
    session.ws = ws;
    session.ip = ip;
    session.platform = (platform as OptPlatform | undefined) ?? "Unknown";
    session.lastSeenMs = clock.now();
    sessions.set(session);
    return { reply: answer("login", { userId, rooms: roomsOf(session) }), session };
  }

  /** One line per login: who, from where, on which platform; a refused one with its code (never the UserSig). */
  function logLogin(frame: Record<string, unknown>, reply: Reply, s: Session | undefined, ip: string): void {
    if (s !== undefined) {
      logger.info(
        { SDKAppID: s.appId, userId: s.userId, platform: s.platform, ip, node: opts.nodeId },
        "client logged in",
      );
      return;
    }
    const { sdkAppId, userId } = frame;
    logger.info(
      {
        SDKAppID: typeof sdkAppId === "number" ? sdkAppId : undefined,
        // A refused login's userId may be anything, a UserSig sent in its place included: only a
        // well-formed user id is written down.
        userId: typeof userId === "string" && userIdProblem(userId) === undefined ? userId : undefined,
        ip,
        code: reply.code,
        message: "message" in reply ? reply.message : undefined,
      },
      "client login refused",
    );
  }

  wss.on("connection", (ws, req) => {
    const ip = clientIp(req.socket.remoteAddress);
    let session: Session | undefined;
    const openedMs = clock.now();
    // The heartbeat sweep covers logged-in users only: a connection that never logs in ends here. The
    // timer goes at the login (cleared and let go: a logged-in connection holds no timer of its own).
    let loginTimer: NodeJS.Timeout | undefined = setTimeout(() => {
      if (session === undefined) ws.close(wsCloseCodes.loginTimeout, "login timeout: log in first");
    }, opts.loginTimeoutMs);
    loginTimer.unref();
    ws.on("message", (data, isBinary) => {
      let frame: unknown;
      try {
        const text = Buffer.isBuffer(data)
          ? data.toString("utf8")
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8");
        frame = isBinary ? undefined : parseJson(text);
      } catch {
        frame = undefined;
      }
      if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
        send(ws, { id: null, code: -1001, message: "a frame must be a JSON object" });
        return;
      }
      const f = frame as Record<string, unknown>;
      const id = typeof f.id === "number" || typeof f.id === "string" ? f.id : null;
      handle(session, f, ws, ip)
        .then(({ reply, session: s }) => {
          if (s !== undefined) {
            session = s;
            clearTimeout(loginTimer);
            loginTimer = undefined;
          }
          if (f.op === "login") logLogin(f, reply, s, ip);
          send(ws, { id, ...reply });
        })
        .catch((err: unknown) => {
          if (err instanceof LiveError) send(ws, { id, code: clientCodeOf(err), message: err.message });
          else {
            logger.error({ err }, "unexpected error on the client path");
            send(ws, { id, code: -1, message: "internal error" });
          }
        });
    });
    ws.on("close", (code, reason) => {
      clearTimeout(loginTimer);
      logger.info(
        {
          SDKAppID: session?.appId,
          userId: session?.userId,
          ip,
          code,
          reason: reason.toString("utf8").slice(0, 123),
          connectedMs: clock.now() - openedMs,
        },
        "client connection closed",
      );
      // Not a leave: the user is still in their rooms until the heartbeat times out (or they come back).
      if (session !== undefined && session.ws === ws) session.ws = undefined;
    });
    ws.on("error", ignore);
  });

  async function sweep(): Promise<void> {
    const now = clock.now();
    const lost = sessions.list().filter((s) => now - s.lastSeenMs > opts.heartbeatTimeoutMs);
    const byRoom = new Map<string, { appId: number; roomId: string; userIds: string[] }>();
    for (const s of lost) {
      sessions.delete(s.appId, s.userId);
      s.ws?.terminate();
      for (const roomId of roomsOf(s)) {
        part(s, roomId);
        const k = key(s.appId, roomId);
        const entry = byRoom.get(k) ?? { appId: s.appId, roomId, userIds: [] };
        entry.userIds.push(s.userId);
        byRoom.set(k, entry);
      }
    }
    // One callback per room with every user it lost (Tencent: MemberList is a batch).
    await Promise.all(
      [...byRoom.values()].map((b) =>
        store
          .write({
            op: "heartbeatLost",
            ctx: systemContext(b.appId, now),
            roomId: b.roomId,
            userIds: b.userIds,
            node: opts.nodeId,
          })
          .catch((err: unknown) => {
            logger.error({ err }, "could not record lost heartbeats");
          }),
      ),
    );
    await touch(now);
    await reapDeadNodes(now);
  }

  async function touch(now: number): Promise<void> {
    await store.write({ op: "touchNode", nodeId: opts.nodeId, nowMs: now }).catch((err: unknown) => {
      logger.error({ err }, "could not record this node as alive");
    });
  }

  /** Members held by a process that died go offline as if their heartbeat had stopped. */
  async function reapDeadNodes(now: number): Promise<void> {
    try {
      const dead = await store.read((tx) => tx.listDeadNodes(now - opts.heartbeatTimeoutMs));
      for (const { nodeId, stoppedMs } of dead) {
        if (nodeId === opts.nodeId) continue;
        const events = await store.write({ op: "reapNode", nodeId, nowMs: now });
        if (stoppedMs === undefined)
          logger.warn({ nodeId, rooms: events.length }, "reaped a dead node: its members are offline");
        else
          logger.info(
            { nodeId, rooms: events.length, stoppedAt: new Date(stoppedMs).toISOString() },
            "members of a node that stopped normally did not reconnect: they are offline",
          );
      }
    } catch (err) {
      logger.error({ err }, "could not reap dead nodes");
    }
  }

  const timer = setInterval(() => void sweep(), Math.max(100, Math.min(5000, opts.heartbeatTimeoutMs / 2)));
  timer.unref();

  return {
    start: () => touch(clock.now()),
    sweep,
    sessions: () => sessions.size,
    async close() {
      clearInterval(timer);
      // A normal stop is recorded first: the node is not taken for a crashed one when it is reaped.
      await store.write({ op: "stopNode", nodeId: opts.nodeId, nowMs: clock.now() }).catch((err: unknown) => {
        logger.error({ err }, "could not record this node's normal stop");
      });
      // 1001 Going Away: clients know the server left on purpose (and reconnect, to another process
      // or to this one restarted); one that does not answer the close within a second is cut.
      const open = [...wss.clients];
      for (const ws of open) ws.close(wsCloseCodes.serverStopping, "server stopping");
      await Promise.race([
        Promise.all(
          open.map(
            (ws) =>
              new Promise<void>((r) => {
                if (ws.readyState === ws.CLOSED) r();
                else
                  ws.once("close", () => {
                    r();
                  });
              }),
          ),
        ),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => {
        wss.close(() => {
          resolve();
        });
      });
    },
  };
}
