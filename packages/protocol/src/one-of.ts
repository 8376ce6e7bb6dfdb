import { Type, type SchemaOptions, type TLiteral, type TUnion } from "@sinclair/typebox";

/**
 * A schema for one of several literal values: JSON Schema `anyOf` of `const`s, its static type the
 * union of the values. The values stay the one list (an `as const` array) that code reads too.
 *
 * @param values - the allowed values, strings or numbers
 * @param options - schema annotations (`description`, ...)
 */
export function oneOf<const T extends readonly (string | number)[]>(
  values: T,
  options?: SchemaOptions,
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v): TLiteral<T[number]> => Type.Literal(v)),
    options,
  );
}
