import { optPlatforms, type OptPlatform } from "./callbacks.ts";

/**
 * What a user id and a room id may be, decided once for the REST API, the WebSocket gateway and the
 * SDKs. Tencent: a Chat UserID is at most 32 bytes; a RoomId at most 48 bytes of printable ASCII.
 */
/** Longest user id, in UTF-8 bytes (Tencent Chat's UserID limit). */
export const USER_ID_MAX_BYTES = 32;
/** Longest room id, in bytes (Tencent: printable ASCII, so bytes and characters agree). */
export const ROOM_ID_MAX_BYTES = 48;

// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]+$/;
const encoder = new TextEncoder();

/** A surrogate half without its other half: text that UTF-8 (and so every store) cannot hold. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a string is well-formed Unicode (no lone surrogate half). A lone half is written to a
 * database or a UTF-8 body as U+FFFD: two different strings would come back as one, so such a string
 * is refused wherever it is read.
 */
export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * Why a string is not a user id a user or an admin may name, or undefined when it is one: not empty
 * or blank, at most 32 bytes of UTF-8, no control character, not a reserved system account (`@TIM#`,
 * Tencent's own operator in callbacks).
 */
export function userIdProblem(s: string): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (encoder.encode(s).length > USER_ID_MAX_BYTES) return `must be at most ${USER_ID_MAX_BYTES} bytes`;
  if (CONTROL.test(s)) return "must not contain control characters";
  if (!isWellFormedText(s)) return "must be well-formed Unicode (it holds a lone surrogate half)";
  if (s.trim().length === 0) return "must not be blank";
  if (s.startsWith("@TIM#")) return "is a reserved system account";
  return undefined;
}

/** Why a string is not a room id, or undefined when it is one: 1 to 48 bytes of printable ASCII. */
export function roomIdProblem(s: string): string | undefined {
  if (s.length === 0) return "must not be empty";
  if (encoder.encode(s).length > ROOM_ID_MAX_BYTES) return `must be at most ${ROOM_ID_MAX_BYTES} bytes`;
  if (!PRINTABLE_ASCII.test(s)) return "must be printable ASCII";
  return undefined;
}

/** The platforms a client may log in with: every OptPlatform but RESTAPI, which is the REST API's own. */
export const clientPlatforms = optPlatforms.filter(
  (p): p is Exclude<OptPlatform, "RESTAPI"> => p !== "RESTAPI",
);

/** Whether `p` is a platform a client may declare at login (every OptPlatform but `RESTAPI`). */
export function isClientPlatform(p: unknown): p is Exclude<OptPlatform, "RESTAPI"> {
  return (clientPlatforms as readonly unknown[]).includes(p);
}
