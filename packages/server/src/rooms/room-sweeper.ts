import type { AppRoomSettings } from "../config.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { RoomStore } from "./commands.ts";
import { systemContext } from "./members.ts";
import type { DissolveReason } from "./room-lifecycle.ts";
import { readBattle } from "./battles.ts";

/**
 * Tencent's automatic dissolution (destroy_room page 63406; docs/compat.md): a room that became
 * empty and stayed empty for the app's window (default 30 min), and, when the app switches it on, a
 * room whose owner stayed offline for its window, are destroyed by the system
 * (Live.CallbackAfterDestroyRoom with EventType DestroyBySystem, operator @TIM#SYSTEM) and pushed.
 * Robots keep a room from being empty. Every process sweeps; each dissolution is checked again
 * under the room's lock, so two processes never dissolve a room twice.
 */
export interface RoomSweeper {
  /** Dissolves what is due at the clock's time; resolves with the rooms dissolved. */
  sweep(): Promise<{ appId: number; roomId: string; reason: DissolveReason }[]>;
  close(): void;
}

/** Rooms dissolved per app and reason in one sweep; the rest wait for the next. */
const BATCH = 500;

export function createRoomSweeper(opts: {
  store: RoomStore;
  apps: { sdkAppId: number; rooms: AppRoomSettings }[];
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}): RoomSweeper {
  const { store, clock, logger } = opts;
  let running: Promise<{ appId: number; roomId: string; reason: DissolveReason }[]> | undefined;

  async function sweepOnce() {
    const now = clock.now();
    const done: { appId: number; roomId: string; reason: DissolveReason }[] = [];
    for (const app of opts.apps) {
      const windows: [DissolveReason, number][] = [["empty", app.rooms.emptyRoomTimeoutSec]];
      if (app.rooms.ownerOfflineTimeoutSec > 0)
        windows.push(["ownerOffline", app.rooms.ownerOfflineTimeoutSec]);
      for (const [reason, sec] of windows) {
        const sinceMs = now - sec * 1000;
        const due = await store.read((r) =>
          reason === "empty"
            ? r.listEmptyRooms(app.sdkAppId, sinceMs, BATCH)
            : r.listOwnerAbsentRooms(app.sdkAppId, sinceMs, BATCH),
        );
        for (const roomId of due) {
          const ctx = systemContext(app.sdkAppId, now);
          const event = await store.write({ op: "dissolveRoom", ctx, roomId, reason, sinceMs });
          if (event === undefined) continue;
          done.push({ appId: app.sdkAppId, roomId, reason });
          logger.info({ appId: app.sdkAppId, roomId, reason }, "room dissolved by the system");
        }
      }
    }
    // Battles whose time is up end (EndBattle, OpType 0).
    for (const due of await store.read((r) => r.listDueBattles(now, BATCH))) {
      const b = await store.read((r) => readBattle(r, due.appId, due.battleId));
      const ctx = systemContext(due.appId, now);
      const roomIds = [b.FromRoomId, ...b.ToRoomIdList];
      const event = await store.write({ op: "endBattle", ctx, battleId: due.battleId, opType: 0, roomIds });
      if (event !== undefined) logger.info({ appId: due.appId, battleId: due.battleId }, "battle ended");
    }
    return done;
  }

  const sweep = () => {
    // One sweep at a time: a slow one is joined, not doubled.
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    sweep().catch((err: unknown) => {
      logger.error({ err }, "could not dissolve due rooms");
    });
  }, opts.intervalMs);
  timer.unref();
  return {
    sweep,
    close: () => {
      clearInterval(timer);
    },
  };
}
