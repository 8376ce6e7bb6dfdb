import type { RestCallRecord } from "@roomhook/protocol";
import type { RestCommand } from "./live-engine-api.ts";

/**
 * The newest REST calls of each app, kept in memory for `roomhook logs tail` and the console
 * (`roomhook_log/get_call_feed`). One ring per configured app, of `capacity` calls (default 1,000);
 * an older call falls out. Each process keeps its own: with several processes on PostgreSQL, a tail
 * sees the calls of the process it asks. The feed commands themselves (`*_feed`, which a tail polls
 * every second) are not recorded. A cursor from before a restart (past the last id) reads from the
 * start again.
 */
export interface CallLog {
  /** Records one answered call of app `appId`; an app that is not configured is ignored. */
  record(appId: number, call: Omit<CallRecord, "Id">): void;
  /** The app's calls after `afterId` (oldest first), or the newest `limit` without it. */
  feed(appId: number, afterId: number | undefined, limit: number): { calls: CallRecord[]; hasMore: boolean };
}

/** One REST call as the feed answers it (declared in @roomhook/protocol, `RestCallRecord`). */
export type CallRecord = RestCallRecord;

/** Makes the call log of the configured apps (see {@link CallLog}). */
export function createCallLog(appIds: readonly number[], capacity = 1000): CallLog {
  const rings = new Map<number, { items: CallRecord[]; next: number }>();
  for (const id of appIds) rings.set(id, { items: [], next: 0 });
  let lastId = 0;
  /** The ring's calls, oldest first. */
  const ordered = (r: { items: CallRecord[]; next: number }): CallRecord[] =>
    r.items.length < capacity ? r.items : [...r.items.slice(r.next), ...r.items.slice(0, r.next)];
  return {
    record(appId, call) {
      if (call.Command.endsWith("_feed")) return;
      const r = rings.get(appId);
      if (r === undefined) return;
      const rec = { Id: ++lastId, ...call };
      if (r.items.length < capacity) r.items.push(rec);
      else {
        r.items[r.next] = rec;
        r.next = (r.next + 1) % capacity;
      }
    },
    feed(appId, afterId, limit) {
      const r = rings.get(appId);
      if (r === undefined) return { calls: [], hasMore: false };
      const all = ordered(r);
      // A cursor past the last id was taken from an earlier life of the process: start over.
      if (afterId !== undefined && afterId > lastId) afterId = 0;
      if (afterId === undefined) return { calls: all.slice(-limit), hasMore: false };
      const after = all.filter((c) => c.Id > afterId);
      return { calls: after.slice(0, limit), hasMore: after.length > limit };
    },
  };
}

/**
 * `roomhook_log`: roomhook's extension service for what the server did. `get_call_feed` answers the
 * app's REST calls after `AfterId` (a `LastId` of an earlier answer), oldest first, at most `Limit`
 * (1-100, default 100); without `AfterId`, the newest `Limit`. `LastId` is where to go on from.
 */
export function logApi(callLog: CallLog): Record<string, RestCommand> {
  return {
    get_call_feed(ctx, body) {
      const after = body.int("AfterId", { min: 0 });
      const limit = body.int("Limit", { min: 1, max: 100 }) ?? 100;
      const { calls, hasMore } = callLog.feed(ctx.appId, after, limit);
      return Promise.resolve({
        CallList: calls,
        LastId: calls[calls.length - 1]?.Id ?? after ?? 0,
        HasMore: hasMore,
      });
    },
  };
}
