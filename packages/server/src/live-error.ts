import type { ClientErrorCode, ErrorCode } from "@roomhook/protocol";
import { errorCatalog } from "@roomhook/protocol";

/** The one error class of the server: it carries a catalog code and the ErrorInfo the caller sees. */
export class LiveError extends Error {
  readonly code: ErrorCode;
  /** The client error code when the client path needs a more precise one than the mapping gives. */
  readonly clientCode: ClientErrorCode | undefined;
  constructor(code: ErrorCode, info?: string, opts: { clientCode?: ClientErrorCode } = {}) {
    super(info ?? errorCatalog[code].info);
    this.name = "LiveError";
    this.code = code;
    this.clientCode = opts.clientCode;
  }
}
