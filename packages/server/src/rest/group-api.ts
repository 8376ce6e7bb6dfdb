import { LiveError } from "../live-error.ts";
import type { Messenger } from "../rooms/messenger.ts";
import { messageLimits, readMsgBody } from "../rooms/room-message.ts";
import type { RestCommand } from "./live-engine-api.ts";
import { topLevel } from "./rest-server.ts";

/**
 * Chat's `group_open_http_svc/send_group_msg` (Tencent Chat 34959), as Live apps use it: the room id
 * is the `GroupId` (Tencent's admin console sends its chat messages this way). Chat's envelope (the
 * answer's MsgTime and MsgSeq beside ActionStatus) and Chat's codes: 10004 bad input, 10010 no such
 * room, 10015 a GroupId that cannot be a room id, 10016 refused by the App backend, 10017 muted,
 * 80002 too long.
 */
export function groupApi(messenger: Messenger): Record<string, RestCommand> {
  return {
    async send_group_msg(ctx, body) {
      try {
        const groupId = body.string("GroupId", { required: true, maxBytes: 1024 });
        let roomId: string;
        try {
          roomId = body.roomId("GroupId");
        } catch {
          throw new LiveError(10015, `GroupId ${JSON.stringify(groupId.slice(0, 64))} is not a room id`);
        }
        const random = body.int("Random", { required: true, min: 0, max: 0xffffffff });
        const msgBody = readMsgBody(body.raw("MsgBody"));
        const from = body.userId("From_Account") ?? ctx.operator;
        const cloud = body.string("CloudCustomData", { maxBytes: messageLimits.cloudCustomDataBytes });
        body.oneOf("MsgPriority", ["High", "Normal", "Low"] as const);
        const forbid = body.has("ForbidCallbackControl")
          ? body.stringList("ForbidCallbackControl", { maxItems: 2 })
          : [];
        for (const f of forbid)
          if (f !== "ForbidBeforeSendMsgCallback" && f !== "ForbidAfterSendMsgCallback")
            throw new LiveError(100002, `ForbidCallbackControl: unknown ${JSON.stringify(f)}`);
        const r = await messenger.send(ctx, {
          roomId,
          from,
          msgBody,
          ...(cloud === undefined ? {} : { cloudCustomData: cloud }),
          random,
          byMember: false,
          beforeCallback: !forbid.includes("ForbidBeforeSendMsgCallback"),
          afterCallback: !forbid.includes("ForbidAfterSendMsgCallback"),
        });
        const msgTime = Math.floor(ctx.nowMs / 1000);
        if (!r.sent) return topLevel({ MsgTime: msgTime, MsgSeq: 0 });
        const p = r.event.packet;
        return topLevel({
          MsgTime: msgTime,
          MsgSeq: p.CallbackCommand === "Group.CallbackAfterSendMsg" ? p.MsgSeq : 0,
        });
      } catch (e) {
        if (!(e instanceof LiveError)) throw e;
        // Chat's codes for what Live calls 100002, 100004 and 100017.
        if (e.code === 100002) {
          const tooLong = /over \d+ bytes|at most \d+ bytes/.test(e.message);
          throw new LiveError(tooLong ? 80002 : 10004, e.message);
        }
        if (e.code === 100004) throw new LiveError(10010, e.message);
        if (e.code === 100017) throw new LiveError(10017, e.message);
        throw e;
      }
    },
  };
}
