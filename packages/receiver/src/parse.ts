import {
  callbackSchemas,
  type AfterChangeOwner,
  type AfterCreateRoom,
  type AfterCreateRoomReachingThreshold,
  type AfterDelMetadata,
  type AfterDestroyRoom,
  type AfterMemberStateChanged,
  type AfterModifyAdmin,
  type AfterSeatInfoChanged,
  type AfterSetMetadata,
  type AfterUpdateRoomInfo,
  type BeforeSendGift,
} from "@roomhook/protocol";
import { ReceiverError } from "./receiver-error.ts";
import { schemaProblem } from "./schema-check.ts";

/** Packets whose shape Tencent documents, by command. */
export interface PacketByCommand {
  "Live.CallbackAfterCreateRoom": AfterCreateRoom;
  "Live.CallbackAfterDestroyRoom": AfterDestroyRoom;
  "Live.CallbackAfterUpdateRoomInfo": AfterUpdateRoomInfo;
  "Live.CallbackAfterSetMetadata": AfterSetMetadata;
  "Live.CallbackAfterDelMetadata": AfterDelMetadata;
  "Live.CallbackAfterCreateRoomReachingThreshold": AfterCreateRoomReachingThreshold;
  "Live.CallbackAfterMemberStateChanged": AfterMemberStateChanged;
  "Live.CallbackAfterChangeOwner": AfterChangeOwner;
  "Live.CallbackAfterModifyAdmin": AfterModifyAdmin;
  "Mic.CallbackAfterSeatInfoChanged": AfterSeatInfoChanged;
  "Live.CallbackBeforeSendGift": BeforeSendGift;
}

/** A parsed callback: narrow on `command`; commands roomhook does not know arrive as "unknown". */
export type ParsedCallback =
  | { [K in keyof PacketByCommand]: { command: K; packet: PacketByCommand[K] } }[keyof PacketByCommand]
  | { command: "unknown"; name: string; packet: Record<string, unknown> };

/**
 * Tencent's samples sometimes render accounts as JSON numbers; every `*_Account` field (and arrays of
 * them, and `MemberList[].Member_Account`) becomes a string before validation.
 */
function normalizeAccounts(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalizeAccounts);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.endsWith("_Account")) {
      if (typeof x === "number") out[k] = String(x);
      else if (Array.isArray(x))
        out[k] = (x as unknown[]).map((y) => (typeof y === "number" ? String(y) : y));
      else out[k] = x;
    } else out[k] = typeof x === "object" ? normalizeAccounts(x) : x;
  }
  return out;
}

function isKnown(c: string): c is keyof PacketByCommand {
  return Object.hasOwn(callbackSchemas, c);
}

/**
 * Parses a callback body (bytes, text or an already-decoded object), validated against the protocol's
 * schemas; unknown fields are kept. `queryCommand`, when given, must match the body's CallbackCommand.
 */
export function parseCallback(body: string | Uint8Array | object, queryCommand?: string): ParsedCallback {
  let value: unknown = body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof body === "string" ? body : Buffer.from(body).toString("utf8"));
    } catch {
      throw new ReceiverError("body-not-json", "callback body is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ReceiverError("body-invalid", "callback body must be a JSON object");
  }
  const packet = normalizeAccounts(value) as Record<string, unknown>;
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
