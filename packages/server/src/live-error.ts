import type { ErrorCode } from "@roomhook/protocol";
import { errorCatalog } from "@roomhook/protocol";

/** The one error class of the server: it carries a catalog code and the ErrorInfo the caller sees. */
export class LiveError extends Error {
  /** A catalog code, or (passThrough) a code the App backend chose in a range Tencent passes on. */
  readonly code: ErrorCode;
  /** The client error code when the client path needs a more precise one than the mapping gives. */
  readonly clientCode: number | undefined;
  constructor(code: ErrorCode, info?: string, opts: { clientCode?: number } = {}) {
    super(info ?? errorCatalog[code].info);
    this.name = "LiveError";
    this.code = code;
    this.clientCode = opts.clientCode;
  }

  /**
   * A refusal with the App backend's own code, which Tencent passes to the sender unchanged: a
   * before-callback's ErrorCode in [102100, 102200] (gifts) or [10100, 10200] (messages). The client
   * path answers the same code.
   */
  static passThrough(code: number, info: string): LiveError {
    return new LiveError(code as ErrorCode, info, { clientCode: code });
  }
}
