import { parseArgs } from "node:util";

/** Bad command-line input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `reelgraph — a brief in, a finished video out

Usage:
  reelgraph plan     --pipeline ad|music_video --prompt "…" | --prompt-file FILE [--duration S] [--audio FILE] [--aspect 16:9|9:16|1:1] [--brand-colors "#hex,#hex"] [--cta "Shop now"] [--json]
  reelgraph generate --pipeline ad|music_video --prompt "…" | --prompt-file FILE [--duration S] [--audio FILE] [--aspect 16:9] [--brand-colors …] [--cta …] [--video-model owner/name] [--continuity none|chain] [--max-cost USD [--allow-unknown-cost]] [--dry-run] [--json]
  reelgraph edit     --timeline FILE --instruction "…" [--json]
  reelgraph serve    [--port 8080] [--role api|all]   (with DATABASE_URL: an API process; workers run the graph)
  reelgraph worker   [--concurrency N] [--drain-s 60]  (DATABASE_URL: takes runs from the queue)
  reelgraph ffmpeg-service [--port 8090]

Environment: REELGRAPH_DATA_DIR (default ./data), DATABASE_URL (Postgres: scale out), OPENAI_API_KEY, REPLICATE_API_TOKEN … (see .env.example)`;

const OPTIONS = {
  pipeline: { type: "string" },
  prompt: { type: "string" },
  "prompt-file": { type: "string" },
  duration: { type: "string" },
  audio: { type: "string" },
  aspect: { type: "string" },
  "brand-name": { type: "string" },
  "brand-colors": { type: "string" },
  cta: { type: "string" },
  llm: { type: "string" },
  "video-model": { type: "string" },
  continuity: { type: "string" },
  "max-cost": { type: "string" },
  "allow-unknown-cost": { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  timeline: { type: "string" },
  instruction: { type: "string" },
  port: { type: "string" },
  role: { type: "string" },
  concurrency: { type: "string" },
  "drain-s": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export type Flags = ReturnType<typeof parseFlags>["flags"];

export function parseFlags(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], rest: positionals.slice(1), flags: values };
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0]!);
  }
}

export function numberFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds, got "${raw}"`);
  return n;
}
