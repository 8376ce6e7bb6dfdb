import { LiveError } from "../live-error.ts";
import type { StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/**
 * A message sent in a room: by the App backend (send_text_msg 74353, send_custom_msg 74354) or by a
 * member's client. It is a room event (appended with the room's next sequence number, so members get
 * it in order with the room's other events, from any process) but never a callback: its command is
 * roomhook's own and no CallbackCommandList can switch it on. No chat history is kept beyond the
 * room's event log; the room counts its messages (get_room_stats' TotalMsgCount).
 */
export interface RoomMessagePacket {
  CallbackCommand: typeof ROOM_MESSAGE;
  RoomId: string;
  Sender_Account: string;
  /** Tencent's message element types: a text (send_text_msg) or custom data (send_custom_msg). */
  MsgType: "TIMTextElem" | "TIMCustomElem";
  /** TIMTextElem: the text, and the optional JSON string stored with it. */
  TextContent?: string;
  ExtensionInfo?: string;
  /** TIMCustomElem: what the data is about, and the data. */
  BusinessId?: string;
  Data?: string;
  EventTime: number;
}

/** The command of a room message event: not Tencent's (a callback list cannot name it). */
export const ROOM_MESSAGE = "roomhook.RoomMessage" as const;

/** Limits of a message (Tencent's Chat group messages: a message body is at most 12 KB). */
export const messageLimits = {
  textBytes: 12 * 1024,
  dataBytes: 12 * 1024,
  extensionBytes: 1024,
  businessIdBytes: 128,
} as const;

export type RoomMessageContent =
  | { MsgType: "TIMTextElem"; TextContent: string; ExtensionInfo?: string }
  | { MsgType: "TIMCustomElem"; BusinessId: string; Data: string };

/**
 * Sends a message in the room. `byMember`: the client path, where the sender must be in the room and
 * may not be muted (mute_member) nor silenced by IsMessageDisabled unless owner or admin (100017).
 * The App backend's messages (REST) pass both, as an administrator's do in Tencent's Chat.
 */
export async function sendRoomMessage(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; sender: string; content: RoomMessageContent; byMember: boolean },
): Promise<StoredRoomEvent> {
  const room = await requireRoom(tx, ctx.appId, input.roomId);
  if (input.byMember) {
    const m = await tx.getMember(ctx.appId, input.roomId, input.sender);
    if (m === undefined)
      throw new LiveError(100005, `${input.sender} is not in room ${input.roomId}`, { clientCode: -2101 });
    const until = await tx.getMute(ctx.appId, input.roomId, input.sender, Math.floor(ctx.nowMs / 1000));
    if (until !== undefined)
      throw new LiveError(
        100017,
        `${input.sender} is muted in room ${input.roomId} until ${until} (Unix seconds)`,
      );
    if (room.IsMessageDisabled && room.Owner_Account !== input.sender) {
      const admins = await tx.listAdmins(ctx.appId, input.roomId);
      if (!admins.includes(input.sender))
        throw new LiveError(100017, `messages are disabled in room ${input.roomId} (IsMessageDisabled)`);
    }
  }
  await tx.countMessage(ctx.appId, input.roomId);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: input.roomId,
    packet: {
      CallbackCommand: ROOM_MESSAGE,
      RoomId: input.roomId,
      Sender_Account: input.sender,
      ...input.content,
      EventTime: ctx.nowMs,
    },
  });
}
