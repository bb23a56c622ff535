import { inputProperties, jsonType, resolveSchema, typesOf, type InputSchema, type JsonSchema } from "./openapi.js";

/**
 * Checks a model input against the model's published Input schema before anything is paid:
 * types, enums, min/max (numbers, string lengths, list sizes), required fields, and — stricter
 * than Replicate, which ignores them — fields the schema does not have, because an input
 * silently ignored (a `duration` sent to a model without one) is how clips come out wrong.
 */

export type InputIssueType = "required" | "invalid_type" | "enum" | "number_gte" | "number_lte" | "number_gt" | "number_lt" | "number_multiple_of" | "string_gte" | "string_lte" | "array_min_items" | "array_max_items" | "format" | "unknown_field";

export interface InputIssue {
  /** The input's name (no `input.` prefix). */
  field: string;
  type: InputIssueType;
  description: string;
}

/** The input does not fit the model's schema; `field` names the first offending input. */
export class InputValidationError extends Error {
  override readonly name = "InputValidationError";
  readonly field: string;
  constructor(
    readonly model: string,
    readonly issues: InputIssue[],
  ) {
    super(`input for ${model} does not fit its schema: ${issues.map((i) => `${i.field}: ${i.description}`).join("; ")}`);
    this.field = issues[0]?.field ?? "input";
  }
}

/** Every way `input` breaks `schema`; empty when it fits. */
export function validateInput(schema: InputSchema, input: Record<string, unknown>): InputIssue[] {
  const issues: InputIssue[] = [];
  const props = new Map(inputProperties(schema).map((p) => [p.name, p]));
  for (const p of props.values()) {
    if (p.required && (input[p.name] === undefined || input[p.name] === null)) issues.push({ field: p.name, type: "required", description: `${p.name} is required` });
  }
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const p = props.get(name);
    if (!p) {
      issues.push({ field: name, type: "unknown_field", description: `${name} is not an input of this model` });
      continue;
    }
    if (value === null && (p.schema.nullable || typesOf(p.schema).includes("null"))) continue;
    issues.push(...checkValue(name, value, p.schema, schema.components));
  }
  return issues;
}

/** Throws InputValidationError naming the field when `input` does not fit. */
export function assertValidInput(model: string, schema: InputSchema, input: Record<string, unknown>): void {
  const issues = validateInput(schema, input);
  if (issues.length) throw new InputValidationError(model, issues);
}

function checkValue(field: string, value: unknown, raw: JsonSchema, components: Record<string, JsonSchema>): InputIssue[] {
  const s = resolveSchema(raw, components);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) {
    const fits = alternatives.some((alt) => checkValue(field, value, alt, components).length === 0);
    return fits ? [] : [{ field, type: "invalid_type", description: `${field} matches none of the allowed forms` }];
  }
  const types = typesOf(s);
  const actual = jsonType(value);
  if (types.length && !types.some((t) => t === actual || (t === "number" && actual === "integer"))) {
    return [{ field, type: "invalid_type", description: `Invalid type. Expected: ${types.join(" or ")}, given: ${actual}` }];
  }
  if (s.enum && !s.enum.some((e) => e === value)) {
    return [{ field, type: "enum", description: `${field} must be one of the following: ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` }];
  }
  const out: InputIssue[] = [];
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) out.push({ field, type: "number_gte", description: `Must be greater than or equal to ${s.minimum}` });
    if (s.maximum !== undefined && value > s.maximum) out.push({ field, type: "number_lte", description: `Must be less than or equal to ${s.maximum}` });
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) out.push({ field, type: "number_gt", description: `Must be greater than ${s.exclusiveMinimum}` });
    if (typeof s.exclusiveMaximum === "number" && value >= s.exclusiveMaximum) out.push({ field, type: "number_lt", description: `Must be less than ${s.exclusiveMaximum}` });
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && Math.abs(value / s.multipleOf - Math.round(value / s.multipleOf)) > 1e-9) out.push({ field, type: "number_multiple_of", description: `Must be a multiple of ${s.multipleOf}` });
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) out.push({ field, type: "string_gte", description: `String length must be greater than or equal to ${s.minLength}` });
    if (s.maxLength !== undefined && value.length > s.maxLength) out.push({ field, type: "string_lte", description: `String length must be less than or equal to ${s.maxLength}` });
    if (s.format === "uri" && !isUri(value)) out.push({ field, type: "format", description: `${field} must be a URI (an http(s) URL or a data URI)` });
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) out.push({ field, type: "array_min_items", description: `Array must have at least ${s.minItems} items` });
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push({ field, type: "array_max_items", description: `Array must have at most ${s.maxItems} items` });
    if (s.items) value.forEach((v, i) => out.push(...checkValue(`${field}.${i}`, v, s.items!, components)));
  }
  return out;
}

function isUri(s: string): boolean {
  if (/^data:[\w.+-]+\/[\w.+-]+(;[\w=.+-]+)*;base64,[A-Za-z0-9+/=]+$/.test(s)) return true;
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
