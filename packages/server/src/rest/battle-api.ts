import { LiveError } from "../live-error.ts";
import type { RoomStore } from "../rooms/commands.ts";
import { battleInfo, battleLimits, readBattle } from "../rooms/battles.ts";
import type { RestCommand } from "./live-engine-api.ts";

/** `live_engine_http_pk`: battles between rooms (Tencent 68254-68256), payloads in `Response`. */
export function battleApi(store: RoomStore): Record<string, RestCommand> {
  return {
    async create_battle(ctx, body) {
      const fromRoomId = body.roomId("FromRoomId");
      const list = body.stringList("ToRoomIdList", { maxItems: battleLimits.maxCallees });
      if (list.length === 0) throw new LiveError(100002, "ToRoomIdList must name at least one room");
      list.forEach((_, i) => body.roomIdAt("ToRoomIdList", i));
      const toRoomIds = [...new Set(list)];

      const durationMs = body.int("Duration", {
        required: true,
        min: battleLimits.minDurationMs,
        max: battleLimits.maxDurationMs,
      });
      const extensionInfo = body.string("ExtensionInfo", { maxBytes: battleLimits.extensionBytes }) ?? "";
      const r = await store.write({
        op: "createBattle",
        ctx,
        fromRoomId,
        toRoomIds,
        durationMs,
        extensionInfo,
      });
      return { BattleId: r.battleId, Result: r.results };
    },

    async set_battle_score(ctx, body) {
      const battleId = body.string("BattleId", { required: true, minBytes: 1, maxBytes: 128 });
      // The table says String, the sample sends an integer: both.
      const raw = body.raw("OpType");
      const opType = raw === 1 || raw === "1" ? 1 : raw === 2 || raw === "2" ? 2 : undefined;
      if (opType === undefined) throw new LiveError(100002, "OpType must be 1 (add) or 2 (replace)");
      const scores = body.objectList("ScoreList", { maxItems: battleLimits.maxCallees + 1 }).map((s) => ({
        RoomId: s.roomId(),
        Score: s.int("Score", { required: true, min: -(2 ** 31), max: 2 ** 31 - 1 }),
      }));
      if (scores.length === 0) throw new LiveError(100002, "ScoreList must not be empty");
      const result = await store.write({ op: "setBattleScore", ctx, battleId, opType, scores });
      return { Result: result };
    },

    async get_battle_info(ctx, body) {
      const battleId = body.string("BattleId", { maxBytes: 128 });
      const roomId = body.has("RoomId") ? body.roomId() : undefined;
      if (battleId === undefined && roomId === undefined)
        throw new LiveError(100002, "BattleId (or RoomId of a room in a battle) is required");
      const b = await store.read(async (tx) => {
        let id = battleId;
        if (id === undefined || id === "") {
          id = await tx.getRoomBattle(ctx.appId, roomId ?? "");
          if (id === undefined) throw new LiveError(100414, `room ${roomId ?? ""} is not in a battle`);
        }
        return readBattle(tx, ctx.appId, id);
      });
      return battleInfo(b);
    },
  };
}
