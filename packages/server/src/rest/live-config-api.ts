import { readCallbackConfig, readCallbackToken } from "../callbacks/callback-config.ts";
import { LiveError } from "../live-error.ts";
import type { RoomStore } from "../rooms/commands.ts";
import type { RestCommand } from "./live-engine-api.ts";
import type { DeliveryPolicy } from "../config.ts";

/**
 * `live_config` (Tencent: callback configuration APIs). A change applies to every event committed after
 * it: the switch is read in the event's own transaction.
 */
export function liveConfigApi(
  store: RoomStore,
  policyOf: (appId: number) => DeliveryPolicy = () => "at-least-once",
): Record<string, RestCommand> {
  return {
    async set_callback(ctx, body) {
      const config = readCallbackConfig(body);
      await store.write({ op: "setCallback", appId: ctx.appId, config, nowMs: ctx.nowMs });
      return undefined;
    },

    async update_callback(ctx, body) {
      const config = readCallbackConfig(body);
      await store.write({ op: "updateCallback", appId: ctx.appId, config, nowMs: ctx.nowMs });
      return undefined;
    },

    async get_callback(ctx) {
      const config = await store.read((tx) => tx.getCallbackConfig(ctx.appId));
      if (config === undefined) throw new LiveError(100301);
      const response: Record<string, unknown> = { Url: config.url, CallbackCommandList: config.commands };
      // roomhook's extension: why the configuration stopped sending (a 410 Gone from the receiver).
      if (config.disabledReason !== undefined) response.DisabledReason = config.disabledReason;
      // roomhook's extension: how its after-callbacks are retried (the server's configuration).
      response.DeliveryPolicy = policyOf(ctx.appId);
      return response;
    },

    async delete_callback(ctx) {
      await store.write({ op: "deleteCallback", appId: ctx.appId });
      return undefined;
    },

    async set_callback_token(ctx, body) {
      const input = readCallbackToken(body);
      await store.write({ op: "setCallbackToken", appId: ctx.appId, ...input });
      return undefined;
    },

    async get_callback_token(ctx) {
      const token = await store.read((tx) => tx.getCallbackToken(ctx.appId));
      if (token === undefined) throw new LiveError(100302);
      return { Token: token.token, IsTokenEnable: token.enabled };
    },
  };
}
