/**
 * Checks a value against the protocol's callback schemas: the subset of JSON Schema they use. No
 * dependency, and fast enough for 100k callbacks/s. A schema keyword outside SUPPORTED_KEYWORDS would
 * be ignored here: a test walks every callback schema and fails on one.
 */
export const SUPPORTED_KEYWORDS = new Set([
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "items",
  "minimum",
  "maximum",
  // Annotations and what changes nothing for these packets (unknown fields are kept).
  "description",
  "title",
  "$schema",
  "$id",
  "additionalProperties",
]);

type Schema = {
  minimum?: number;
  maximum?: number;
  type?: string;
  const?: unknown;
  enum?: readonly unknown[];
  properties?: Record<string, Schema>;
  required?: readonly string[];
  items?: Schema;
};

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
    default:
      return true;
  }
}

/** The first problem, as `path: what`, or undefined when the value fits. */
export function schemaProblem(schema: unknown, value: unknown, path = "$"): string | undefined {
  const s = schema as Schema;
  if (s.type !== undefined && !typeOk(s.type, value))
    return `${path}: must be ${s.type === "integer" ? "an integer" : `a ${s.type}`}`;
  if (s.const !== undefined && value !== s.const) return `${path}: must be ${JSON.stringify(s.const)}`;
  if (s.minimum !== undefined && typeof value === "number" && value < s.minimum)
    return `${path}: must be at least ${s.minimum}`;
  if (s.maximum !== undefined && typeof value === "number" && value > s.maximum)
    return `${path}: must be at most ${s.maximum}`;
  if (s.enum !== undefined && !s.enum.includes(value))
    return `${path}: must be one of ${s.enum.map((x) => JSON.stringify(x)).join(", ")}`;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (obj[r] === undefined) return `${path}.${r}: is required`;
    if (s.properties !== undefined) {
      for (const [k, sub] of Object.entries(s.properties)) {
        if (obj[k] === undefined) continue;
        const p = schemaProblem(sub, obj[k], `${path}.${k}`);
        if (p !== undefined) return p;
      }
    }
  }
  if (Array.isArray(value) && s.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const p = schemaProblem(s.items, value[i], `${path}[${i}]`);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}
