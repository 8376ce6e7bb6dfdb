/**
 * The user's side: one WebSocket to roomhook, typed calls, pushed room events, automatic reconnect that
 * restores room membership. Runs in browsers (native WebSocket) and on Node.js 20 (pass `ws`).
 */

import type {
  ClientPlatform,
  MsgElem,
  WsFinalCloseCode,
  WsOp,
  WsPushes,
  WsReplyData,
  WsRequestArgs,
  WsSeat,
  WsServerFrame,
} from "@roomhook/protocol";

/**
 * The platform a client logs in with (the callbacks' `OptPlatform`): every Tencent OptPlatform but
 * RESTAPI, which is the REST API's own. Default "Unknown".
 */
export type Platform = ClientPlatform;

/** A message element (Tencent Chat's TIMMessage element): `TIMTextElem`, `TIMCustomElem`, `TIMFaceElem`. */
export type { MsgElem };

/** A seat (Tencent: Mic seat list), from index 0; `userId` is "" on a free seat. */
export type Seat = WsSeat;

/**
 * A room's fields at creation (Tencent create_room's RoomInfo, 63401): `RoomId` (at most 48 bytes of
 * printable ASCII) and what differs from create_room's defaults. `RoomType` is always "Live".
 */
export type NewRoomInfo = Omit<WsRequestArgs<"createRoom">["roomInfo"], "RoomType"> & { RoomType?: "Live" };

/**
 * What a client is told, by event name: every push the server sends (`@roomhook/protocol`'s
 * `wsPushSchemas`, each with its `roomId` and `seq`, the room event's sequence number), and the
 * client's own `disconnected` and `reconnected`.
 */
export type RoomEvents = WsPushes & {
  /**
   * The connection dropped; calls fail until it is back. `code` and `reason` are the WebSocket close's
   * (1006 and "" for a network failure). A close that says this client must not come back (4001: the
   * same user logged in elsewhere, the newer login wins; 1008: the server refused the connection)
   * ends it for good: `willReconnect` is false, and reconnecting would only start a fight. After the
   * others it reconnects: 4002 (it had not logged in within the server's login timeout), 4008 (it did
   * not read what it was sent fast enough), 1001 (the server stopped normally), 1006 (the network).
   * A reconnect whose login the server
   * refuses (a fixed UserSig that expired, or one that does not verify) ends it too: one more
   * `disconnected`, with `willReconnect` false and `code` the server's 70xxx. Failed attempts that
   * will be retried (the server still down) emit nothing.
   */
  disconnected: { willReconnect: boolean; code: number; reason: string };
  /** Logged in again and back in every room it was in. */
  reconnected: { rooms: string[] };
};

/**
 * Close codes after which reconnecting is wrong (protocol's `wsFinalCloseCodes`): 4001, replaced by a
 * newer login of the same user (two tabs would otherwise take the connection from each other
 * forever); 1008, refused by policy. A table checked against the protocol's list (the SDK imports
 * only types: it runs in browsers).
 */
const FINAL_CLOSE: Record<WsFinalCloseCode, true> = { 4001: true, 1008: true };
const isFinalClose = (code: number): boolean => Object.hasOwn(FINAL_CLOSE, code);

