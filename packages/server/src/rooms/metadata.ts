import { LiveError } from "../live-error.ts";
import type { MetadataEntry, StoreTx, StoredRoomEvent } from "../store/store.ts";
import type { OpContext } from "./room.ts";
import { eventBase, requireRoom } from "./room-lifecycle.ts";

/**
 * Room metadata (Tencent: set_room_metadata 64375, get_room_metadata 64374, del_room_metadata 64376;
 * Live.CallbackAfterSetMetadata 68222, Live.CallbackAfterDelMetadata 68223): string keys and values,
 * pushed to the room's members and called back.
 */
export const metadataLimits = {
  /** Keys per room (100500 past it). */
  maxKeys: 10,
  /** Bytes of a key (100504). */
  keyBytes: 50,
  /** Bytes of one value (100501). */
  valueBytes: 2048,
  /** Bytes of every value of the room together (100502). */
  totalValueBytes: 16384,
} as const;

/** Checks one request's entries before the room's state is known: key and value sizes. */
export function checkMetadataEntries(entries: MetadataEntry[]): void {
  for (const e of entries) {
    if (Buffer.byteLength(e.Key) > metadataLimits.keyBytes)
      throw new LiveError(
        100504,
        `metadata key "${e.Key.slice(0, 60)}" is over ${metadataLimits.keyBytes} bytes`,
      );
    if (e.Key === "") throw new LiveError(100002, "a metadata Key must not be empty");
    if (Buffer.byteLength(e.Value) > metadataLimits.valueBytes)
      throw new LiveError(
        100501,
        `the value of metadata key "${e.Key}" is over ${metadataLimits.valueBytes} bytes`,
      );
  }
}

/** Upserts the entries (the last of a key repeated in one call wins); the callback lists them as set. */
export async function setMetadata(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; entries: MetadataEntry[] },
): Promise<StoredRoomEvent> {
  await requireRoom(tx, ctx.appId, input.roomId);
  checkMetadataEntries(input.entries);
  const merged = new Map((await tx.listMetadata(ctx.appId, input.roomId)).map((e) => [e.Key, e.Value]));
  const set = new Map(input.entries.map((e) => [e.Key, e.Value]));
  for (const [k, v] of set) merged.set(k, v);
  if (merged.size > metadataLimits.maxKeys)
    throw new LiveError(
      100500,
      `a room holds at most ${metadataLimits.maxKeys} metadata keys; this would make ${merged.size}`,
    );
  let total = 0;
  for (const v of merged.values()) total += Buffer.byteLength(v);
  if (total > metadataLimits.totalValueBytes)
    throw new LiveError(
      100502,
      `the room's metadata values would total ${total} bytes, over ${metadataLimits.totalValueBytes}`,
    );
  const entries = [...set].map(([Key, Value]) => ({ Key, Value }));
  await tx.putMetadata(ctx.appId, input.roomId, entries);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: input.roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterSetMetadata",
      Operator_Account: ctx.operator,
      RoomId: input.roomId,
      Metadata: entries,
      EventTime: ctx.nowMs,
    },
  });
}

/**
 * Deletes the keys that exist; 100503 when none of them does. The callback lists the keys deleted.
 */
export async function deleteMetadata(
  tx: StoreTx,
  ctx: OpContext,
  input: { roomId: string; keys: string[] },
): Promise<StoredRoomEvent> {
  await requireRoom(tx, ctx.appId, input.roomId);
  const present = new Set((await tx.listMetadata(ctx.appId, input.roomId)).map((e) => e.Key));
  const keys = [...new Set(input.keys)].filter((k) => present.has(k));
  if (keys.length === 0)
    throw new LiveError(100503, `none of the keys is in the metadata of room ${input.roomId}`);
  await tx.removeMetadata(ctx.appId, input.roomId, keys);
  return tx.appendEvent({
    ...eventBase(ctx),
    roomId: input.roomId,
    packet: {
      CallbackCommand: "Live.CallbackAfterDelMetadata",
      Operator_Account: ctx.operator,
      RoomId: input.roomId,
      Keys: keys,
      EventTime: ctx.nowMs,
    },
  });
}
