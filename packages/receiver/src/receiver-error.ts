/** Why a callback was refused; callers branch on `reason`. */
export type ReceiverErrorReason =
  | "sdkappid-missing"
  | "sdkappid-mismatch"
  | "sign-missing"
  | "sign-stale"
  | "sign-mismatch"
  | "signature-missing"
  | "timestamp-invalid"
  | "timestamp-stale"
  | "signature-mismatch"
  | "body-not-json"
  | "body-invalid"
  | "command-mismatch"
  /** One of Tencent's query parameters is repeated. */
  | "query-invalid"
  /** The body is over the adapter's limit (answered 413). */
  | "body-too-large"
  /**
   * The body was already read by something mounted before the adapter (a body parser): it cannot be
   * checked. The App backend's own setup is at fault (answered 500, so the sender tries again later).
   */
  | "body-consumed";

/**
 * The HTTP status an adapter answers a refusal with: 413 for a body over the limit, 500 when the App
 * backend's own setup consumed the body (the callback was fine: the sender should try again once it is
 * fixed), 401 for everything else (the callback is not authentic or not well-formed).
 */
export function refusalStatus(reason: ReceiverErrorReason): 401 | 413 | 500 {
  return reason === "body-too-large" ? 413 : reason === "body-consumed" ? 500 : 401;
}

/** The one error the receiver SDK throws. */
export class ReceiverError extends Error {
  /** Why the callback was refused: branch on it. */
  readonly reason: ReceiverErrorReason;
  /** A refusal for `reason`, its message saying what was wrong. */
  constructor(reason: ReceiverErrorReason, message: string) {
    super(message);
    this.name = "ReceiverError";
    this.reason = reason;
  }
}
