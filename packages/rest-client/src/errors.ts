/**
 * What a REST call can fail with. Two kinds, because a caller handles them differently: the server
 * answered and refused ({@link TencentApiError}: a code to branch on, never worth retrying blindly),
 * or no usable answer came back ({@link RestTransportError}: the call may or may not have happened).
 */

/**
 * The server answered with Tencent's envelope and refused the call (`ErrorCode` other than 0).
 * `code` is Tencent's number: 60xxx for the REST request itself (60009 no such command, 60010 the
 * identifier is not an App administrator), 70xxx for the UserSig (70009: made with another key, 70001:
 * expired), 100xxx for Live (100004: no such room), 10xxx/40xxx/70xxx for Chat commands. roomhook's
 * codes are listed in `errorCatalog` of `@roomhook/protocol` (its `ErrorCode` type) and in
 * docs/errors.md; Tencent may answer others.
 */
export class TencentApiError extends Error {
  /** Tencent's `ErrorCode`, never 0. */
  readonly code: number;
  /** Tencent's `ErrorInfo`: the reason in words (may be empty). */
  readonly info: string;
  /** Tencent's `RequestId`, to quote when asking Tencent (or roomhook's log) about the call. */
  readonly requestId: string;
  /** The service called (`live_engine_http_srv`). */
  readonly service: string;
  /** The command called (`create_room`). */
  readonly command: string;

  /**
   * @param opts What the envelope said and which command was called.
   * @param opts.code The envelope's `ErrorCode`.
   * @param opts.info The envelope's `ErrorInfo`.
   * @param opts.requestId The envelope's `RequestId` (`""` when it had none).
   * @param opts.service The service called.
   * @param opts.command The command called.
   */
  constructor(opts: { code: number; info: string; requestId: string; service: string; command: string }) {
    super(
      `${opts.service}/${opts.command} refused: ${opts.code}${opts.info === "" ? "" : ` ${opts.info}`}` +
        (opts.requestId === "" ? "" : ` (RequestId ${opts.requestId})`),
    );
    this.name = "TencentApiError";
    this.code = opts.code;
    this.info = opts.info;
    this.requestId = opts.requestId;
    this.service = opts.service;
    this.command = opts.command;
  }
}

/**
 * Why no usable answer came back:
 * - `timeout`: nothing within `timeoutMs` (the call may still have been carried out);
 * - `network`: the connection failed (refused, reset, DNS) or the injected `fetch` threw;
 * - `http`: an HTTP status other than 200 (Tencent answers 200 for every business outcome: anything
 *   else is a gateway or proxy in the way, or a redirect, which is never followed);
 * - `not-json`: status 200 but the body is not JSON, or not Tencent's envelope (no numeric `ErrorCode`):
 *   the base Url points at something that is not a Tencent REST endpoint.
 */
export type RestTransportFailure = "timeout" | "network" | "http" | "not-json";

/**
 * A REST call got no answer in Tencent's envelope: see {@link RestTransportFailure}. The message
 * names the endpoint (never the query, which holds the UserSig) and the reason; `cause` holds the
 * underlying error when there is one.
 */
export class RestTransportError extends Error {
  /** What went wrong. */
  readonly kind: RestTransportFailure;
  /** The HTTP status, for `http` and `not-json`. */
  readonly status: number | undefined;
  /** The service called. */
  readonly service: string;
  /** The command called. */
  readonly command: string;
  /** The Url called, without its query: `<baseUrl>/v4/<service>/<command>`. */
  readonly endpoint: string;

  /**
   * @param opts What went wrong and where.
   * @param opts.kind What went wrong.
   * @param opts.reason The details, in words.
   * @param opts.service The service called.
   * @param opts.command The command called.
   * @param opts.endpoint The Url called, without its query.
   * @param opts.status The HTTP status, when there was an answer.
   * @param opts.cause The underlying error, when there is one.
   */
  constructor(opts: {
    kind: RestTransportFailure;
    reason: string;
    service: string;
    command: string;
    endpoint: string;
    status?: number;
    cause?: unknown;
  }) {
    super(
      `${opts.service}/${opts.command}: ${opts.reason} (${opts.endpoint})`,
      opts.cause === undefined ? undefined : { cause: opts.cause },
    );
    this.name = "RestTransportError";
    this.kind = opts.kind;
    this.status = opts.status;
    this.service = opts.service;
    this.command = opts.command;
    this.endpoint = opts.endpoint;
  }
}