/** What the client needs of a WebSocket: the browser's, or the `ws` package's. */
export interface WebSocketLike {
  /** 1 when open (the WebSocket standard's OPEN). */
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
/** A WebSocket class: `globalThis.WebSocket` in browsers and Node 22, `ws`'s `WebSocket` on Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** How a client connects and logs in. */
export interface ClientOptions {
  /**
   * ws://host:port/v4/ws. Several addresses (processes of one backend without a load balancer in
   * front): the client connects to the first, and moves on to the next when one cannot be reached.
   */
  url: string | readonly string[];
  /** The app's SDKAppID. */
  sdkAppId: number;
  /** The user (Tencent Chat UserID: at most 32 bytes). */
  userId: string;
  /** A UserSig, or a function that makes a fresh one (called again on every reconnect). */
  userSig: string | (() => string | Promise<string>);
  /** What the callbacks' OptPlatform says for this user's actions; default "Unknown". */
  platform?: Platform;
  /** Defaults to globalThis.WebSocket (browsers, Node 22); on Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** How often a heartbeat is sent, in ms (default 10 000): below the server's heartbeat timeout. */
  heartbeatMs?: number;
  /** How long a call waits for its reply before it fails with -1, in ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Reconnect delays in ms, doubling from min to max (default 250 to 10 000); false turns reconnecting off. */
  reconnect?: { minMs: number; maxMs: number } | false;
}

/** A failed call: `code` is Tencent's client error code (login: the UserSig's 70xxx code). */
export class RoomhookClientError extends Error {
  /** Tencent's client error code (-1 here: not connected, no answer in time, connection lost). */
  readonly code: number;
  /** The request that failed (`login`, `changeOwner`, ...). */
  readonly op: string;
  /** A failure of `op` with the server's (or the client's own, -1) code and message. */
  constructor(op: string, code: number, message: string) {
    super(`${op} failed (${code}): ${message}`);
    this.name = "RoomhookClientError";
    this.code = code;
    this.op = op;
  }
}

type Listener<E extends keyof RoomEvents> = (e: RoomEvents[E]) => void;

/**
 * A user's connection to roomhook: `login()`, then typed calls (each one request of the protocol's
 * `wsRequestSchemas`) and room events by `on(event, listener)`.
 */
export class RoomhookClient {
  private readonly opts: ClientOptions;
  private ws: WebSocketLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      op: string;
      resolve: (v: unknown) => void;
      reject: (e: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  private readonly listeners = new Map<keyof RoomEvents, Set<(e: never) => void>>();
  private readonly rooms = new Set<string>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private loggedIn = false;
  private retryMs: number;
  /** Which of several addresses to connect to next. */
  private urlIndex = 0;

  /** A client that has not connected yet: `login()` connects. */
  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.retryMs = opts.reconnect === false ? 0 : (opts.reconnect?.minMs ?? 250);
  }

  /** Listens to an event of the rooms this user is in (or of the connection); returns the unsubscribe. */
  on<E extends keyof RoomEvents>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit<E extends keyof RoomEvents>(event: E, payload: RoomEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<E>)(payload);
  }

  /** Connects and logs in; rejects with the server's reason (a bad UserSig: its 70xxx code). */
  async login(): Promise<void> {
    this.closed = false;
    // With several addresses, one that cannot be reached is passed over: each is tried once.
    const tries = typeof this.opts.url === "string" ? 1 : Math.max(1, this.opts.url.length);
    for (let i = 1; ; i++) {
      try {
        await this.connect();
        return;
      } catch (err) {
        const unreachable = err instanceof RoomhookClientError && err.message.includes("cannot connect to ");
        if (!unreachable || i >= tries) {
          // A refused login leaves no socket behind for the server's login timeout to close.
          this.ws?.close();
          throw err;
        }
      }
    }
  }

