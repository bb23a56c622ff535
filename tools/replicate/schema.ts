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

/**
 * The video URL in a prediction's output: a string, in a list, or in an object (`url`, `video`,
 * `output` first, then any key). Where there are several, a video file type (.mp4, .webm…) is
 * taken over a GIF, and both over a still or a text file; else the first.
 */
export function pickOutputUrl(output: unknown): string | null {
  const urls: string[] = [];
  const collect = (v: unknown, depth: number) => {
    if (typeof v === "string") {
      if (isHttpUrl(v)) urls.push(v);
    } else if (Array.isArray(v)) {
      if (depth < 3) for (const x of v) collect(x, depth + 1);
    } else if (v && typeof v === "object" && depth < 3) {
      const o = v as Record<string, unknown>;
      // the usual names first, then the rest in the order given
      for (const key of ["url", "video", "output", ...Object.keys(o)]) if (key in o) collect(o[key], depth + 1);
    }
  };
  collect(output, 0);
  // A model that returns a poster image or a preview beside its video: the video, by its file type.
  const kind = (u: string) => {
    const ext = /\.([a-z0-9]{2,4})$/i.exec(new URL(u).pathname)?.[1]?.toLowerCase() ?? "";
    return VIDEO_EXT.has(ext) ? 0 : ext === "gif" ? 2 : IMAGE_EXT.has(ext) ? 3 : 1;
  };
  return [...new Set(urls)].map((u, i) => ({ u, i, k: kind(u) })).sort((a, b) => a.k - b.k || a.i - b.i)[0]?.u ?? null;
}
const VIDEO_EXT = new Set(["mp4", "webm", "mov", "mkv", "m4v", "avi"]);
const IMAGE_EXT = new Set(["png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "json", "txt"]);

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
