import type { ErrorCode } from "@roomhook/protocol";
import { errorCatalog } from "@roomhook/protocol";

/** The one error class of the server: it carries a catalog code and the ErrorInfo the caller sees. */
export class LiveError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, info?: string) {
    super(info ?? errorCatalog[code].info);
    this.name = "LiveError";
    this.code = code;
  }
}
