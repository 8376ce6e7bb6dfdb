import type { WebSocket } from "ws";
import type { OptPlatform } from "@roomhook/protocol";

/**
 * A logged-in user of one app on this process, kept across reconnects until their heartbeat stops.
 * There is one per connected user, so what it holds is kept small: no Set while the user is in no room,
 * and no key string of its own (Sessions is keyed by the user id it already holds).
 */
export interface Session {
  appId: number;
  userId: string;
  platform: OptPlatform;
  ip: string;
  /** The user's connection; undefined while they are away (closed, their heartbeat not yet timed out). */
  ws: WebSocket | undefined;
  lastSeenMs: number;
  /**
   * The rooms the user is in; undefined while they are in none (made on the first join, dropped when
   * the last one is left). Read it through inRoom and roomsOf.
   */
  rooms: Set<string> | undefined;
}

/** A new session, not in any room yet (every session has the same shape: one hidden class in V8). */
export function newSession(
  fields: Pick<Session, "appId" | "userId" | "platform" | "ip" | "ws" | "lastSeenMs">,
): Session {
  return {
    appId: fields.appId,
    userId: fields.userId,
    platform: fields.platform,
    ip: fields.ip,
    ws: fields.ws,
    lastSeenMs: fields.lastSeenMs,
    rooms: undefined,
  };
}

/** Whether the session is in the room. */
export function inRoom(s: Session, roomId: string): boolean {
  return s.rooms?.has(roomId) === true;
}

/** The rooms the session is in, as a new array (safe to iterate while parting). */
export function roomsOf(s: Session): string[] {
  return s.rooms === undefined ? [] : [...s.rooms];
}

/** Records that the session is in the room. */
export function addRoom(s: Session, roomId: string): void {
  (s.rooms ??= new Set()).add(roomId);
}

/** Records that the session left the room; its Set goes with its last room. */
export function removeRoom(s: Session, roomId: string): void {
  if (s.rooms === undefined) return;
  s.rooms.delete(roomId);
  if (s.rooms.size === 0) s.rooms = undefined;
}

/**
 * This process's sessions, by app and then by user id. Two levels rather than one map keyed by an
 * "app, user" string: that string would be one more allocation held for every connected user.
 */
export class Sessions {
  readonly #byApp = new Map<number, Map<string, Session>>();

  get(appId: number, userId: string): Session | undefined {
    return this.#byApp.get(appId)?.get(userId);
  }

  /** Adds the session (or replaces the app's session of the same user). */
  set(s: Session): void {
    let users = this.#byApp.get(s.appId);
    if (users === undefined) {
      users = new Map();
      this.#byApp.set(s.appId, users);
    }
    users.set(s.userId, s);
  }

  delete(appId: number, userId: string): void {
    const users = this.#byApp.get(appId);
    if (users === undefined) return;
    users.delete(userId);
    if (users.size === 0) this.#byApp.delete(appId);
  }

  /** How many sessions there are (summed over the apps: a handful). */
  get size(): number {
    let n = 0;
    for (const users of this.#byApp.values()) n += users.size;
    return n;
  }

  /** Every session, as a new array (safe to delete from while going through it). */
  list(): Session[] {
    const out: Session[] = [];
    for (const users of this.#byApp.values()) for (const s of users.values()) out.push(s);
    return out;
  }
}
