import { generateSigningSecret } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { AttemptRecord, DeliveryFilter, DeliveryRecord, DeliveryState } from "../store/store.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { RestCommand } from "./live-engine-api.ts";

/**
 * `roomhook_delivery`: roomhook's extension service (its own name, never `live_engine_http_srv`), with
 * the same authentication: the delivery log, redelivery, the per-room catch-up query, signing secrets.
 */

const STATES = ["pending", "delivered", "dead"] as const satisfies readonly DeliveryState[];
const PAGE_MAX = 100;

function deliveryView(d: DeliveryRecord) {
  const v: Record<string, unknown> = {
    DeliveryId: d.id,
    EventId: d.eventId,
    RoomId: d.roomId,
    Sequence: d.seq,
    PreviousSequence: d.prevSeq,
    CallbackCommand: d.command,
    State: d.state,
    Attempts: d.attempts,
    CreateTime: d.createdMs,
  };
  if (d.state === "pending") v.NextAttemptTime = d.nextAttemptMs;
  if (d.doneMs !== undefined) v.DoneTime = d.doneMs;
  if (d.lastError !== undefined) v.LastError = d.lastError;
  return v;
}

function attemptView(a: AttemptRecord) {
  const v: Record<string, unknown> = { Attempt: a.n, Time: a.startedMs, DurationMs: a.durationMs };
  if (a.status !== undefined) v.HttpStatus = a.status;
  if (a.error !== undefined) v.Error = a.error;
  if (a.reply !== undefined) v.Reply = a.reply;
  return v;
}

