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

export function okEnvelope<R>(requestId: string, response?: R): RestSuccess<R> {
  const env: RestSuccess<R> = { ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "", RequestId: requestId };
  if (response !== undefined) env.Response = response;
  return env;
}

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
