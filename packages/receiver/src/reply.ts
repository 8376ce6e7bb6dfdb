import type { CallbackReply, ReceivedMsgElem } from "@roomhook/protocol";
import type { VerifiedCallback } from "./verify.ts";

/** Tencent: an after-callback is answered with HTTP 200 and this packet; all three fields required. */
export const OK_REPLY: CallbackReply = Object.freeze({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" });

/** A fresh OK answer (Tencent's after-callback reply): ActionStatus OK, ErrorCode 0, ErrorInfo "". */
export function okReply(): CallbackReply {
  return { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" };
}

/**
 * A refusal. After-callbacks ignore it (Tencent); before-callbacks (gift) block on a non-zero code,
 * and codes in [102100, 102200] reach the sender's client.
 */
export function failReply(errorCode = 1, errorInfo = ""): CallbackReply {
  return { ActionStatus: "FAIL", ErrorCode: errorCode, ErrorInfo: errorInfo };
}

/**
 * A callback handler. It may return (or resolve with) the reply to send, made by the builders below:
 * a before-callback's reply decides the gift or the message. Anything else it returns (nothing, most
 * often) answers Tencent's OK packet; an after-callback's reply is ignored by the sender anyway.
 */
export type CallbackHandler = (cb: VerifiedCallback) => unknown;

/** The reply a handler returned, when it returned one; else Tencent's OK packet. */
export function replyOf(answer: unknown): CallbackReply | BeforeSendMsgReply {
  if (typeof answer === "object" && answer !== null) {
    const a = answer as Record<string, unknown>;
    if ((a.ActionStatus === "OK" || a.ActionStatus === "FAIL") && typeof a.ErrorCode === "number")
      return answer as CallbackReply;
  }
  return okReply();
}

/** Group.CallbackBeforeSendMsg's reply may carry the message rewritten (Tencent 74347). */
export interface BeforeSendMsgReply extends CallbackReply {
  /** The message's elements as they should be sent: any of Tencent Chat's, kept as received. */
  MsgBody?: ReceivedMsgElem[];
  CloudCustomData?: string;
}

/** Before-callbacks: let the gift or the message go (ErrorCode 0). */
export function allowReply(): CallbackReply {
  return okReply();
}

/**
 * Live.CallbackBeforeSendGift: refuse the gift. A code in [102100, 102200] reaches the sender's
 * client with `info`; any other non-zero code is answered to the sender as 102004 (Tencent 72210).
 *
 * @throws RangeError for code 0, which would allow the gift.
 */
export function refuseGiftReply(code = 1, info = ""): CallbackReply {
  if (code === 0) throw new RangeError("a refusal's code is not 0");
  return { ActionStatus: "OK", ErrorCode: code, ErrorInfo: info };
}

/**
 * Group.CallbackBeforeSendMsg: refuse the message. Code 1 makes the sender get 10016; a code in
 * [10100, 10200] reaches the sender with `info` (Tencent 74347).
 *
 * @throws RangeError for code 0 (allow) or 2 (drop: dropMessageReply).
 */
export function refuseMessageReply(code = 1, info = ""): CallbackReply {
  if (code === 0 || code === 2) throw new RangeError("a refusal's code is neither 0 nor 2");
  return { ActionStatus: "OK", ErrorCode: code, ErrorInfo: info };
}

/** Group.CallbackBeforeSendMsg: discard the message silently; its sender is told it was sent. */
export function dropMessageReply(): CallbackReply {
  return { ActionStatus: "OK", ErrorCode: 2, ErrorInfo: "" };
}

/**
 * Group.CallbackBeforeSendMsg: send the message rewritten: its elements, its CloudCustomData, or
 * both (what is not given stays as sent).
 */
export function rewriteMessageReply(rewrite: {
  MsgBody?: ReceivedMsgElem[];
  CloudCustomData?: string;
}): BeforeSendMsgReply {
  return { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", ...rewrite };
}