export function deliveryApi(
  store: RoomStore,
  opts: { signingSecretOverlapSec: number },
): Record<string, RestCommand> {
  async function withAttempts(d: DeliveryRecord) {
    const attempts = await store.read((tx) => tx.listAttempts(d.id));
    return { ...deliveryView(d), AttemptList: attempts.map(attemptView) };
  }

  return {
    async get_delivery_list(ctx, body) {
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? 20;
      const next = body.string("Next", { maxBytes: 20 }) ?? "";
      if (next !== "" && !/^\d+$/.test(next))
        throw new LiveError(100002, "Next is not a cursor returned by get_delivery_list");
      const filter: DeliveryFilter = { limit: limit + 1 };
      const state = body.oneOf("State", STATES);
      if (state !== undefined) filter.state = state;
      const roomId = body.has("RoomId") ? body.roomId() : undefined;
      if (roomId !== undefined) filter.roomId = roomId;
      const command = body.string("CallbackCommand", { maxBytes: 100 });
      if (command !== undefined) filter.command = command;
      const from = body.int("StartTime", { min: 0 });
      if (from !== undefined) filter.fromMs = from;
      const to = body.int("EndTime", { min: 0 });
      if (to !== undefined) filter.toMs = to;
      if (next !== "") filter.beforeId = Number(next);
      const rows = await store.read((tx) => tx.listDeliveries(ctx.appId, filter));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        DeliveryList: await Promise.all(page.map(withAttempts)),
        Next: rows.length > limit && last !== undefined ? String(last.id) : "",
      };
    },

    async get_delivery(ctx, body) {
      const id = body.int("DeliveryId", { required: true, min: 1 });
      const d = await store.read((tx) => tx.getDelivery(ctx.appId, id));
      if (d === undefined) throw new LiveError(100002, `DeliveryId ${id} does not exist`);
      return { Delivery: await withAttempts(d) };
    },

    async redeliver(ctx, body) {
      const id = body.int("DeliveryId", { required: true, min: 1 });
      const d = await store.read((tx) => tx.getDelivery(ctx.appId, id));
      if (d === undefined) throw new LiveError(100002, `DeliveryId ${id} does not exist`);
      if (d.state === "pending")
        throw new LiveError(100002, `DeliveryId ${id} is already waiting to be sent`);
      await store.write({ op: "redeliver", appId: ctx.appId, id, nowMs: ctx.nowMs });
      return undefined;
    },

    async redeliver_dead(ctx, body) {
      const fromMs = body.int("StartTime", { required: true, min: 0 });
      const toMs = body.int("EndTime", { required: true, min: 0 });
      if (toMs <= fromMs) throw new LiveError(100002, "EndTime must be after StartTime");
      const ready = await store.write({
        op: "redeliverDead",
        appId: ctx.appId,
        fromMs,
        toMs,
        nowMs: ctx.nowMs,
      });
      return { Count: ready.length, DeliveryIdList: ready.map((r) => r.id) };
    },

    /**
     * The app's delivery attempts started at `StartTime` or later, newest first, each with its delivery
     * (the console's live tail). An attempt is recorded when it ends: a caller that polls asks again
     * from a little before the newest it saw and drops those it has (by DeliveryId and Attempt).
     */
    async get_attempt_feed(ctx, body) {
      const from = body.int("StartTime", { min: 0 }) ?? 0;
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? 20;
      const rows = await store.read((tx) => tx.listRecentAttempts(ctx.appId, from, limit));
      return {
        AttemptList: rows.map((a) => ({
          DeliveryId: a.deliveryId,
          EventId: a.eventId,
          RoomId: a.roomId,
          Sequence: a.seq,
          CallbackCommand: a.command,
          State: a.state,
          ...attemptView(a),
        })),
      };
    },

    async get_room_callbacks(ctx, body) {
      const roomId = body.roomId();
      const after = body.int("AfterSequence", { min: 0 }) ?? 0;
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? PAGE_MAX;
      const rows = await store.read((tx) => tx.listRoomCallbacks(ctx.appId, roomId, after, limit + 1));
      const page = rows.slice(0, limit);
      return {
        CallbackList: page.map((r) => ({
          Sequence: r.seq,
          PreviousSequence: r.prevSeq,
          EventId: r.eventId,
          CallbackCommand: r.command,
          State: r.state,
          Packet: JSON.parse(r.body) as unknown,
        })),
        HasMore: rows.length > limit,
      };
    },

    /**
     * The before-callbacks asked (gifts, messages), newest first: the packet sent, the answer, the
     * decision and the code the sender got, with timing. Filters: RoomId, CallbackCommand; paged by Next.
     */
    async get_before_callback_list(ctx, body) {
      const limit = body.int("Limit", { min: 1, max: PAGE_MAX }) ?? 20;
      const next = body.string("Next", { maxBytes: 20 }) ?? "";
      if (next !== "" && !/^\d+$/.test(next))
        throw new LiveError(100002, "Next is not a cursor returned by get_before_callback_list");
      const filter: { roomId?: string; command?: string; beforeId?: number; limit: number } = {
        limit: limit + 1,
      };
      if (body.has("RoomId")) filter.roomId = body.roomId();
      const command = body.string("CallbackCommand", { maxBytes: 100 });
      if (command !== undefined) filter.command = command;
      if (next !== "") filter.beforeId = Number(next);
      const rows = await store.read((tx) => tx.listBeforeCallbacks(ctx.appId, filter));
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        BeforeCallbackList: page.map((r) => {
          const v: Record<string, unknown> = {
            Id: r.id,
            EventId: r.eventId,
            RoomId: r.roomId,
            CallbackCommand: r.command,
            Time: r.startedMs,
            DurationMs: r.durationMs,
            Decision: r.decision,
            Code: r.code,
            Packet: JSON.parse(r.packet) as unknown,
          };
          if (r.status !== undefined) v.HttpStatus = r.status;
          if (r.error !== undefined) v.Error = r.error;
          if (r.reply !== undefined) v.Reply = r.reply;
          return v;
        }),
        Next: rows.length > limit && last?.id !== undefined ? String(last.id) : "",
      };
    },

    async rotate_signing_secret(ctx) {
      const secret = generateSigningSecret();
      const oldExpireMs = ctx.nowMs + opts.signingSecretOverlapSec * 1000;
      await store.write({
        op: "rotateSigningSecret",
        appId: ctx.appId,
        secret,
        nowMs: ctx.nowMs,
        oldExpireMs,
      });
      return { Secret: secret, PreviousSecretsExpireTime: oldExpireMs };
    },

    async get_signing_secrets(ctx) {
      const secrets = await store.read((tx) => tx.listSigningSecrets(ctx.appId, ctx.nowMs));
      return {
        SecretList: secrets.map((s) =>
          s.expiresMs === undefined
            ? { Secret: s.secret, CreateTime: s.createdMs }
            : { Secret: s.secret, CreateTime: s.createdMs, ExpireTime: s.expiresMs },
        ),
      };
    },

    async delete_signing_secrets(ctx) {
      await store.write({ op: "deleteSigningSecrets", appId: ctx.appId });
      return undefined;
    },
  };
}
