import type { RoomCallbacksAnswer } from "@roomhook/protocol";
import type { VerifiedCallback } from "./verify.ts";
import { parseCallback } from "./parse.ts";

/** One owner change as the App backend keeps it. */
export interface OwnerChange {
  roomId: string;
  from: string;
  to: string;
  operator: string;
  eventTime: number;
  sequence?: number;
  eventId?: string;
}

/** What the mirror keeps per room; serializable, for the App backend to persist. */
export interface RoomMirrorState {
  roomId: string;
  owner?: string;
  destroyed: boolean;
  /** Sequence of the last callback applied for this room (roomhook's headers), 0 before the first. */
  lastSequence: number;
  history: OwnerChange[];
  /** Event ids applied, to drop duplicates. */
  seen: string[];
  /** Callbacks that arrived ahead of a gap, by sequence, waiting for what is missing. */
  waiting: VerifiedCallback[];
}

/**
 * What became of a callback: applied (with what waited behind it), a duplicate (dropped), waiting
 * behind a gap, or ignored (no room of its own: the quota alert).
 */
export type ApplyResult = "applied" | "duplicate" | "waiting" | "ignored";

/**
 * Fetches a page of the server's catch-up query: `roomhook_delivery/get_room_callbacks` with `RoomId`
 * and `AfterSequence`, its answer (the envelope's `Response`) as it came. Each packet is checked
 * against its schema before it is applied.
 */
export type CatchUp = (roomId: string, afterSequence: number) => Promise<RoomCallbacksAnswer>;

/** Where an OwnerMirror keeps its rooms and how it fetches what it missed; all optional. */
export interface OwnerMirrorOptions {
  /** Reads a room's saved state (the App backend's database); undefined for a room never seen. */
  load?: (roomId: string) => RoomMirrorState | undefined;
  /** Saves a room's state after every change. */
  save?: (state: RoomMirrorState) => void;
  /** Fetches missed callbacks of a room; without it, gaps are only reported. */
  catchUp?: CatchUp;
  /** How many event ids per room are remembered for de-duplication. */
  rememberEvents?: number;
}

/**
 * Applies owner changes in order, whatever order and however often callbacks arrive. With roomhook's
 * headers it orders by the room's sequence numbers and sees gaps exactly (the previous sequence does not
 * match); without them (a Tencent-only sender) it orders by EventTime and drops exact repeats.
 */
export class OwnerMirror {
  private readonly rooms = new Map<string, RoomMirrorState>();
  private readonly opts: OwnerMirrorOptions;

  /** A mirror that keeps rooms in memory, and in `load`/`save`'s store when given. */
  constructor(opts: OwnerMirrorOptions = {}) {
    this.opts = opts;
  }

  private state(roomId: string): RoomMirrorState {
    let s = this.rooms.get(roomId) ?? this.opts.load?.(roomId);
    if (s === undefined)
      s = { roomId, destroyed: false, lastSequence: 0, history: [], seen: [], waiting: [] };
    this.rooms.set(roomId, s);
    return s;
  }

  /** The room's owner now; undefined before its creation or first owner change was seen. */
  owner(roomId: string): string | undefined {
    return this.state(roomId).owner;
  }

  /**
   * Whether the room was dissolved and not created again since: by a user or an admin
   * (DestroyByUser) or by the system (DestroyBySystem: empty, or its owner gone, for too long).
   */
  isDestroyed(roomId: string): boolean {
    return this.state(roomId).destroyed;
  }

  /** The room's owner changes, oldest first. */
  history(roomId: string): readonly OwnerChange[] {
    return this.state(roomId).history;
  }

  /** Rooms with callbacks waiting behind a gap. */
  gaps(): string[] {
    return [...this.rooms.values()].filter((s) => s.waiting.length > 0).map((s) => s.roomId);
  }

