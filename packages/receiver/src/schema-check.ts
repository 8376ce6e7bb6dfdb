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

/** A value's type test, by JSON Schema type name (an unknown name accepts anything). */
function typeTest(type: string): (v: unknown) => boolean {
  switch (type) {
    case "object":
      return (v) => typeof v === "object" && v !== null && !Array.isArray(v);
    case "array":
      return (v) => Array.isArray(v);
    case "string":
      return (v) => typeof v === "string";
    case "integer":
      return (v) => typeof v === "number" && Number.isInteger(v);
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "null":
      return (v) => v === null;
    default:
      return () => true;
  }
}

/**
 * A problem found: what is wrong, and where, as the path's parts from the innermost out (".Name",
 * "[3]"): a check adds its part only on the way out of a failure, so a value that fits costs no path.
 */
interface Problem {
  what: string;
  at: string[];
}

/** A schema compiled into a function: undefined when the value fits, else its first problem. */
type Check = (value: unknown) => Problem | undefined;

function problem(what: string): Problem {
  return { what, at: [] };
}

function within(p: Problem, part: string): Problem {
  p.at.push(part);
  return p;
}

function render(p: Problem): string {
  let path = "$";
  for (let i = p.at.length - 1; i >= 0; i--) path += p.at[i] ?? "";
  return `${path}: ${p.what}`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A schema compiled once into a function: each keyword is a test made in advance (its message too),
 * applied in the order JSON Schema's first problem is reported here: type, const, minimum, maximum,
 * enum, not, allOf, anyOf, then an object's required, properties and additionalProperties, then an
 * array's items.
 */
function compile(s: Schema): Check {
  const steps: Check[] = [];
  if (s.type !== undefined) {
    const ok = typeTest(s.type);
    const what = `must be ${s.type === "integer" ? "an integer" : `a ${s.type}`}`;
    steps.push((v) => (ok(v) ? undefined : problem(what)));
  }
  if ("const" in s) {
    const c = s.const;
    const what = `must be ${JSON.stringify(c)}`;
    steps.push((v) => (v === c ? undefined : problem(what)));
  }
  if (s.minimum !== undefined) {
    const min = s.minimum;
    const what = `must be at least ${min}`;
    steps.push((v) => (typeof v === "number" && v < min ? problem(what) : undefined));
  }
  if (s.maximum !== undefined) {
    const max = s.maximum;
    const what = `must be at most ${max}`;
    steps.push((v) => (typeof v === "number" && v > max ? problem(what) : undefined));
  }
  if (s.enum !== undefined) {
    const values = s.enum;
    const what = `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;
    steps.push((v) => (values.includes(v) ? undefined : problem(what)));
  }
  if (s.not !== undefined) {
    const not = compile(s.not);
    const excluded =
      s.not.anyOf?.every((b) => "const" in b) === true ? s.not.anyOf.map((b) => b.const) : undefined;
    const what = `must not be ${excluded !== undefined ? `one of ${excluded.map((x) => JSON.stringify(x)).join(", ")}` : "what its schema excludes"}`;
    steps.push((v) => (not(v) === undefined ? problem(what) : undefined));
  }
  for (const sub of s.allOf ?? []) steps.push(compile(sub));
  if (s.anyOf !== undefined) steps.push(compileAnyOf(s.anyOf));
  if (s.required !== undefined || s.properties !== undefined || s.additionalProperties === false)
    steps.push(compileObject(s));
  if (s.items !== undefined) {
    const item = compile(s.items);
    steps.push((v) => {
      if (!Array.isArray(v)) return undefined;
      for (let i = 0; i < v.length; i++) {
        const p = item(v[i]);
        if (p !== undefined) return within(p, `[${i}]`);
      }
      return undefined;
    });
  }
  if (steps.length === 0) return () => undefined;
  if (steps.length === 1) return steps[0] as Check;
  return (v) => {
    for (const step of steps) {
      const p = step(v);
      if (p !== undefined) return p;
    }
    return undefined;
  };
}

/**
 * anyOf: a union of literals (TypeBox's enum) is a set of values; a union of shapes passes when one
 * fits, and its problem is that of the branch the value was meant for: the first whose `const`
 * properties (a tag such as `MsgType`) the value has.
 */
function compileAnyOf(branches: readonly Schema[]): Check {
  if (branches.every((b) => "const" in b)) {
    const values = new Set(branches.map((b) => b.const));
    const what = `must be one of ${branches.map((b) => JSON.stringify(b.const)).join(", ")}`;
    return (v) => (values.has(v) ? undefined : problem(what));
  }
  const checks = branches.map(compile);
  const tagged = branches.map((b, i) => ({
    tags: Object.entries(b.properties ?? {})
      .filter(([, sub]) => "const" in sub)
      .map(([k, sub]) => [k, sub.const] as const),
    check: checks[i] as Check,
  }));
  const what = `matches none of its ${branches.length} allowed shapes`;
  return (v) => {
    for (const check of checks) if (check(v) === undefined) return undefined;
    if (isObject(v)) {
      const meant = tagged.find((b) => b.tags.length > 0 && b.tags.every(([k, c]) => v[k] === c));
      if (meant !== undefined) return meant.check(v);
    }
    return problem(what);
  };
}

/** An object's required properties, its properties' schemas, and additionalProperties false. */
function compileObject(s: Schema): Check {
  const required = (s.required ?? []).map((r) => [r, `.${r}`] as const);
  const props = Object.entries(s.properties ?? {}).map(([k, sub]) => [k, compile(sub), `.${k}`] as const);
  const known = new Set(Object.keys(s.properties ?? {}));
  const closed = s.additionalProperties === false;
  return (v) => {
    if (!isObject(v)) return undefined;
    for (const [r, part] of required) if (v[r] === undefined) return within(problem("is required"), part);
    for (const [k, check, part] of props) {
      const x = v[k];
      if (x === undefined) continue;
      const p = check(x);
      if (p !== undefined) return within(p, part);
    }
    if (closed) for (const k in v) if (!known.has(k)) return within(problem("is not allowed"), `.${k}`);
    return undefined;
  };
}

/** Root schemas compiled, their keywords all found supported. */
const compiled = new WeakMap<object, Check>();

/**
 * The first problem of a value against a schema, as `path: what`, or undefined when the value fits.
 * Each root schema is compiled on first use and kept.
 *
 * @throws Error when the schema uses a keyword this checker does not apply (naming it).
 */
export function schemaProblem(schema: unknown, value: unknown): string | undefined {
  let check = typeof schema === "object" && schema !== null ? compiled.get(schema) : undefined;
  if (check === undefined) {
    const unsupported = unsupportedKeywords(schema);
    if (unsupported.length > 0)
      throw new Error(`schema keywords the receiver does not apply: ${unsupported.join("; ")}`);
    check = compile(schema as Schema);
    compiled.set(schema as object, check);
  }
  const p = check(value);
  return p === undefined ? undefined : render(p);
}
