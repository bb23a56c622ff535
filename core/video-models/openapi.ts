import { z } from "zod";

/**
 * The part of a model version's `openapi_schema` that describes its input, as Replicate
 * publishes it: `components.schemas.Input` is an object schema whose properties may point at
 * other components (`allOf: [{$ref: "#/components/schemas/duration"}]` is how a choice field's
 * enum is published). Pure helpers to read it.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  items?: JsonSchema;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  nullable?: boolean;
  description?: string;
  title?: string;
  "x-order"?: number;
}

/** A model's input schema with the components its properties refer to. */
export interface InputSchema {
  /** The `Input` object schema. */
  input: JsonSchema;
  /** `components.schemas`, for `$ref` lookups. */
  components: Record<string, JsonSchema>;
}

const JsonSchemaShape: z.ZodType<JsonSchema> = z.looseObject({}) as unknown as z.ZodType<JsonSchema>;

export const ModelVersionSchema = z.looseObject({
  id: z.string().min(1).describe("Version id"),
  created_at: z.string().optional().describe("When the version was pushed"),
  openapi_schema: z
    .looseObject({
      components: z.looseObject({
        schemas: z.record(z.string(), JsonSchemaShape).describe("Input, Output and the enums they refer to"),
      }),
    })
    .nullable()
    .describe("The version's OpenAPI document; null for versions still building"),
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

export const ModelSchema = z.looseObject({
  owner: z.string(),
  name: z.string(),
  url: z.string().optional(),
  description: z.string().nullable().optional(),
  latest_version: ModelVersionSchema.nullable().optional().describe("Absent for models without a public version"),
});

/** The Input schema of a version, or null when the version publishes none. */
export function inputSchemaOf(version: ModelVersion): InputSchema | null {
  const schemas = version.openapi_schema?.components.schemas;
  const input = schemas?.Input;
  if (!schemas || !input || typeof input !== "object") return null;
  return { input, components: schemas };
}

/**
 * A property with its `$ref`s followed and its `allOf` parts merged into one schema (the
 * property's own keywords win over the referenced ones, as in Replicate's choice fields).
 */
export function resolveSchema(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): JsonSchema {
  if (depth > 16) throw new RangeError("schema references nest too deep");
  let out: JsonSchema = { ...schema };
  if (schema.$ref) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name ? components[name] : undefined;
    if (!target) throw new RangeError(`unresolvable $ref ${schema.$ref}`);
    out = { ...resolveSchema(target, components, depth + 1), ...withoutKeys(schema, ["$ref"]) };
  }
  if (schema.allOf?.length) {
    const merged = schema.allOf.reduce<JsonSchema>((acc, part) => ({ ...acc, ...resolveSchema(part, components, depth + 1) }), {});
    out = { ...merged, ...withoutKeys(out, ["allOf", "$ref"]) };
    delete out.allOf;
  }
  delete out.$ref;
  // Optional[X] (pydantic): anyOf [X, null] is X that may be null, read like a plain X.
  const alternatives = out.anyOf ?? out.oneOf;
  if (alternatives?.length) {
    const resolved = alternatives.map((a) => resolveSchema(a, components, depth + 1));
    const real = resolved.filter((a) => !(a.type === "null" || (Array.isArray(a.type) && a.type.length === 1 && a.type[0] === "null")));
    if (real.length === 1 && real.length < resolved.length) {
      out = { ...real[0]!, ...withoutKeys(out, ["anyOf", "oneOf"]), nullable: true };
      delete out.anyOf;
      delete out.oneOf;
    }
  }
  return out;
}

/** Every input property, resolved, in the schema's own order (`x-order`). */
export function inputProperties(schema: InputSchema): { name: string; schema: JsonSchema; required: boolean }[] {
  const required = new Set(schema.input.required ?? []);
  return Object.entries(schema.input.properties ?? {})
    .map(([name, prop]) => ({ name, schema: resolveSchema(prop, schema.components), required: required.has(name) }))
    .sort((a, b) => (a.schema["x-order"] ?? 1e9) - (b.schema["x-order"] ?? 1e9));
}

/** The JSON types a resolved schema allows (empty: any). */
export function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.enum?.length) return [...new Set(schema.enum.map(jsonType))];
  return [];
}

export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function withoutKeys(s: JsonSchema, keys: (keyof JsonSchema)[]): JsonSchema {
  const copy = { ...s };
  for (const k of keys) delete copy[k];
  return copy;
}
