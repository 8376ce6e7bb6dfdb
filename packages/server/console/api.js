import { useEffect, useState } from "preact/hooks";

/**
 * roomhook's REST API as the console calls it: Tencent's transport (`POST /v4/<service>/<command>`
 * with sdkappid, identifier, usersig, random and contenttype in the query, a JSON body) and Tencent's
 * answer (`ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId`, then `Response`).
 */

/**
 * @typedef {{ sdkAppId: string, identifier: string, userSig: string }} Session
 * @typedef {(service: string, command: string, body?: Record<string, unknown>) => Promise<unknown>} Call
 */

/** A call the server answered with an error: its code and message, as Tencent's envelope gave them. */
export class RestError extends Error {
  /**
   * @param {number} code
   * @param {string} info
   * @param {string} requestId
   */
  constructor(code, info, requestId) {
    super(`${info} (${code})`);
    this.code = code;
    this.info = info;
    this.requestId = requestId;
  }

  /** The sign-in itself was refused: a bad or expired UserSig (70xxx), an unknown app or a non-admin. */
  get refusesSession() {
    return (this.code >= 70000 && this.code < 80000) || [60004, 60006, 60010, 60012].includes(this.code);
  }
}

/** The REST API beside the console: /console/ → /v4/, so that a prefix a proxy adds is kept. */
const REST_BASE = new URL("../v4/", document.baseURI);

/**
 * One REST call. Resolves with the answer's `Response` (an empty object when it has none); rejects
 * with a RestError when the envelope says FAIL, or an Error when no envelope came back.
 * @param {Session} session
 * @param {string} service
 * @param {string} command
 * @param {Record<string, unknown>} [body]
 * @returns {Promise<unknown>}
 */
export async function restCall(session, service, command, body = {}) {
  const query = new URLSearchParams({
    sdkappid: session.sdkAppId,
    identifier: session.identifier,
    usersig: session.userSig,
    random: String(crypto.getRandomValues(new Uint32Array(1))[0]),
    contenttype: "json",
  });
  const url = new URL(
    `${encodeURIComponent(service)}/${encodeURIComponent(command)}?${query.toString()}`,
    REST_BASE,
  );
  const res = await fetch(url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    cache: "no-store",
    credentials: "omit",
    referrerPolicy: "no-referrer",
  });
  /** @type {unknown} */
  let answer;
  try {
    answer = await res.json();
  } catch {
    throw new Error(`the server answered HTTP ${res.status} without Tencent's envelope`);
  }
  const envelope =
    /** @type {{ ActionStatus?: unknown, ErrorCode?: unknown, ErrorInfo?: unknown, RequestId?: unknown, Response?: unknown }} */ (
      answer
    );
  if (envelope.ActionStatus !== "OK") {
    throw new RestError(
      typeof envelope.ErrorCode === "number" ? envelope.ErrorCode : -1,
      typeof envelope.ErrorInfo === "string" ? envelope.ErrorInfo : "",
      typeof envelope.RequestId === "string" ? envelope.RequestId : "",
    );
  }
  return envelope.Response ?? {};
}

/** A message for whatever a call threw. */
export function errorText(/** @type {unknown} */ err) {
  if (err instanceof RestError) return `${err.info || "error"} (ErrorCode ${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

/** The Live callback commands, as the server's protocol package lists them (empty until loaded). */
export function useCommands() {
  const [commands, setCommands] = useState(/** @type {string[]} */ ([]));
  useEffect(() => {
    void fetch(new URL("commands.json", document.baseURI), { cache: "no-cache" }).then(async (res) => {
      /** @type {unknown} */
      const body = await res.json();
      setCommands(/** @type {{ CallbackCommandList: string[] }} */ (body).CallbackCommandList);
    });
  }, []);
  return commands;
}
