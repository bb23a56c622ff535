import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { generationRequestSchema, type GenerationRequest } from "../core/schemas/request.js";
import { numberFlag, UsageError, type Flags } from "./args.js";

/**
 * Turns flags into a validated request; a bad flag is a one-line UsageError naming it.
 * `maxPromptChars` is the configured REELGRAPH_MAX_PROMPT_CHARS.
 */
export function requestFromFlags(flags: Flags, maxPromptChars: number): { request: GenerationRequest; audioPath: string | null } {
  if (!flags.pipeline) throw new UsageError("--pipeline is required (ad or music_video)");
  if (flags.prompt !== undefined && flags["prompt-file"] !== undefined) throw new UsageError("give --prompt or --prompt-file, not both");
  const prompt = flags["prompt-file"] !== undefined ? readPromptFile(flags["prompt-file"]) : flags.prompt;
  if (!prompt) throw new UsageError('--prompt is required, e.g. --prompt "30s ad for an oat-milk cold brew" (or --prompt-file brief.txt)');
  let audioPath: string | null = null;
  if (flags.audio) {
    audioPath = resolve(flags.audio);
    if (!existsSync(audioPath)) throw new UsageError(`--audio: no such file: ${flags.audio}`);
  }
  const brand =
    flags["brand-colors"] || flags.cta || flags["brand-name"]
      ? {
          ...(flags["brand-name"] ? { name: flags["brand-name"] } : {}),
          colors: flags["brand-colors"] ? flags["brand-colors"].split(/[,\s]+/).filter(Boolean) : [],
          ...(flags.cta ? { cta: { text: flags.cta } } : {}),
        }
      : undefined;
  const raw = {
    pipeline: flags.pipeline,
    prompt,
    duration_s: numberFlag("duration", flags.duration),
    aspect_ratio: flags.aspect ?? "16:9",
    brand,
    audio: audioPath ? { url: audioPath } : undefined,
    options: runOptionsFromFlags(flags),
  };
  const parsed = generationRequestSchema({ maxPromptChars }).safeParse(raw);
  if (!parsed.success) throw new UsageError(describeIssue(parsed.error, { ...FLAG_FOR, ...(flags["prompt-file"] !== undefined ? { prompt: "--prompt-file" } : {}) }));
  return { request: parsed.data, audioPath };
}

function runOptionsFromFlags(flags: Flags) {
  const maxCost = flags["max-cost"] === undefined ? undefined : Number(flags["max-cost"]);
  if (maxCost !== undefined && !(Number.isFinite(maxCost) && maxCost >= 0)) throw new UsageError(`--max-cost must be a number of US dollars, got "${flags["max-cost"]}"`);
  const o = {
    ...(flags.llm ? { llm: flags.llm } : {}),
    ...(flags["video-model"] ? { video_model: flags["video-model"] } : {}),
    ...(flags.continuity ? { continuity: flags.continuity } : {}),
    ...(maxCost !== undefined ? { max_cost_usd: maxCost } : {}),
    ...(flags["allow-unknown-cost"] ? { allow_unknown_cost: true } : {}),
    ...(flags["dry-run"] ? { dry_run: true } : {}),
  };
  return Object.keys(o).length ? o : undefined;
}

function readPromptFile(path: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw new UsageError(`--prompt-file: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read"}: ${path}`);
  }
}

const FLAG_FOR: Record<string, string> = {
  pipeline: "--pipeline",
  prompt: "--prompt",
  duration_s: "--duration",
  aspect_ratio: "--aspect",
  audio: "--audio",
  "brand.colors": "--brand-colors",
  "brand.cta.text": "--cta",
  "brand.name": "--brand-name",
  "options.continuity": "--continuity",
  "options.max_cost_usd": "--max-cost",
};

export function describeIssue(error: z.ZodError, names: Record<string, string> = {}): string {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p) => typeof p !== "number").join(".");
  const name = names[path] ?? names[path.split(".")[0]!] ?? path;
  // The request's own field names in a message ("give audio.url") are the flags here.
  const message = Object.entries(names).reduce((m, [field, flag]) => m.replace(new RegExp(`\\b${field.replace(/\./g, "\\.")}(?:\\.url)?\\b`, "g"), flag), issue.message);
  return `${name || "input"}: ${message}`;
}