  private async connect(): Promise<void> {
    const Ctor = this.opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (Ctor === undefined)
      throw new RoomhookClientError(
        "login",
        -1,
        "no WebSocket: on Node.js 20 pass the ws package's WebSocket",
      );
    const urls = typeof this.opts.url === "string" ? [this.opts.url] : this.opts.url;
    const url = urls[this.urlIndex % urls.length] ?? "";
    const ws = new Ctor(url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => {
        resolve();
      };
      ws.onerror = () => {
        this.urlIndex = (this.urlIndex + 1) % urls.length; // the next address, next time
        reject(new RoomhookClientError("login", -1, `cannot connect to ${url}`));
      };
    });
    ws.onmessage = (ev) => {
      this.onFrame(String(ev.data));
    };
    ws.onclose = (ev) => {
      const { code, reason } = (ev ?? {}) as { code?: unknown; reason?: unknown };
      this.onClose(ws, typeof code === "number" ? code : 1006, typeof reason === "string" ? reason : "");
    };
    ws.onerror = () => undefined;
    const userSig = typeof this.opts.userSig === "string" ? this.opts.userSig : await this.opts.userSig();
    await this.request("login", {
      sdkAppId: this.opts.sdkAppId,
      userId: this.opts.userId,
      userSig,
      platform: this.opts.platform ?? "Unknown",
    });
    this.loggedIn = true;
    this.retryMs = this.opts.reconnect === false ? 0 : (this.opts.reconnect?.minMs ?? 250);
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      this.request("heartbeat", {}).catch(() => undefined);
    }, this.opts.heartbeatMs ?? 10_000);
  }

  private onFrame(text: string): void {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof v !== "object" || v === null) return;
    // The server's frames are declared by @roomhook/protocol (a test holds the server to them).
    const f = v as WsServerFrame;
    if ("event" in f) {
      if (f.event === "roomDestroyed") this.rooms.delete(f.roomId);
      // Removed by a ban or a kick: not back in this room after a reconnect.
      if (f.event === "memberStateChanged" && f.cause === "Leave" && f.userIds.includes(this.opts.userId))
        this.rooms.delete(f.roomId);
      this.emit(f.event, f);
      return;
    }
    if (typeof f.id !== "number") return;
    const p = this.pending.get(f.id);
    if (p === undefined) return;
    this.pending.delete(f.id);
    clearTimeout(p.timer);
    if ("message" in f) p.reject(new RoomhookClientError(p.op, f.code, f.message));
    else p.resolve(f.data);
  }

  private onClose(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.ws) return;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RoomhookClientError(p.op, -1, "connection lost"));
      this.pending.delete(id);
    }
    const final = isFinalClose(code);
    if (final) this.closed = true;
    const dropped = this.loggedIn;
    this.loggedIn = false;
    // A connection that closes before its login succeeded is not a disconnection: login() rejected
    // already, or the reconnect attempt's own failure schedules the next (or ends reconnecting).
    if (!dropped) return;
    const willReconnect = !final && !this.closed && this.opts.reconnect !== false;
    this.emit("disconnected", { willReconnect, code, reason });
    if (willReconnect) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = this.retryMs;
    const max = this.opts.reconnect === false ? 0 : (this.opts.reconnect?.maxMs ?? 10_000);
    this.retryMs = Math.min(max, Math.max(1, this.retryMs * 2));
    setTimeout(() => {
      if (this.closed) return;
      this.connect()
        .then(async () => {
          // Back in every room it was in (an owner is back in theirs, a member recovers).
          for (const roomId of [...this.rooms])
            await this.request("enterRoom", { roomId }).catch(() => this.rooms.delete(roomId));
          this.emit("reconnected", { rooms: [...this.rooms] });
        })
        .catch((err: unknown) => {
          // The server refused the login (a UserSig that expired or does not verify, 70xxx): the
          // same login would be refused again. Reconnecting ends, said once, with the server's code.
          const refused = err instanceof RoomhookClientError && err.code >= 70000 && err.code < 80000;
          if (refused) {
            this.closed = true;
            this.ws?.close();
            this.emit("disconnected", { willReconnect: false, code: err.code, reason: err.message });
            return;
          }
          this.ws?.close();
          this.scheduleReconnect();
        });
    }, delay);
  }

  /** Sends a request of the protocol's (`wsRequestSchemas`) and resolves with its reply's data. */
  private request<O extends WsOp>(op: O, args: WsRequestArgs<O>): Promise<WsReplyData<O>> {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== 1)
      return Promise.reject(new RoomhookClientError(op, -1, "not connected"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RoomhookClientError(op, -1, "no answer in time"));
      }, this.opts.requestTimeoutMs ?? 10_000);
      // The reply carries no op: its data is the op's by the protocol (WsReplyData).
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ id, op, ...args }));
    });
  }

  /**
   * Creates a room owned by this user and enters it: Tencent create_room's RoomInfo (`RoomType`
   * defaults to "Live"; `Owner_Account`, when given, must be this user; unset fields take
   * create_room's defaults).
   */
  async createRoom(roomInfo: NewRoomInfo): Promise<void> {
    await this.request("createRoom", { roomInfo: { RoomType: "Live", ...roomInfo } });
    this.rooms.add(roomInfo.RoomId);
  }
  /** Enters a room; its members are pushed a memberStateChanged (Enter). */
  async enterRoom(roomId: string): Promise<void> {
    await this.request("enterRoom", { roomId });
    this.rooms.add(roomId);
  }
  /** Leaves a room (an owner cannot: -2102, dissolve it instead). */
  async leaveRoom(roomId: string): Promise<void> {
    await this.request("leaveRoom", { roomId });
    this.rooms.delete(roomId);
  }
  /** Dissolves a room; owner only. */
  async destroyRoom(roomId: string): Promise<void> {
    await this.request("destroyRoom", { roomId });
    this.rooms.delete(roomId);
  }
  /** Hands the room to a member (Tencent: changeUserRole(userId, ROOM_OWNER)); owner only. */
  async changeOwner(roomId: string, userId: string): Promise<void> {
    await this.request("changeOwner", { roomId, userId });
  }
  /** Makes a member an admin; owner only. */
  async setAdmin(roomId: string, userId: string): Promise<void> {
    await this.request("setAdmin", { roomId, userId });
  }
  /** Takes a member's admin role back; owner only. */
  async revokeAdmin(roomId: string, userId: string): Promise<void> {
    await this.request("revokeAdmin", { roomId, userId });
  }
  /** The room's fields (as Tencent get_room_info answers them) and its admins. */
  async getRoomInfo(roomId: string): Promise<WsReplyData<"getRoomInfo">> {
    return this.request("getRoomInfo", { roomId });
  }
  /** The room's members, in the order they entered, with the platform each logged in with. */
  async getMemberList(roomId: string): Promise<WsReplyData<"getMemberList">["members"]> {
    return (await this.request("getMemberList", { roomId })).members;
  }

  /**
   * Sends a text to the room (a TIMTextElem). Resolves with its `msgSeq`, or 0 when the App backend
   * dropped it silently (its before-callback answered 2). Fails with 10016, or the App backend's own
   * code in [10100, 10200], when it refused; 100017's meaning when muted.
   */
  async sendText(roomId: string, text: string, cloudCustomData?: string): Promise<number> {
    const args = cloudCustomData === undefined ? { roomId, text } : { roomId, text, cloudCustomData };
    return (await this.request("sendMessage", args)).msgSeq;
  }
  /** Sends custom data (a TIMCustomElem with `desc` as its Desc); as sendText. */
  async sendCustom(roomId: string, data: string, desc?: string): Promise<number> {
    const content = desc === undefined ? { Data: data } : { Data: data, Desc: desc };
    return this.sendMessage(roomId, [{ MsgType: "TIMCustomElem", MsgContent: content }]);
  }
  /** Sends Tencent's message elements (at most 20, 12 KB in all); as sendText. */
  async sendMessage(roomId: string, msgBody: MsgElem[], cloudCustomData?: string): Promise<number> {
    const args = cloudCustomData === undefined ? { roomId, msgBody } : { roomId, msgBody, cloudCustomData };
    return (await this.request("sendMessage", args)).msgSeq;
  }
  /**
   * Sends `count` gifts to each receiver. Resolves when the App backend allowed it (its
   * Live.CallbackBeforeSendGift); fails with its code in [102100, 102200], or 102004 when it refused
   * or did not answer, 102002 for an unknown gift.
   */
  async sendGift(roomId: string, giftId: string, count: number, receivers: string[]): Promise<number> {
    return (await this.request("sendGift", { roomId, giftId, count, receivers })).seq;
  }
  /** Every metadata key of the room. */
  async getMetadata(roomId: string): Promise<{ key: string; value: string }[]> {
    return (await this.request("getMetadata", { roomId })).metadata;
  }
  /** Owner or admin: sets keys (Tencent limits: 10 keys, 50-byte keys, 2 KB values, 16 KB in all). */
  async setMetadata(roomId: string, metadata: { key: string; value: string }[]): Promise<void> {
    await this.request("setMetadata", { roomId, metadata });
  }
  /** Owner or admin: deletes keys. */
  async deleteMetadata(roomId: string, keys: string[]): Promise<void> {
    await this.request("deleteMetadata", { roomId, keys });
  }
  /** Every seat of the room, by index. */
  async getSeatList(roomId: string): Promise<Seat[]> {
    return (await this.request("getSeatList", { roomId })).seats;
  }
  /**
   * Takes a seat (index, or any free one): at once in a FreeToTake room (and for the owner and
   * admins); in an ApplyToTake room the request waits for the owner or an admin (`taken: false`).
   */
  async takeSeat(roomId: string, index = -1): Promise<{ taken: boolean }> {
    return this.request("takeSeat", { roomId, index });
  }
  /** Leaves this user's seat. */
  async leaveSeat(roomId: string): Promise<void> {
    await this.request("leaveSeat", { roomId });
  }
  /** Withdraws this user's seat application. */
  async cancelSeatApplication(roomId: string): Promise<void> {
    await this.request("cancelSeatApplication", { roomId });
  }
  /** Owner or admin: the applications waiting, oldest first (index -1: any seat). */
  async getSeatApplications(roomId: string): Promise<{ userId: string; index: number }[]> {
    return (await this.request("getSeatApplications", { roomId })).applications;
  }
  /** Owner or admin: accepts a member's seat application. */
  async acceptSeatApplication(roomId: string, userId: string): Promise<void> {
    await this.request("acceptSeatApplication", { roomId, userId });
  }
  /** Owner or admin: rejects a member's seat application. */
  async rejectSeatApplication(roomId: string, userId: string): Promise<void> {
    await this.request("rejectSeatApplication", { roomId, userId });
  }
  /** Owner or admin: puts a member on a seat. */
  async pickSeat(roomId: string, userId: string, index: number): Promise<void> {
    await this.request("pickSeat", { roomId, userId, index });
  }
  /** Owner or admin: takes a member off their seat. */
  async kickSeat(roomId: string, userId: string): Promise<void> {
    await this.request("kickSeat", { roomId, userId });
  }
  /** Owner or admin: sets the locks given; locking against taking frees the seat. */
  async lockSeat(
    roomId: string,
    index: number,
    locks: { lockTaken?: boolean; lockVideo?: boolean; lockAudio?: boolean },
  ): Promise<void> {
    await this.request("lockSeat", { roomId, index, ...locks });
  }
  /** Owner or admin: moves a seated member (policy 0 cancel, 1 force, 2 swap when the seat is taken). */
  async moveSeat(roomId: string, userId: string, index: number, policy: 0 | 1 | 2 = 0): Promise<void> {
    await this.request("moveSeat", { roomId, userId, index, policy });
  }
  /** Owner or admin: mutes a member for durationSec seconds (0 lifts the mute). */
  async muteMember(roomId: string, userId: string, durationSec: number): Promise<void> {
    await this.request("muteMember", { roomId, userId, durationSec });
  }
  /** Owner or admin: removes a member, who cannot come back for durationSec seconds (default 60). */
  async kickMember(roomId: string, userId: string, durationSec?: number): Promise<void> {
    await this.request(
      "kickMember",
      durationSec === undefined ? { roomId, userId } : { roomId, userId, durationSec },
    );
  }

  /** The rooms this client is in (restored after a reconnect). */
  joinedRooms(): string[] {
    return [...this.rooms];
  }

  /** Disconnects for good (no reconnect). Rooms are not left: leave them first if that is meant. */
  close(): void {
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.ws?.close();
  }

  /** Drops the connection as a network failure would (for tests and demos); reconnects if enabled. */
  simulateDrop(): void {
    this.ws?.close(4000, "simulated drop");
  }
}
