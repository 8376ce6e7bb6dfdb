import type { CallbackReply } from "@roomhook/protocol";

/** Tencent: an after-callback is answered with HTTP 200 and this packet; all three fields required. */
export const OK_REPLY: CallbackReply = Object.freeze({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" });

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
