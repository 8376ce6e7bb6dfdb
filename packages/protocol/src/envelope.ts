import type { ErrorCode } from "./errors.ts";
import { errorCatalog } from "./errors.ts";

/** Tencent's REST response envelope: every business outcome is HTTP 200 with these four fields. */
export interface RestEnvelope {
  ActionStatus: "OK" | "FAIL";
  ErrorCode: number;
  ErrorInfo: string;
  RequestId: string;
}

/** Live APIs place their payload in `Response` (Tencent: get_room_info, get_callback, ...). */
export interface RestSuccess<R = undefined> extends RestEnvelope {
  ActionStatus: "OK";
  ErrorCode: 0;
  Response?: R;
}

/**
 * Tencent's success envelope: `ActionStatus` "OK", `ErrorCode` 0, an empty `ErrorInfo`, the request's
 * `RequestId`, and `Response` when there is a payload (Live REST API overview, trtc.io/document/59844).
 */
export function okEnvelope<R>(requestId: string, response?: R): RestSuccess<R> {
  const env: RestSuccess<R> = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", RequestId: requestId };
  if (response !== undefined) env.Response = response;
  return env;
}

/**
 * Tencent's failure envelope: `ActionStatus` "FAIL", the code, and `ErrorInfo` (the catalog's text for
 * the code unless `info` is given). Codes are errorCatalog's (docs/errors.md).
 */
export function failEnvelope(requestId: string, code: ErrorCode, info?: string): RestEnvelope {
  return {
    ActionStatus: "FAIL",
    ErrorCode: code,
    ErrorInfo: info ?? errorCatalog[code].info,
    RequestId: requestId,
  };
}

/** The reply an App backend sends to an after-callback (Tencent: all three fields are required). */
export interface CallbackReply {
  ActionStatus: "OK" | "FAIL";
  ErrorCode: number;
  ErrorInfo: string;
}
