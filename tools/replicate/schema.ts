import { z } from "zod";

/**
 * The parts of Replicate's prediction object we rely on, validated at the boundary. Other
 * fields pass through untouched.
 */
export const PredictionStatusSchema = z.enum(["starting", "processing", "succeeded", "failed", "canceled", "aborted"]);
export type PredictionStatus = z.infer<typeof PredictionStatusSchema>;

export const PredictionSchema = z.looseObject({
  id: z.string().min(1).describe("Prediction id; saved by the caller before any waiting"),
  status: PredictionStatusSchema.describe("Lifecycle; succeeded, failed, canceled and aborted are final"),
  model: z.string().optional().describe("owner/name of the model that ran"),
  version: z.string().optional().describe("Version id, or 'hidden' for official models"),
  input: z.record(z.string(), z.unknown()).optional().describe("The input as Replicate stored it"),
  output: z.unknown().optional().describe("Model output: a URL, a list of URLs, or an object"),
  error: z.unknown().optional().describe("Why the prediction failed, as Replicate reports it"),
  source: z.string().optional().describe("api or web"),
  data_removed: z.boolean().optional().describe("True once Replicate deleted the output files"),
  created_at: z.string().optional().describe("ISO time the prediction was created"),
});
export type Prediction = z.infer<typeof PredictionSchema>;

export const PredictionPageSchema = z.looseObject({
  next: z.string().nullable().optional().describe("Cursor URL of the next (older) page"),
  results: z.array(z.unknown()).describe("Predictions, newest first"),
});

export function isFinal(status: PredictionStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "canceled" || status === "aborted";
}

/** The video URL in a prediction's output: a string, the first of a list, or an object's `url`/`video`. */
export function pickOutputUrl(output: unknown): string | null {
  if (typeof output === "string") return isHttpUrl(output) ? output : null;
  if (Array.isArray(output)) return output.length ? pickOutputUrl(output[0]) : null;
  if (output && typeof output === "object") {
    const o = output as Record<string, unknown>;
    return pickOutputUrl(o.url ?? o.video ?? o.output ?? null);
  }
  return null;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** A parsed `owner/name` or `owner/name:version` model reference. */
export interface ModelRef {
  owner: string;
  name: string;
  version: string | null;
  /** owner/name */
  slug: string;
}

const MODEL_REF = /^([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?::([A-Za-z0-9]+))?$/;

/** Parses a model reference; throws on anything else so a typo fails before any spend. */
export function parseModelRef(ref: string): ModelRef {
  const m = MODEL_REF.exec(ref.trim());
  if (!m) throw new Error(`not a Replicate model reference (owner/name or owner/name:version): ${JSON.stringify(ref)}`);
  return { owner: m[1]!, name: m[2]!, version: m[3] ?? null, slug: `${m[1]}/${m[2]}` };
}
