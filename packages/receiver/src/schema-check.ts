/**
 * Checks a value against the protocol's callback schemas (TypeBox schemas, so JSON Schema): the subset
 * of keywords TypeBox emits for them. No dependency, and fast enough for 100k callbacks/s. A schema
 * with a keyword outside SUPPORTED_KEYWORDS is never applied in part: schemaProblem throws, naming the
 * keyword (verify refuses every such packet as body-invalid with that message; it would otherwise let
 * through what the schema forbids), and a test walks every callback schema for one.
 */
export const SUPPORTED_KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "anyOf",
  "allOf",
  "not",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minimum",
  "maximum",
  // Annotations: they change nothing.
  "description",
  "title",
  "$schema",
  "$id",
]);

type Schema = {
  minimum?: number;
  maximum?: number;
  type?: string;
  const?: unknown;
  enum?: readonly unknown[];
  anyOf?: readonly Schema[];
  not?: Schema;
  allOf?: readonly Schema[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: boolean;
  items?: Schema;
};

/** Root schemas whose keywords were all found supported. */
const vetted = new WeakSet<object>();

/** Every keyword of a schema and its subschemas that the checker does not apply, as `path: keyword`. */
export function unsupportedKeywords(schema: unknown, path = "$"): string[] {
  if (typeof schema !== "object" || schema === null) return [`${path}: not a schema`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (!SUPPORTED_KEYWORDS.has(k)) out.push(`${path}: ${k}`);
    else if (k === "properties")
      for (const [name, sub] of Object.entries(v as object))
        out.push(...unsupportedKeywords(sub, `${path}.${name}`));
    else if (k === "items" || k === "not") out.push(...unsupportedKeywords(v, `${path}[]`));
    else if (k === "anyOf" || k === "allOf")
      (v as unknown[]).forEach((sub, i) => out.push(...unsupportedKeywords(sub, `${path}|${i}`)));
    else if (k === "additionalProperties" && typeof v !== "boolean")
      out.push(`${path}: additionalProperties as a schema`);
  }
  return out;
}

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    default:
      return true;
  }
}

/** Whether every branch of an anyOf is a `const` (TypeBox's union of literals: an enum). */
const allConst = (branches: readonly Schema[]): boolean => branches.every((b) => "const" in b);

/**
 * The branch of an anyOf an object was meant for: the first whose `const` properties (a tag such as
 * `MsgType`) the object has, so the problem reported is that branch's.
 */
function taggedBranch(branches: readonly Schema[], value: unknown): Schema | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  return branches.find((b) => {
    const tags = Object.entries(b.properties ?? {}).filter(([, sub]) => "const" in sub);
    return tags.length > 0 && tags.every(([k, sub]) => obj[k] === sub.const);
  });
}

function problemOf(s: Schema, value: unknown, path: string): string | undefined {
  if (s.type !== undefined && !typeOk(s.type, value))
    return `${path}: must be ${s.type === "integer" ? "an integer" : `a ${s.type}`}`;
  if ("const" in s && value !== s.const) return `${path}: must be ${JSON.stringify(s.const)}`;
  if (s.minimum !== undefined && typeof value === "number" && value < s.minimum)
    return `${path}: must be at least ${s.minimum}`;
  if (s.maximum !== undefined && typeof value === "number" && value > s.maximum)
    return `${path}: must be at most ${s.maximum}`;
  if (s.enum !== undefined && !s.enum.includes(value))
    return `${path}: must be one of ${s.enum.map((x) => JSON.stringify(x)).join(", ")}`;
  if (s.not !== undefined && problemOf(s.not, value, path) === undefined) {
    const excluded =
      s.not.anyOf?.every((b) => "const" in b) === true ? s.not.anyOf.map((b) => b.const) : undefined;
    return `${path}: must not be ${excluded !== undefined ? `one of ${excluded.map((x) => JSON.stringify(x)).join(", ")}` : "what its schema excludes"}`;
  }
  for (const sub of s.allOf ?? []) {
    const p = problemOf(sub, value, path);
    if (p !== undefined) return p;
  }
  if (s.anyOf !== undefined) {
    const branches = s.anyOf;
    if (allConst(branches)) {
      if (!branches.some((b) => b.const === value))
        return `${path}: must be one of ${branches.map((b) => JSON.stringify(b.const)).join(", ")}`;
    } else if (!branches.some((b) => problemOf(b, value, path) === undefined)) {
      const meant = taggedBranch(branches, value);
      if (meant !== undefined) return problemOf(meant, value, path);
      return `${path}: matches none of its ${branches.length} allowed shapes`;
    }
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (s.required !== undefined)
      for (const r of s.required) if (obj[r] === undefined) return `${path}.${r}: is required`;
    const props = s.properties;
    if (props !== undefined) {
      // for-in, not Object.entries: no array per call (this runs for every callback received).
      for (const k in props) {
        const v = obj[k];
        const sub = props[k];
        if (v === undefined || sub === undefined) continue;
        const p = problemOf(sub, v, `${path}.${k}`);
        if (p !== undefined) return p;
      }
    }
    if (s.additionalProperties === false) {
      const known = s.properties ?? {};
      for (const k in obj) if (!Object.hasOwn(known, k)) return `${path}.${k}: is not allowed`;
    }
  }
  if (Array.isArray(value) && s.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const p = problemOf(s.items, value[i], `${path}[${i}]`);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/**
 * The first problem of a value against a schema, as `path: what`, or undefined when the value fits.
 * Throws (an Error) when the schema uses a keyword this checker does not apply.
 */
export function schemaProblem(schema: unknown, value: unknown): string | undefined {
  if (typeof schema === "object" && schema !== null && !vetted.has(schema)) {
    const unsupported = unsupportedKeywords(schema);
    if (unsupported.length > 0)
      throw new Error(`schema keywords the receiver does not apply: ${unsupported.join("; ")}`);
    vetted.add(schema);
  }
  return problemOf(schema as Schema, value, "$");
}
