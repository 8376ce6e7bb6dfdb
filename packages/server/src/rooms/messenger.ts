import { randomInt } from "node:crypto";
import type { MsgElem } from "@roomhook/protocol";
import type { Asked, BeforeCallbacks } from "../delivery/before-callback.ts";
import { LiveError } from "../live-error.ts";
import type { StoredRoomEvent } from "../store/store.ts";
import type { RoomStore } from "./commands.ts";
import type { OpContext } from "./room.ts";
import {
  beforeSendMsgPacket,
  checkSender,
  messageLimits,
  readMsgBody,
  type OutgoingMessage,
} from "./room-message.ts";

/**
 * Sending a message in a room, as Tencent does it (Group.CallbackBeforeSendMsg 74347): the sender is
 * checked, then the App backend is asked when that command is switched on, and its answer decides:
 * - ErrorCode 0: sent, with the `MsgBody` and `CloudCustomData` of the answer when it gives them;
 * - 1 (or any other code outside the pass-through range): refused, the sender gets 10016;
 * - 2: dropped silently, the sender is told it was sent;
 * - [10100, 10200]: refused with the App backend's code and ErrorInfo.
 * With no usable answer in time (2 s, `beforeCallbackTimeoutMs`), the message goes through: Tencent's
 * messages do not wait on a failed moderator (docs/compat.md).
 */
export interface SendInput {
  roomId: string;
  from: string;
  msgBody: MsgElem[];
  cloudCustomData?: string;
  /** send_group_msg's Random; drawn when absent. */
  random?: number;
  /** The client path: the sender is a member, mutes apply. */
  byMember: boolean;
  /** send_group_msg's ForbidCallbackControl. */
  beforeCallback?: boolean;
  afterCallback?: boolean;
}

export type SendResult = { sent: true; event: StoredRoomEvent } | { sent: false; msgId: string };

type MessageDecision =
  | { decision: "allow"; code: 0; note?: string }
  | { decision: "rewrite"; code: 0; msgBody: MsgElem[]; cloudCustomData: string | undefined }
  | { decision: "drop"; code: 0 }
  | { decision: "refuse"; code: number; info: string };

function interpret(asked: Asked): MessageDecision {
  if (!asked.switchedOn || "failure" in asked) return { decision: "allow", code: 0 };
  const r = asked.reply;
  if (r.ErrorCode === 0) {
    if (r.MsgBody === undefined && r.CloudCustomData === undefined) return { decision: "allow", code: 0 };
    try {
      const msgBody =
        r.MsgBody === undefined ? undefined : readMsgBody(r.MsgBody, "the App backend's MsgBody");
      const cloud = r.CloudCustomData;
      if (cloud !== undefined && typeof cloud !== "string")
        throw new LiveError(100002, "the App backend's CloudCustomData must be a string");
      if (typeof cloud === "string" && Buffer.byteLength(cloud) > messageLimits.cloudCustomDataBytes)
        throw new LiveError(
          100002,
          `the App backend's CloudCustomData is over ${messageLimits.cloudCustomDataBytes} bytes`,
        );
      if (msgBody === undefined && cloud === undefined) return { decision: "allow", code: 0 };
      return { decision: "rewrite", code: 0, msgBody: msgBody ?? [], cloudCustomData: cloud };
    } catch (e) {
      // A rewrite that is not a message: the message goes as it was sent; the log says why.
      return { decision: "allow", code: 0, note: `rewrite ignored: ${(e as Error).message}` };
    }
  }
  if (r.ErrorCode === 2) return { decision: "drop", code: 0 };
  if (r.ErrorCode >= 10100 && r.ErrorCode <= 10200)
    return { decision: "refuse", code: r.ErrorCode, info: r.ErrorInfo || "refused by the App backend" };
  return { decision: "refuse", code: 10016, info: r.ErrorInfo || "refused by the App backend" };
}

export function createMessenger(deps: { store: RoomStore; before: BeforeCallbacks }) {
  const { store, before } = deps;
  return {
    /**
     * @throws LiveError 100004 (no room), 100005 (not in it), 100017 (muted or messages disabled),
     *   10016 or the App backend's code (refused).
     */
    async send(ctx: OpContext, input: SendInput): Promise<SendResult> {
      await store.read((tx) =>
        checkSender(tx, ctx, { roomId: input.roomId, from: input.from, byMember: input.byMember }),
      );
      const random = input.random ?? randomInt(0, 2 ** 32);
      const message: OutgoingMessage = {
        from: input.from,
        msgBody: input.msgBody,
        cloudCustomData: input.cloudCustomData ?? "",
        random,
        msgId: `${ctx.nowMs}${randomInt(100000, 999999)}-${Math.floor(ctx.nowMs / 1000)}-${random}`,
      };
      if (input.beforeCallback !== false) {
        const d = await before.ask(
          {
            appId: ctx.appId,
            roomId: input.roomId,
            command: "Group.CallbackBeforeSendMsg",
            packet: beforeSendMsgPacket(ctx, input.roomId, message),
            clientIp: ctx.clientIp,
            platform: ctx.platform,
          },
          interpret,
        );
        if (d.decision === "refuse")
          throw d.code === 10016
            ? new LiveError(10016, d.info, { clientCode: 10016 })
            : LiveError.passThrough(d.code, d.info);
        if (d.decision === "drop") return { sent: false, msgId: message.msgId };
        if (d.decision === "rewrite") {
          if (d.msgBody.length > 0) message.msgBody = d.msgBody;
          if (d.cloudCustomData !== undefined) message.cloudCustomData = d.cloudCustomData;
        }
      }
      const event = await store.write({
        op: "sendMessage",
        ctx,
        roomId: input.roomId,
        message,
        byMember: input.byMember,
        ...(input.afterCallback === false ? { afterCallback: false } : {}),
      });
      return { sent: true, event };
    },
  };
}

export type Messenger = ReturnType<typeof createMessenger>;
