/**
 * The user's side: one WebSocket to roomhook, typed calls, pushed room events, automatic reconnect that
 * restores room membership. Runs in browsers (native WebSocket) and on Node.js 20 (pass `ws`).
 */

export type Platform = "Web" | "Android" | "iOS" | "Windows" | "Mac" | "iPad" | "Unknown";

export interface RoomEvents {
  ownerChanged: { roomId: string; from: string; to: string; operator: string; seq: number };
  adminsChanged: { roomId: string; op: "add" | "delete"; userIds: string[]; operator: string; seq: number };
  memberStateChanged: {
    roomId: string;
    state: "Online" | "Offline";
    cause: "Enter" | "Leave" | "HeartbeatInterrupt" | "HeartbeatRecover";
    userIds: string[];
    /** Who did it: the member themself, or (a Leave by ban or kick) the owner, an admin or an App admin. */
    operator: string;
    seq: number;
  };
  /** Room metadata set or deleted (by the owner, an admin or the App backend). */
  metadataChanged: {
    roomId: string;
    set: { key: string; value: string }[];
    deleted: string[];
    operator: string;
    seq: number;
  };
  /** The room's seats after any change, all of them, by index. */
  seatsChanged: { roomId: string; seats: Seat[]; operator: string; seq: number };
  /**
   * A message in the room, as the App backend's before-callback left it: Tencent's message elements
   * (`TIMTextElem` {Text}, `TIMCustomElem` {Data, Desc?, Ext?}, `TIMFaceElem` {Index, Data?}),
   * `msgSeq` its number in the room.
   */
  message: {
    roomId: string;
    sender: string;
    msgSeq: number;
    msgBody: MsgElem[];
    cloudCustomData: string;
    operator: string;
    seq: number;
  };
  /** A gift the App backend allowed: `count` gifts of `coins` each, to each receiver. */
  gift: {
    roomId: string;
    sender: string;
    receivers: string[];
    giftId: string;
    count: number;
    coins: number;
    seq: number;
  };
  /** A battle this room is in was created, started, or ended (`reason`: Tencent's OpType). */
  battleCreated: { roomId: string; battleId: string; rooms: string[]; durationMs: number; seq: number };
  battleStarted: {
    roomId: string;
    battleId: string;
    rooms: string[];
    durationMs: number;
    startTime: number;
    seq: number;
  };
  battleEnded: {
    roomId: string;
    battleId: string;
    rooms: string[];
    reason: 0 | 1 | 2;
    scores: { roomId: string; score: number }[];
    seq: number;
  };
  roomInfoChanged: { roomId: string; changes: Record<string, unknown>; seq: number };
  roomDestroyed: { roomId: string; operator: string; seq: number };
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
}

/** A message element (Tencent Chat's TIMMessage element). */
export type MsgElem =
  | { MsgType: "TIMTextElem"; MsgContent: { Text: string } }
  | { MsgType: "TIMCustomElem"; MsgContent: { Data: string; Desc?: string; Ext?: string; Sound?: string } }
  | { MsgType: "TIMFaceElem"; MsgContent: { Index: number; Data?: string } };

/** A seat (Tencent: Mic seat list), from index 0; `userId` is "" on a free seat. */
export interface Seat {
  index: number;
  userId: string;
  lockTaken: boolean;
  lockVideo: boolean;
  lockAudio: boolean;
}

/**
 * Close codes after which reconnecting is wrong: 4001, replaced by a newer login of the same user (two
 * tabs would otherwise take the connection from each other forever); 1008, refused by policy.
 */
const FINAL_CLOSE_CODES = new Set([4001, 1008]);

/** What the client needs of a WebSocket: the browser's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ClientOptions {
  /**
   * ws://host:port/v4/ws. Several addresses (processes of one backend without a load balancer in
   * front): the client connects to the first, and moves on to the next when one cannot be reached.
   */
  url: string | readonly string[];
  sdkAppId: number;
  userId: string;
  /** A UserSig, or a function that makes a fresh one (called again on every reconnect). */
  userSig: string | (() => string | Promise<string>);
  platform?: Platform;
  /** Defaults to globalThis.WebSocket (browsers, Node 22); on Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  heartbeatMs?: number;
  requestTimeoutMs?: number;
  /** Reconnect delays, doubling from min to max; false turns reconnecting off. */
  reconnect?: { minMs: number; maxMs: number } | false;
}

