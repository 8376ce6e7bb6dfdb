import { genUserSig } from "@roomhook/protocol";
import { reasonOf } from "./startup-error.ts";

/** Where the CLI's REST calls go and as whom: a server, an app and one of its admins. */
export interface AdminTarget {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  base: string;
  sdkAppId: number;
  /** The app's secret key: each call gets a UserSig of 5 minutes made from it. */
  key: string;
  /** An admin identifier of the app. */
  identifier: string;
}

/** Tencent's answer envelope: `ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId`, and the payload. */
export interface Envelope {
  ActionStatus: string;
  ErrorCode: number;
  ErrorInfo: string;
  RequestId?: string;
  Response?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The server did not answer, or answered something that is not Tencent's envelope. */
export class RestCallError extends Error {}

/**
 * One REST call as the app's admin: POST `/v4/<path>` with a fresh UserSig. Resolves with the
 * envelope, FAIL included; rejects with {@link RestCallError} when the server cannot be reached
 * (the message says which URL and the setting) or does not answer with the envelope. 10 s timeout.
 */
export async function restCall(t: AdminTarget, path: string, body: unknown): Promise<Envelope> {
  const sig = genUserSig({ sdkAppId: t.sdkAppId, key: t.key, identifier: t.identifier, expire: 300 });
  const random = Math.floor(Math.random() * 0xffffffff);
  const url = `${t.base}/v4/${path}?sdkappid=${t.sdkAppId}&identifier=${encodeURIComponent(t.identifier)}&usersig=${sig}&random=${random}&contenttype=json`;
  let text: string;
  try {
    const res = await fetch(url, {
      method: "POST",
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    text = await res.text();
  } catch (err) {
    throw new RestCallError(
      `cannot reach the server at ${t.base} (${reasonOf((err as { cause?: unknown }).cause ?? err)}): start it with \`npm start\`, or give its URL with --server`,
    );
  }
  try {
    const env = JSON.parse(text) as Envelope;
    if (typeof env.ErrorCode === "number") return env;
  } catch {
    // below
  }
  throw new RestCallError(
    `${t.base} is not a roomhook or Tencent REST endpoint: it answered ${text.slice(0, 200)}`,
  );
}

/** The envelope's payload, or a RestCallError with the code and reason when it failed. */
export async function restOk(t: AdminTarget, path: string, body: unknown): Promise<Record<string, unknown>> {
  const env = await restCall(t, path, body);
  if (env.ErrorCode !== 0) throw new RestCallError(`${path}: ${env.ErrorCode} ${env.ErrorInfo}`);
  return env.Response ?? env;
}
