import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { RoomStore } from "../rooms/commands.ts";
import { newEventId } from "../store/event-id.ts";
import type { BeforeCallbackRecord, StoreReader } from "../store/store.ts";
import { buildCallbackRequest } from "./dispatcher.ts";
import type { Sender } from "./sender.ts";

/**
 * Before-callbacks: the second delivery path beside the outbox. The operation waits for the App
 * backend's answer, which decides it (Tencent: Live.CallbackBeforeSendGift 72210,
 * Group.CallbackBeforeSendMsg 74347). The request is the one the outbox would send (Tencent's query,
 * Sign and RequestTime with a token, Standard Webhooks signature with a signing secret), over a sender
 * with its own timeout (Tencent's 2 s). Never retried, never queued: one attempt, recorded with its
 * decision (get_before_callback_list).
 */

export type BeforeCommand = "Live.CallbackBeforeSendGift" | "Group.CallbackBeforeSendMsg";

/** The App backend's answer, as far as it is Tencent's reply packet. */
export interface BeforeReply {
  ErrorCode: number;
  ErrorInfo: string;
  /** Group.CallbackBeforeSendMsg only: the message rewritten (with ErrorCode 0). */
  MsgBody?: unknown;
  CloudCustomData?: unknown;
}

/** What asking gave: not switched on; an answer; or a failure (timeout, network, not 200, not the packet). */
export type Asked =
  | { switchedOn: false }
  | { switchedOn: true; notBlock: boolean; reply: BeforeReply }
  | { switchedOn: true; notBlock: boolean; failure: string };

/** An operation's decision from what asking gave; `code` is what its sender is answered (0: went ahead). */
export interface Decision {
  decision: BeforeCallbackRecord["decision"];
  code: number;
  /** Why the answer was not taken as given (a rewrite that is not a message), for the log. */
  note?: string;
}

export interface BeforeCallbacks {
  /**
   * Asks the App backend when the command is switched on in the app's callback configuration, and
   * returns `interpret`'s decision, recorded (a command that is off is neither sent nor recorded).
   */
  ask<D extends Decision>(
    input: {
      appId: number;
      roomId: string;
      command: BeforeCommand;
      packet: Record<string, unknown>;
      clientIp: string;
      platform: string;
    },
    interpret: (asked: Asked) => D,
  ): Promise<D>;
}

/** Tencent's configuration switch that makes the gift before-callback let a gift through on failure. */
export const NOT_BLOCK = "Live.CallbackBeforeCallBackNotBlock";

const REPLY_LOG_BYTES = 1024;
const SETTINGS_TTL_MS = 1000;

function readReply(text: string): BeforeReply | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.ErrorCode !== "number" || !Number.isSafeInteger(o.ErrorCode)) return undefined;
  const reply: BeforeReply = {
    ErrorCode: o.ErrorCode,
    ErrorInfo: typeof o.ErrorInfo === "string" ? o.ErrorInfo : "",
  };
  if (o.MsgBody !== undefined) reply.MsgBody = o.MsgBody;
  if (o.CloudCustomData !== undefined) reply.CloudCustomData = o.CloudCustomData;
  return reply;
}

export function createBeforeCallbacks(deps: {
  store: RoomStore;
  sender: Sender;
  clock: Clock;
  logger: Logger;
}): BeforeCallbacks {
  const { store, sender, clock, logger } = deps;
  /**
   * An app's callback settings, read at most once a second (every gift and message asks): dropped at
   * once when this process changes them, as the dispatcher's are. Another process's change is seen
   * within SETTINGS_TTL_MS.
   */
  type Settings = {
    cfg: Awaited<ReturnType<StoreReader["getCallbackConfig"]>>;
    token: Awaited<ReturnType<StoreReader["getCallbackToken"]>>;
    secrets: string[];
  };
  const cache = new Map<number, { at: number; value: Promise<Settings> }>();
  store.onSettingsChanged((appId) => cache.delete(appId));
  function settingsOf(appId: number, nowMs: number): Promise<Settings> {
    const hit = cache.get(appId);
    if (hit !== undefined && nowMs - hit.at < SETTINGS_TTL_MS && nowMs >= hit.at) return hit.value;
    const value = store.read(async (tx) => ({
      cfg: await tx.getCallbackConfig(appId),
      token: await tx.getCallbackToken(appId),
      secrets: (await tx.listSigningSecrets(appId, nowMs)).map((x) => x.secret),
    }));
    value.catch(() => cache.delete(appId));
    cache.set(appId, { at: nowMs, value });
    return value;
  }
  return {
    async ask(input, interpret) {
      const nowMs = clock.now();
      const { cfg, token, secrets } = await settingsOf(input.appId, nowMs);
      if (cfg === undefined || cfg.disabledReason !== undefined || !cfg.commands.includes(input.command))
        return interpret({ switchedOn: false });
      const notBlock = cfg.commands.includes(NOT_BLOCK);
      const eventId = newEventId(nowMs);
      const body = JSON.stringify(input.packet);
      const req = buildCallbackRequest({
        delivery: {
          appId: input.appId,
          command: input.command,
          clientIp: input.clientIp,
          platform: input.platform,
          eventId,
          body,
        },
        url: cfg.url,
        token,
        secrets,
        nowMs,
      });
      const outcome = await sender.send(req);
      let asked: Asked;
      if (!outcome.ok) asked = { switchedOn: true, notBlock, failure: outcome.error };
      else {
        const reply = readReply(outcome.reply);
        asked =
          reply === undefined
            ? {
                switchedOn: true,
                notBlock,
                failure: "the reply is not Tencent's packet (no integer ErrorCode)",
              }
            : { switchedOn: true, notBlock, reply };
      }
      const d = interpret(asked);
      const rec: BeforeCallbackRecord = {
        appId: input.appId,
        roomId: input.roomId,
        command: input.command,
        eventId,
        packet: body,
        startedMs: nowMs,
        durationMs: outcome.ms,
        decision: d.decision,
        code: d.code,
      };
      if (outcome.status !== undefined) rec.status = outcome.status;
      if (!outcome.ok) rec.error = outcome.error;
      else if ("failure" in asked) rec.error = asked.failure;
      else if (d.note !== undefined) rec.error = d.note;
      if (outcome.reply !== undefined) rec.reply = outcome.reply.slice(0, REPLY_LOG_BYTES);
      try {
        await store.write({ op: "recordBeforeCallback", record: rec });
      } catch (err) {
        // The decision stands: the operation must not fail because its log entry could not be written.
        logger.error({ err, eventId }, "could not record a before-callback");
      }
      const fields = {
        SDKAppID: input.appId,
        RoomId: input.roomId,
        eventId,
        CallbackCommand: input.command,
        status: outcome.status,
        decision: d.decision,
        code: d.code,
        ms: outcome.ms,
      };
      // No usable answer decided the operation by Tencent's default: the operator needs to know why.
      if ("failure" in asked)
        logger.warn(
          { ...fields, error: asked.failure, receiver: new URL(cfg.url).origin },
          "before-callback got no usable answer from the App backend",
        );
      else logger.info(fields, "before-callback answered");
      return d;
    },
  };
}