/** A failed call: `code` is Tencent's client error code (login: the UserSig's 70xxx code). */
export class RoomhookClientError extends Error {
  readonly code: number;
  readonly op: string;
  constructor(op: string, code: number, message: string) {
    super(`${op} failed (${code}): ${message}`);
    this.name = "RoomhookClientError";
    this.code = code;
    this.op = op;
  }
}

type Listener<E extends keyof RoomEvents> = (e: RoomEvents[E]) => void;

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

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.retryMs = opts.reconnect === false ? 0 : (opts.reconnect?.minMs ?? 250);
  }

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
    let f: {
      id?: number;
      code?: number;
      data?: unknown;
      message?: string;
      event?: keyof RoomEvents;
      roomId?: string;
    };
    try {
      f = JSON.parse(text) as typeof f;
    } catch {
      return;
    }
    if (f.event !== undefined) {
      if (f.event === "roomDestroyed" && f.roomId !== undefined) this.rooms.delete(f.roomId);
      // Removed by a ban or a kick: not back in this room after a reconnect.
      const m = f as { cause?: string; userIds?: string[] };
      if (
        f.event === "memberStateChanged" &&
        f.roomId !== undefined &&
        m.cause === "Leave" &&
        m.userIds?.includes(this.opts.userId) === true
      )
        this.rooms.delete(f.roomId);
      this.emit(f.event, f as never);
      return;
    }
    if (typeof f.id !== "number") return;
    const p = this.pending.get(f.id);
    if (p === undefined) return;
    this.pending.delete(f.id);
    clearTimeout(p.timer);
    if (f.code === 0) p.resolve(f.data);
    else p.reject(new RoomhookClientError(p.op, f.code ?? -1, f.message ?? "failed"));
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
    const final = FINAL_CLOSE_CODES.has(code);
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

  private request(op: string, args: Record<string, unknown>): Promise<unknown> {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== 1)
      return Promise.reject(new RoomhookClientError(op, -1, "not connected"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RoomhookClientError(op, -1, "no answer in time"));
      }, this.opts.requestTimeoutMs ?? 10_000);
      this.pending.set(id, { op, resolve, reject, timer });
      ws.send(JSON.stringify({ id, op, ...args }));
    });
  }

  async createRoom(roomInfo: { RoomId: string } & Record<string, unknown>): Promise<void> {
    await this.request("createRoom", { roomInfo: { RoomType: "Live", ...roomInfo } });
    this.rooms.add(roomInfo.RoomId);
  }
  async enterRoom(roomId: string): Promise<void> {
    await this.request("enterRoom", { roomId });
    this.rooms.add(roomId);
  }
  async leaveRoom(roomId: string): Promise<void> {
    await this.request("leaveRoom", { roomId });
    this.rooms.delete(roomId);
  }
  async destroyRoom(roomId: string): Promise<void> {
    await this.request("destroyRoom", { roomId });
    this.rooms.delete(roomId);
  }
  /** Hands the room to a member (Tencent: changeUserRole(userId, ROOM_OWNER)); owner only. */
  async changeOwner(roomId: string, userId: string): Promise<void> {
    await this.request("changeOwner", { roomId, userId });
  }
  async setAdmin(roomId: string, userId: string): Promise<void> {
    await this.request("setAdmin", { roomId, userId });
  }
  async revokeAdmin(roomId: string, userId: string): Promise<void> {
    await this.request("revokeAdmin", { roomId, userId });
  }
  async getRoomInfo(
    roomId: string,
  ): Promise<{ roomInfo: Record<string, unknown> & { Owner_Account: string }; admins: string[] }> {
    return (await this.request("getRoomInfo", { roomId })) as {
      roomInfo: Record<string, unknown> & { Owner_Account: string };
      admins: string[];
    };
  }
  async getMemberList(roomId: string): Promise<{ userId: string; platform: string }[]> {
    return (
      (await this.request("getMemberList", { roomId })) as { members: { userId: string; platform: string }[] }
    ).members;
  }

  /**
   * Sends a text to the room (a TIMTextElem). Resolves with its `msgSeq`, or 0 when the App backend
   * dropped it silently (its before-callback answered 2). Fails with 10016, or the App backend's own
   * code in [10100, 10200], when it refused; 100017's meaning when muted.
   */
  async sendText(roomId: string, text: string, cloudCustomData?: string): Promise<number> {
    const args = cloudCustomData === undefined ? { roomId, text } : { roomId, text, cloudCustomData };
    return ((await this.request("sendMessage", args)) as { msgSeq: number }).msgSeq;
  }
  /** Sends custom data (a TIMCustomElem with `desc` as its Desc); as sendText. */
  async sendCustom(roomId: string, data: string, desc?: string): Promise<number> {
    const content = desc === undefined ? { Data: data } : { Data: data, Desc: desc };
    return this.sendMessage(roomId, [{ MsgType: "TIMCustomElem", MsgContent: content }]);
  }
  /** Sends Tencent's message elements (at most 20, 12 KB in all); as sendText. */
  async sendMessage(roomId: string, msgBody: MsgElem[], cloudCustomData?: string): Promise<number> {
    const args = cloudCustomData === undefined ? { roomId, msgBody } : { roomId, msgBody, cloudCustomData };
    return ((await this.request("sendMessage", args)) as { msgSeq: number }).msgSeq;
  }
  /**
   * Sends `count` gifts to each receiver. Resolves when the App backend allowed it (its
   * Live.CallbackBeforeSendGift); fails with its code in [102100, 102200], or 102004 when it refused
   * or did not answer, 102002 for an unknown gift.
   */
  async sendGift(roomId: string, giftId: string, count: number, receivers: string[]): Promise<number> {
    return ((await this.request("sendGift", { roomId, giftId, count, receivers })) as { seq: number }).seq;
  }
  async getMetadata(roomId: string): Promise<{ key: string; value: string }[]> {
    return ((await this.request("getMetadata", { roomId })) as { metadata: { key: string; value: string }[] })
      .metadata;
  }
  /** Owner or admin: sets keys (Tencent limits: 10 keys, 50-byte keys, 2 KB values, 16 KB in all). */
  async setMetadata(roomId: string, metadata: { key: string; value: string }[]): Promise<void> {
    await this.request("setMetadata", { roomId, metadata });
  }
  /** Owner or admin. */
  async deleteMetadata(roomId: string, keys: string[]): Promise<void> {
    await this.request("deleteMetadata", { roomId, keys });
  }
  async getSeatList(roomId: string): Promise<Seat[]> {
    return ((await this.request("getSeatList", { roomId })) as { seats: Seat[] }).seats;
  }
  /**
   * Takes a seat (index, or any free one): at once in a FreeToTake room (and for the owner and
   * admins); in an ApplyToTake room the request waits for the owner or an admin (`taken: false`).
   */
  async takeSeat(roomId: string, index = -1): Promise<{ taken: boolean }> {
    return (await this.request("takeSeat", { roomId, index })) as { taken: boolean };
  }
  async leaveSeat(roomId: string): Promise<void> {
    await this.request("leaveSeat", { roomId });
  }
  async cancelSeatApplication(roomId: string): Promise<void> {
    await this.request("cancelSeatApplication", { roomId });
  }
  /** Owner or admin: the applications waiting, oldest first (index -1: any seat). */
  async getSeatApplications(roomId: string): Promise<{ userId: string; index: number }[]> {
    return (
      (await this.request("getSeatApplications", { roomId })) as {
        applications: { userId: string; index: number }[];
      }
    ).applications;
  }
  async acceptSeatApplication(roomId: string, userId: string): Promise<void> {
    await this.request("acceptSeatApplication", { roomId, userId });
  }
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
