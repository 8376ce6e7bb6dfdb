import { isWellFormedText, roomIdProblem, UnsafeInteger, userIdProblem } from "@roomhook/protocol";
import { LiveError } from "../live-error.ts";

/**
 * Reads typed fields out of a decoded JSON request, answering the first wrong one with 100002 and a
 * message that names the field and what it must be. Unknown fields are ignored, as Tencent's APIs do.
 */

interface StringOpts {
  maxBytes?: number;
  minBytes?: number;
}
interface IntOpts {
  min?: number;
  max?: number;
}
type Req = { required: true };

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof UnsafeInteger) return "a number beyond 2^53";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

export class FieldReader {
  private readonly obj: Record<string, unknown>;
  private readonly path: string;

  constructor(obj: Record<string, unknown>, path = "") {
    this.obj = obj;
    this.path = path;
  }

  private name(field: string): string {
    return this.path === "" ? field : `${this.path}.${field}`;
  }

  private fail(field: string, problem: string): never {
    throw new LiveError(100002, `${this.name(field)} ${problem}`);
  }

  private take(field: string, required: boolean): unknown {
    const v = this.obj[field];
    if (v === undefined || v === null) {
      if (required) this.fail(field, "is required");
      return undefined;
    }
    return v;
  }

  /** The field's value as sent (undefined when absent or null), for fields of several types. */
  raw(field: string): unknown {
    return this.take(field, false);
  }

  /** An array of objects, possibly empty, each as a reader. */
  objectList(field: string, opts: { maxItems: number }): FieldReader[] {
    const v = this.take(field, true);
    if (!Array.isArray(v)) this.fail(field, `must be an array of objects, got ${describe(v)}`);
    if (v.length > opts.maxItems) this.fail(field, `must hold at most ${opts.maxItems} items`);
    return v.map((x, i) => {
      if (typeof x !== "object" || x === null || Array.isArray(x))
        this.fail(`${field}[${i}]`, `must be an object, got ${describe(x)}`);
      return new FieldReader(x as Record<string, unknown>, this.name(`${field}[${i}]`));
    });
  }

  has(field: string): boolean {
    return this.obj[field] !== undefined && this.obj[field] !== null;
  }

  string(field: string, opts: StringOpts & Req): string;
  string(field: string, opts?: StringOpts & { required?: boolean }): string | undefined;
  string(field: string, opts: StringOpts & { required?: boolean } = {}): string | undefined {
    const v = this.take(field, opts.required === true);
    if (v === undefined) return undefined;
    if (typeof v !== "string") this.fail(field, `must be a string, got ${describe(v)}`);
    if (!isWellFormedText(v))
      this.fail(field, "must be well-formed Unicode (it holds a lone surrogate half)");
    const bytes = Buffer.byteLength(v);
    if (opts.maxBytes !== undefined && bytes > opts.maxBytes)
      this.fail(field, `must be at most ${opts.maxBytes} bytes`);
    if (opts.minBytes !== undefined && bytes < opts.minBytes)
      this.fail(field, `must be at least ${opts.minBytes} bytes`);
    return v;
  }

