import { isWellFormedText, type AfterSendMsg, type MsgElem } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";
import type { StoreReader, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/**
 * A message sent in a room: by a member's client, or by the App backend (send_text_msg 74353,
 * send_custom_msg 74354, Chat's send_group_msg). Its room event is Group.CallbackAfterSendMsg's
 * packet (74348), appended with the room's next sequence number: members are pushed it in order
 * with the room's other events, from any process, and the App backend is called back with it when
 * that command is switched on. No chat history is kept beyond the room's event log; `MsgSeq` is the
 * message's number in the room (get_room_stats' TotalMsgCount).
 */

/** Limits of a message (Tencent Chat: a message body is at most 12 KB). */
export const messageLimits = {
  bodyBytes: 12 * 1024,
  cloudCustomDataBytes: 12 * 1024,
  elements: 20,
  businessIdBytes: 128,
  extensionBytes: 1024,
} as const;

/** A message before it is sent: its body, and what the App backend may read beside it. */
export interface OutgoingMessage {
  /** The sender (From_Account). */
  from: string;
  msgBody: MsgElem[];
  cloudCustomData: string;
  /** 32-bit, the sender's (send_group_msg) or drawn by roomhook. */
  random: number;
  /** The message's id, the same in the before- and after-callback. */
  msgId: string;
}

/**
 * The message elements of a request (TIMTextElem, TIMCustomElem, TIMFaceElem), checked; the problem
 * as a sentence, or the elements.
 */
export function readMsgBody(v: unknown, field = "MsgBody"): MsgElem[] {
  const bad = (why: string): never => {
    throw new LiveError(100002, `${field} ${why}`);
  };
  if (!Array.isArray(v) || v.length === 0) return bad("must be a non-empty array of message elements");
  if (v.length > messageLimits.elements) bad(`must hold at most ${messageLimits.elements} elements`);
  const out: MsgElem[] = [];
  for (const [i, e] of v.entries()) {
    const at = `[${i}]`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) return bad(`${at} must be an object`);
    const { MsgType, MsgContent } = e as Record<string, unknown>;
    if (typeof MsgContent !== "object" || MsgContent === null || Array.isArray(MsgContent))
      return bad(`${at}.MsgContent must be an object`);
    const c = MsgContent as Record<string, unknown>;
    const text = (k: string, required: boolean): string | undefined => {
      const x = c[k];
      if (x === undefined && !required) return undefined;
      if (typeof x !== "string" || !isWellFormedText(x)) return bad(`${at}.MsgContent.${k} must be a string`);
      return x;
    };
    if (MsgType === "TIMTextElem") {
      const t = text("Text", true) ?? "";
      if (t === "") return bad(`${at}.MsgContent.Text must not be empty`);
      out.push({ MsgType, MsgContent: { Text: t } });
    } else if (MsgType === "TIMCustomElem") {
      const content: { Data: string; Desc?: string; Ext?: string; Sound?: string } = {
        Data: text("Data", true) ?? "",
      };
      for (const k of ["Desc", "Ext", "Sound"] as const) {
        const x = text(k, false);
        if (x !== undefined) content[k] = x;
      }
      out.push({ MsgType, MsgContent: content });
    } else if (MsgType === "TIMFaceElem") {
      const index = c.Index;
      if (typeof index !== "number" || !Number.isSafeInteger(index))
        return bad(`${at}.MsgContent.Index must be an integer`);
      const data = text("Data", false);
      out.push({ MsgType, MsgContent: data === undefined ? { Index: index } : { Index: index, Data: data } });
    } else return bad(`${at}.MsgType must be TIMTextElem, TIMCustomElem or TIMFaceElem`);
  }
  if (Buffer.byteLength(JSON.stringify(out)) > messageLimits.bodyBytes)
    throw new LiveError(100002, `${field} is over ${messageLimits.bodyBytes} bytes`);
  return out;
}

/**
 * What must hold before a member's message is even shown to the App backend: in the room, not muted
 * (100017), not silenced by IsMessageDisabled unless owner or admin. The App backend's own messages
 * (REST) pass, as an administrator's do in Tencent's Chat. Checked again when the message is written.
 */
export async function checkSender(
  tx: StoreReader,
  ctx: OpContext,
  input: { roomId: string; from: string; byMember: boolean },
): Promise<void> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  if (!input.byMember) return;
  const m = await tx.getMember(ctx.appId, input.roomId, input.from);
  if (m === undefined)
    throw new LiveError(100005, `${input.from} is not in room ${input.roomId}`, { clientCode: -2101 });
  const until = await tx.getMute(ctx.appId, input.roomId, input.from, Math.floor(ctx.nowMs / 1000));
  if (until !== undefined)
    throw new LiveError(
      100017,
      `${input.from} is muted in room ${input.roomId} until ${until} (Unix seconds)`,
    );
  if (room.IsMessageDisabled && room.Owner_Account !== input.from) {
    const admins = await tx.listAdmins(ctx.appId, input.roomId);
    if (!admins.includes(input.from))
      throw new LiveError(100017, `messages are disabled in room ${input.roomId} (IsMessageDisabled)`);
  }
}

/** The before-callback's packet for a message (74347). */
export function beforeSendMsgPacket(ctx: OpContext, roomId: string, m: OutgoingMessage) {
  return {
    CallbackCommand: "Group.CallbackBeforeSendMsg" as const,
    GroupId: roomId,
    Type: "Live" as const,
    From_Account: m.from,
    Operator_Account: ctx.operator,
    Random: m.random,
    MsgId: m.msgId,
    MsgBody: m.msgBody,
    CloudCustomData: m.cloudCustomData,
    EventTime: ctx.nowMs,
  };
}

/**
 * Sends the message in the room: checks the sender again, numbers the message, appends its event.
 * `afterCallback: false` (send_group_msg's ForbidAfterSendMsgCallback): members are pushed it, the
 * App backend is not called back.
 */
export async function sendRoomMessage(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; message: OutgoingMessage; byMember: boolean; afterCallback?: boolean },
): Promise<StoredRoomEvent> {
  const m = input.message;
  await checkSender(tx, ctx, { roomId: input.roomId, from: m.from, byMember: input.byMember });
  const msgSeq = await tx.countMessage(ctx.appId, input.roomId);
  const packet: AfterSendMsg = {
    ...beforeSendMsgPacket(ctx, input.roomId, m),
    CallbackCommand: "Group.CallbackAfterSendMsg",
    MsgSeq: msgSeq,
    MsgTime: Math.floor(ctx.nowMs / 1000),
  };
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: input.roomId,
    packet,
    ...(input.afterCallback === false ? { callback: false } : {}),
  });
}
