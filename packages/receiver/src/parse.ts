import { callbackSchemas, parseJson, UnsafeInteger, type CallbackPacketByCommand } from "@roomhook/protocol";
import { ReceiverError } from "./receiver-error.ts";
import { schemaProblem } from "./schema-check.ts";

/**
 * Packets whose shape Tencent documents, by command: the protocol's types, `Static<>` of the schemas
 * each packet is checked against.
 */
export type PacketByCommand = CallbackPacketByCommand;

/** A parsed callback: narrow on `command`; commands roomhook does not know arrive as "unknown". */
export type ParsedCallback =
  | { [K in keyof PacketByCommand]: { command: K; packet: PacketByCommand[K] } }[keyof PacketByCommand]
  | { command: "unknown"; name: string; packet: Record<string, unknown> };

/** An account written as a number, as its string (an 18-digit one exact: protocol parseJson). */
function accountString(x: number | UnsafeInteger): string {
  return typeof x === "number" ? String(x) : x.digits;
}

/** A number JSON.parse may have rounded: beyond Number.MAX_SAFE_INTEGER in size (or not finite). */
function isUnsafeNumber(x: unknown): boolean {
  return typeof x === "number" && !(Math.abs(x) <= Number.MAX_SAFE_INTEGER);
}

/** Whether a number anywhere in the value is unsafe (isUnsafeNumber): a walk, no stack growth. */
function hasUnsafeNumber(root: unknown): boolean {
  const stack: unknown[] = [root];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (isUnsafeNumber(v)) return true;
    if (typeof v === "object" && v !== null) for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  return false;
}

/**
 * Tencent's samples sometimes render accounts as JSON numbers; every `*_Account` field (and arrays of
 * them, and `MemberList[].Member_Account`) becomes a string before validation. Returns whether any
 * number in the value is beyond Number.MAX_SAFE_INTEGER in size: JSON.parse rounded it (an 18-digit
 * id), and the text is to be read again with parseJson, which keeps its digits.
 */
function normalizeAccounts(root: unknown): boolean {
  let unsafe = false;
  // A walk with its own stack: a body nested thousands of levels deep (in a field roomhook does not
  // know) must not overflow the call stack.
  const stack: unknown[] = [root];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === "object" && x !== null) stack.push(x);
        else if (isUnsafeNumber(x)) unsafe = true;
      }
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (isUnsafeNumber(x)) unsafe = true;
      if (k.endsWith("_Account")) {
        if (typeof x === "number" || x instanceof UnsafeInteger) o[k] = accountString(x);
        else if (Array.isArray(x)) {
          for (let i = 0; i < x.length; i++) {
            const y: unknown = x[i];
            if (isUnsafeNumber(y)) unsafe = true;
            if (typeof y === "number" || y instanceof UnsafeInteger) x[i] = accountString(y);
            // Not an account itself (it fails the schema, or is kept as it is): only looked through.
            else if (typeof y === "object" && y !== null && hasUnsafeNumber(y)) unsafe = true;
          }
        } else if (typeof x === "object" && x !== null && hasUnsafeNumber(x)) unsafe = true;
      } else if (typeof x === "object" && x !== null) stack.push(x);
    }
  }
  return unsafe;
}

/** Bytes as a Buffer over the same memory (no copy). */
export function bodyBytes(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Bytes as text without copying them. */
export function bodyText(body: string | Uint8Array): string {
  if (typeof body === "string") return body;
  return (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)).toString(
    "utf8",
  );
}

function isKnown(c: string): c is keyof PacketByCommand {
  return Object.hasOwn(callbackSchemas, c);
}

/**
 * Parses a callback body (bytes, text or an already-decoded object), validated against the protocol's
 * schemas; unknown fields are kept. `queryCommand`, when given, must match the body's CallbackCommand.
 */
export function parseCallback(body: string | Uint8Array | object, queryCommand?: string): ParsedCallback {
  let value: unknown;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = bodyText(body);
    try {
      // JSON.parse first: the walk below finds a number it rounded (Tencent writes 18-digit ids as
      // bare numbers), and only then is the text read again by parseJson, which keeps their digits.
      value = JSON.parse(text) as unknown;
    } catch {
      throw new ReceiverError("body-not-json", "callback body is not JSON");
    }
    if (typeof value === "object" && value !== null && normalizeAccounts(value)) {
      value = parseJson(text);
      normalizeAccounts(value);
    }
  } else {
    value = structuredClone(body); // the caller's object stays as it was
    if (typeof value === "object" && value !== null) normalizeAccounts(value);
  }

  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ReceiverError("body-invalid", "callback body must be a JSON object");
  }
  const packet = value as Record<string, unknown>;
  // Tencent's message samples write EventTime as a string of digits; the packet types say a number.
  // Only when the number is exact: a longer one stays a string, and the schema refuses it.
  if (typeof packet.EventTime === "string" && /^\d{1,16}$/.test(packet.EventTime)) {
    const t = Number(packet.EventTime);
    if (Number.isSafeInteger(t)) packet.EventTime = t;
  }
  const name = packet.CallbackCommand;
  if (typeof name !== "string") throw new ReceiverError("body-invalid", "$.CallbackCommand: is required");
  if (queryCommand !== undefined && queryCommand !== name) {
    throw new ReceiverError(
      "command-mismatch",
      `CallbackCommand is ${queryCommand} in the URL and ${name} in the body`,
    );
  }
  if (!isKnown(name)) return { command: "unknown", name, packet };
  const problem = schemaProblem(callbackSchemas[name], packet);
  if (problem !== undefined) throw new ReceiverError("body-invalid", `${name}: ${problem}`);
  // Validated against the command's schema just above: the packet has that command's shape.
  return { command: name, packet } as unknown as ParsedCallback;
}
