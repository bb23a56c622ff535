import { MemorySaver } from "@langchain/langgraph";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { createReelgraph, modelChooser } from "../app/reelgraph.js";
import { newEditId, newGenerationId } from "../core/ids.js";
import { loadConfiguration } from "../graph/configuration.js";
import { planEdit } from "../graph/nodes/edit/index.js";
import { GenerationRequestSchema, type GenerationRequest } from "../core/schemas/request.js";
import { TimelineSchema } from "../core/timeline/schema.js";
import { createLogger } from "../tools/log/index.js";
import { numberFlag, UsageError, type Flags } from "./args.js";
import { showProgress } from "./progress.js";
import { publicView } from "../server/routes/generations.js";

/** Turns flags into a validated request; a bad flag is a one-line UsageError naming it. */
export function requestFromFlags(flags: Flags): { request: GenerationRequest; audioPath: string | null } {
  if (!flags.pipeline) throw new UsageError("--pipeline is required (ad or music_video)");
  if (!flags.prompt) throw new UsageError('--prompt is required, e.g. --prompt "30s ad for an oat-milk cold brew"');
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
    prompt: flags.prompt,
    duration_s: numberFlag("duration", flags.duration),
    aspect_ratio: flags.aspect ?? "16:9",
    brand,
    audio: audioPath ? { url: audioPath } : undefined,
    options: flags.llm || flags["video-model"] ? { llm: flags.llm, video_model: flags["video-model"] } : undefined,
  };
  const parsed = GenerationRequestSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(describeIssue(parsed.error, FLAG_FOR));
  return { request: parsed.data, audioPath };
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
};

export function describeIssue(error: z.ZodError, names: Record<string, string> = {}): string {
  const issue = error.issues[0]!;
  const path = issue.path.filter((p) => typeof p !== "number").join(".");
  const name = names[path] ?? names[path.split(".")[0]!] ?? path;
  return `${name || "input"}: ${issue.message}`;
}

/** `reelgraph plan`: the graph up to generation (analysis, storyboard, style, timeline), nothing rendered. */
export async function planCommand(flags: Flags): Promise<unknown> {
  const { request, audioPath } = requestFromFlags(flags);
  const app = createReelgraph(loadConfiguration(), { stores: ":memory:", checkpointer: new MemorySaver(), log: createLogger("silent"), allowLocalFiles: true });
  try {
    const id = newGenerationId();
    const cfg = { configurable: { thread_id: id } };
    // Stop before generate: everything the plan needs has run, nothing is paid for.
    await app.graph.invoke({ generationId: id, request, audioPath }, { ...cfg, interruptBefore: ["generate"] });
    const s = (await app.graph.getState(cfg)).values as Record<string, unknown>;
    if (s.error) throw new Error((s.error as { message: string }).message);
    return { analysis: s.analysis, plan: s.storyboard, style: s.styleGuide, timeline: s.timeline, warnings: s.warnings };
  } finally {
    await app.close(0);
  }
}

/** `reelgraph generate`: the whole graph, progress on stderr, the generation on stdout. */
export async function generateCommand(flags: Flags): Promise<{ result: unknown; ok: boolean }> {
  const { request, audioPath } = requestFromFlags(flags);
  const config = loadConfiguration();
  const app = createReelgraph({ ...config, runConcurrency: 1 }, { log: createLogger(process.env.LOG_LEVEL ?? "warn"), allowLocalFiles: true });
  const { generations, events } = app.stores;
  const view = await generations.create({ id: newGenerationId(), request });
  await events.append(view.id, "queued", { status: "queued" });
  const stop = await showProgress(app.stores, view.id);
  const onSignal = () => {
    stop();
    process.stderr.write(`\nstopped; resume with the same data folder: the run ${view.id} continues from its checkpoint when 'reelgraph serve' starts\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  app.runner.start(view.id, { request, audioPath });
  await app.runner.waitFor(view.id);
  await stop();
  process.off("SIGINT", onSignal);
  const g = await generations.get(view.id);
  await app.close(0);
  if (g.status === "failed") process.stderr.write(`failed at ${g.error?.stage ?? "?"}: ${g.error?.message}\n`);
  else if (g.composition?.video.path) process.stderr.write(`video: ${g.composition.video.path} (${g.composition.video.duration_s?.toFixed(2)} s)\n`);
  return { result: publicView(g), ok: g.status === "completed" };
}

/** `reelgraph edit`: an instruction against a timeline file → the edit plan. Renders nothing. */
export async function editCommand(flags: Flags): Promise<unknown> {
  if (!flags.timeline) throw new UsageError("--timeline is required: a timeline JSON file (or a generation JSON with composition.timeline)");
  if (!flags.instruction?.trim()) throw new UsageError('--instruction is required, e.g. --instruction "swap the second and third scenes"');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(flags.timeline, "utf8"));
  } catch (error) {
    throw new UsageError(`--timeline: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON"}: ${flags.timeline}`);
  }
  const candidate = (raw as { composition?: { timeline?: unknown }; timeline?: unknown })?.composition?.timeline ?? (raw as { timeline?: unknown })?.timeline ?? raw;
  const parsed = TimelineSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`--timeline: ${describeIssue(parsed.error)}`);
  const config = loadConfiguration();
  const plan = await planEdit({ id: newEditId(), compositionId: null, instruction: flags.instruction, timeline: parsed.data }, modelChooser(config)(undefined));
  if (plan.status === "rejected") process.stderr.write(`rejected: ${plan.reason}\n`);
  return plan;
}