  int(field: string, opts: IntOpts & Req): number;
  int(field: string, opts?: IntOpts & { required?: boolean }): number | undefined;
  int(field: string, opts: IntOpts & { required?: boolean } = {}): number | undefined {
    const v = this.take(field, opts.required === true);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v))
      this.fail(field, `must be an integer, got ${describe(v)}`);
    if (opts.min !== undefined && v < opts.min) this.fail(field, `must be at least ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) this.fail(field, `must be at most ${opts.max}`);
    return v;
  }

  bool(field: string): boolean | undefined {
    const v = this.take(field, false);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") this.fail(field, `must be true or false, got ${describe(v)}`);
    return v;
  }

  oneOf<T extends string>(field: string, values: readonly T[], opts: Req): T;
  oneOf<T extends string>(field: string, values: readonly T[], opts?: { required?: boolean }): T | undefined;
  oneOf<T extends string>(
    field: string,
    values: readonly T[],
    opts: { required?: boolean } = {},
  ): T | undefined {
    const v = this.take(field, opts.required === true);
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
      this.fail(field, `must be one of ${values.map((x) => `"${x}"`).join(", ")}`);
    }
    return v as T;
  }

  /** Tencent's samples sometimes render user ids as JSON numbers: accepted, and kept as strings. */
  private asUserId(field: string, v: unknown): string {
    let s: string;
    if (typeof v === "string") s = v;
    else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) s = String(v);
    // An id of 16+ digits written as a number keeps its digits (protocol parseJson).
    else if (v instanceof UnsafeInteger && !v.digits.startsWith("-")) s = v.digits;
    else this.fail(field, `must be a user id string, got ${describe(v)}`);
    const problem = userIdProblem(s);
    if (problem !== undefined) this.fail(field, problem);
    return s;
  }

  userId(field: string, opts: Req): string;
  userId(field: string, opts?: { required?: boolean }): string | undefined;
  userId(field: string, opts: { required?: boolean } = {}): string | undefined {
    const v = this.take(field, opts.required === true);
    return v === undefined ? undefined : this.asUserId(field, v);
  }

  roomId(field = "RoomId"): string {
    const v = this.take(field, true);
    if (typeof v !== "string") this.fail(field, `must be a string, got ${describe(v)}`);
    const problem = roomIdProblem(v);
    if (problem !== undefined) this.fail(field, problem);
    return v;
  }

  /** The room id at `field[index]` (a list already read as strings). */
  roomIdAt(field: string, index: number): string {
    const list = this.obj[field];
    const v = Array.isArray(list) ? (list[index] as unknown) : undefined;
    if (typeof v !== "string") this.fail(`${field}[${index}]`, `must be a string, got ${describe(v)}`);
    const problem = roomIdProblem(v);
    if (problem !== undefined) this.fail(`${field}[${index}]`, problem);
    return v;
  }

  /** A non-empty list of distinct user ids (duplicates are folded). */
  userIdList(field: string, opts: { maxItems: number }): string[] {
    const v = this.take(field, true);
    if (!Array.isArray(v)) this.fail(field, `must be an array of user ids, got ${describe(v)}`);
    if (v.length === 0) this.fail(field, "must not be empty");
    if (v.length > opts.maxItems) this.fail(field, `must hold at most ${opts.maxItems} user ids`);
    const ids = v.map((x, i) => this.asUserId(`${field}[${i}]`, x));
    return [...new Set(ids)];
  }

  /** An array of strings, possibly empty. */
  stringList(field: string, opts: { maxItems: number }): string[] {
    const v = this.take(field, true);
    if (!Array.isArray(v)) this.fail(field, `must be an array of strings, got ${describe(v)}`);
    if (v.length > opts.maxItems) this.fail(field, `must hold at most ${opts.maxItems} items`);
    v.forEach((x, i) => {
      if (typeof x !== "string") this.fail(`${field}[${i}]`, "must be a string");
      if (!isWellFormedText(x))
        this.fail(`${field}[${i}]`, "must be well-formed Unicode (it holds a lone surrogate half)");
    });
    return v as string[];
  }

  /**
   * A non-empty list of `{Key, Value}` strings (Tencent's room metadata); sizes are the rule's to check,
   * with their own codes.
   */
  metadataList(
    field: string,
    opts: { maxItems: number } = { maxItems: 100 },
  ): { Key: string; Value: string }[] {
    const v = this.take(field, true);
    if (!Array.isArray(v)) this.fail(field, `must be an array of {Key, Value}, got ${describe(v)}`);
    if (v.length === 0) this.fail(field, "must not be empty");
    if (v.length > opts.maxItems) this.fail(field, `must hold at most ${opts.maxItems} entries`);
    return v.map((x, i) => {
      if (typeof x !== "object" || x === null || Array.isArray(x))
        this.fail(`${field}[${i}]`, `must be an object, got ${describe(x)}`);
      const r = new FieldReader(x as Record<string, unknown>, this.name(`${field}[${i}]`));
      return { Key: r.string("Key", { required: true }), Value: r.string("Value", { required: true }) };
    });
  }

  intList(field: string, opts: { maxItems: number; tooMany: () => never }): number[] | undefined {
    const v = this.take(field, false);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(field, `must be an array of integers, got ${describe(v)}`);
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isSafeInteger(x))
        this.fail(`${field}[${i}]`, "must be an integer");
    });
    if (v.length > opts.maxItems) opts.tooMany();
    return v as number[];
  }

  object(field: string): FieldReader {
    const v = this.take(field, true);
    if (typeof v !== "object" || v === null || Array.isArray(v))
      this.fail(field, `must be an object, got ${describe(v)}`);
    return new FieldReader(v as Record<string, unknown>, this.name(field));
  }
}
