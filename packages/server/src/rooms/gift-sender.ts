import type { Asked, BeforeCallbacks } from "../delivery/before-callback.ts";
import { LiveError } from "../live-error.ts";
import type { StoredRoomEvent } from "../store/store.ts";
import type { RoomStore } from "./commands.ts";
import { giftOf, readCatalog } from "./gifts.ts";
import type { OpContext } from "./room.ts";
import { requireRoom } from "./room-lifecycle.ts";

/**
 * Sending a gift, as Tencent does it (Live.CallbackBeforeSendGift 72210, send_gift 72556): the gift
 * must exist (102002) and the sender be in the room when sending from a client; then the App backend
 * is asked (billing) when that command is switched on, and its answer decides:
 * - ErrorCode 0: sent, counted, pushed;
 * - [102100, 102200]: refused with the App backend's code and ErrorInfo, passed to the sender;
 * - any other code: refused, 102004.
 * With no usable answer within the before-callback timeout (2 s), the gift is refused (102004),
 * unless `Live.CallbackBeforeCallBackNotBlock` is in the callback configuration: then it goes.
 */
export interface GiftInput {
  roomId: string;
  from: string;
  receivers: string[];
  giftId: string;
  count: number;
  byMember: boolean;
}

type GiftDecision = { decision: "allow"; code: 0 } | { decision: "refuse"; code: number; info: string };

function interpret(asked: Asked): GiftDecision {
  if (!asked.switchedOn) return { decision: "allow", code: 0 };
  if ("failure" in asked)
    return asked.notBlock
      ? { decision: "allow", code: 0 }
      : {
          decision: "refuse",
          code: 102004,
          info: `the App backend did not answer the gift: ${asked.failure}`,
        };
  const r = asked.reply;
  if (r.ErrorCode === 0) return { decision: "allow", code: 0 };
  if (r.ErrorCode >= 102100 && r.ErrorCode <= 102200)
    return { decision: "refuse", code: r.ErrorCode, info: r.ErrorInfo || "refused by the App backend" };
  return { decision: "refuse", code: 102004, info: r.ErrorInfo || "refused by the App backend" };
}

export function createGiftSender(deps: { store: RoomStore; before: BeforeCallbacks }) {
  const { store, before } = deps;
  return {
    /**
     * @throws LiveError 100004 (no room), 100005 (not in it), 102002 (no such gift), 102004 or the
     *   App backend's code in [102100, 102200] (refused).
     */
    async send(ctx: OpContext, input: GiftInput): Promise<StoredRoomEvent> {
      const gift = await store.read(async (tx) => {
        await requireRoom(tx, ctx.appId, input.roomId);
        if (input.byMember && (await tx.getMember(ctx.appId, input.roomId, input.from)) === undefined)
          throw new LiveError(100005, `${input.from} is not in room ${input.roomId}`, { clientCode: -2101 });
        return giftOf(await readCatalog(tx, ctx.appId), input.giftId);
      });
      const d = await before.ask(
        {
          appId: ctx.appId,
          roomId: input.roomId,
          command: "Live.CallbackBeforeSendGift",
          packet: {
            CallbackCommand: "Live.CallbackBeforeSendGift",
            Operator_Account: ctx.operator,
            RoomId: input.roomId,
            GiftWater: {
              From_Account: input.from,
              To_Account: input.receivers,
              Time: Math.floor(ctx.nowMs / 1000),
              GiftId: input.giftId,
              Count: input.count,
              Coins: gift.Coins,
            },
          },
          clientIp: ctx.clientIp,
          platform: ctx.platform,
        },
        interpret,
      );
      if (d.decision === "refuse")
        throw d.code === 102004
          ? new LiveError(102004, d.info, { clientCode: 102004 })
          : LiveError.passThrough(d.code, d.info);
      return store.write({ op: "sendGift", ctx, ...input, coins: gift.Coins });
    },
  };
}

export type GiftSender = ReturnType<typeof createGiftSender>;