  /**
   * Applies a verified callback in its room's order: by sequence with roomhook's headers (a gap makes
   * it wait), by EventTime without them.
   */
  apply(cb: VerifiedCallback): ApplyResult {
    const roomId = roomOf(cb);
    if (roomId === undefined) return "ignored";
    const s = this.state(roomId);
    if (cb.eventId !== undefined && s.seen.includes(cb.eventId)) return "duplicate";
    if (cb.sequence === undefined || cb.previousSequence === undefined) {
      const r = this.applyByTime(s, cb);
      this.opts.save?.(s);
      return r;
    }
    if (cb.sequence <= s.lastSequence) return "duplicate";
    if (cb.previousSequence !== s.lastSequence) {
      if (!s.waiting.some((w) => w.sequence === cb.sequence)) {
        s.waiting.push(cb);
        s.waiting.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0));
      }
      this.opts.save?.(s);
      return "waiting";
    }
    this.applyNow(s, cb);
    // What waited behind this one may follow now.
    for (;;) {
      const i = s.waiting.findIndex((w) => w.previousSequence === s.lastSequence);
      if (i < 0) break;
      const [next] = s.waiting.splice(i, 1);
      if (next !== undefined) this.applyNow(s, next);
    }
    s.waiting = s.waiting.filter((w) => (w.sequence ?? 0) > s.lastSequence);
    this.opts.save?.(s);
    return "applied";
  }

  /** Fetches what each gapped room missed from the server and applies it. Returns the rooms still gapped. */
  async fillGaps(): Promise<string[]> {
    await this.refresh(this.gaps());
    return this.gaps();
  }

  /**
   * Fetches, for each room, every callback after the last one applied: what an App backend does when it
   * starts again after being down, for the rooms it knows (roomhook retries the rest later anyway).
   */
  async refresh(roomIds: readonly string[]): Promise<void> {
    const catchUp = this.opts.catchUp;
    if (catchUp === undefined) return;
    for (const roomId of roomIds) {
      for (;;) {
        const page = await catchUp(roomId, this.state(roomId).lastSequence);
        let progressed = false;
        for (const m of page.CallbackList) {
          const parsed = parseCallback(m.Packet);
          const r = this.apply({
            ...parsed,
            sdkAppId: 0,
            eventId: m.EventId,
            sequence: m.Sequence,
            previousSequence: m.PreviousSequence,
          });
          if (r === "applied") progressed = true;
        }
        // A full page is followed by the next; one that applied nothing ends it (what it held waits
        // behind a gap the server cannot fill), so a stuck room does not loop.
        if (!page.HasMore || !progressed) break;
      }
    }
  }

  private remember(s: RoomMirrorState, eventId: string | undefined): void {
    if (eventId === undefined) return;
    s.seen.push(eventId);
    const max = this.opts.rememberEvents ?? 1000;
    if (s.seen.length > max) s.seen.splice(0, s.seen.length - max);
  }

  private applyNow(s: RoomMirrorState, cb: VerifiedCallback): void {
    if (cb.sequence !== undefined) s.lastSequence = cb.sequence;
    this.remember(s, cb.eventId);
    switch (cb.command) {
      case "Live.CallbackAfterCreateRoom":
        s.owner = cb.packet.RoomInfo.Owner_Account;
        s.destroyed = false;
        break;
      case "Live.CallbackAfterDestroyRoom":
        s.destroyed = true;
        break;
      case "Live.CallbackAfterChangeOwner":
        s.history.push(changeOf(cb));
        s.owner = cb.packet.CurrentOwner_Account;
        break;
      default:
        break;
    }
  }

  /** Tencent-only senders: no sequence, so EventTime decides; the same change twice is one. */
  private applyByTime(s: RoomMirrorState, cb: VerifiedCallback): ApplyResult {
    if (cb.command !== "Live.CallbackAfterChangeOwner") {
      this.applyNow(s, cb);
      return "applied";
    }
    const p = cb.packet;
    const same = s.history.some(
      (h) =>
        h.eventTime === p.EventTime && h.to === p.CurrentOwner_Account && h.from === p.OriginalOwner_Account,
    );
    if (same) return "duplicate";
    this.remember(s, cb.eventId);
    s.history.push(changeOf(cb));
    s.history.sort((a, b) => a.eventTime - b.eventTime);
    s.owner = s.history[s.history.length - 1]?.to;
    return "applied";
  }
}

function changeOf(cb: VerifiedCallback & { command: "Live.CallbackAfterChangeOwner" }): OwnerChange {
  const p = cb.packet;
  const change: OwnerChange = {
    roomId: p.RoomId,
    from: p.OriginalOwner_Account,
    to: p.CurrentOwner_Account,
    operator: p.Operator_Account,
    eventTime: p.EventTime,
  };
  if (cb.sequence !== undefined) change.sequence = cb.sequence;
  if (cb.eventId !== undefined) change.eventId = cb.eventId;
  return change;
}

function roomOf(cb: VerifiedCallback): string | undefined {
  switch (cb.command) {
    case "Live.CallbackAfterCreateRoom":
      return cb.packet.RoomInfo.RoomId;
    case "Live.CallbackAfterUpdateRoomInfo":
      return cb.packet.RoomInfo.RoomId;
    case "Live.CallbackAfterCreateRoomReachingThreshold":
      return undefined;
    case "Group.CallbackBeforeSendMsg":
    case "Group.CallbackAfterSendMsg":
      return cb.packet.GroupId;
    case "Live.CallbackAfterCreateBattle":
      return cb.packet.FromRoomId;
    case "Live.CallbackAfterStartBattle":
    case "Live.CallbackAfterEndBattle":
      return cb.packet.FromRoomInfo.RoomId;
    case "unknown": {
      const r = cb.packet.RoomId;
      return typeof r === "string" ? r : undefined;
    }
    default:
      return cb.packet.RoomId;
  }
}
