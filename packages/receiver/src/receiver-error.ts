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
  | "query-invalid";

/** The one error the receiver SDK throws. */
export class ReceiverError extends Error {
  readonly reason: ReceiverErrorReason;
  constructor(reason: ReceiverErrorReason, message: string) {
    super(message);
    this.name = "ReceiverError";
    this.reason = reason;
  }
}
