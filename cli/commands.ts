import { MemorySaver } from "@langchain/langgraph";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { loadConfiguration } from "../graph/configuration.js";
import { createDeps, openCheckpointer } from "../graph/defaults.js";
import { compileGraph } from "../graph/index.js";
import { RunManager } from "../graph/runner.js";
import { GenerationRequestSchema, type GenerationRequest } from "../graph/schemas/request.js";
import { TimelineSchema } from "../graph/timeline/schema.js";
import { makeEditPlan } from "../graph/nodes/edit/plan.js";
import { interpretEdit } from "../graph/nodes/edit/route.js";
import { RunStore } from "../tools/store/run-store.js";
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
  const config = loadConfiguration();
  const deps = createDeps(config, { store: new RunStore(":memory:"), log: createLogger("silent") });
  const graph = compileGraph(deps, new MemorySaver());
  const id = `gen_plan_${randomUUID().slice(0, 8)}`;
  const cfg = { configurable: { thread_id: id } };
  // Stop before generate: everything the plan needs has run, nothing is paid for.
  await graph.invoke({ generationId: id, request, audioPath }, { ...cfg, interruptBefore: ["generate"] });
  const s = (await graph.getState(cfg)).values as Record<string, unknown>;
  if (s.error) throw new Error((s.error as { message: string }).message);
  return { analysis: s.analysis, plan: s.storyboard, style: s.styleGuide, timeline: s.timeline, warnings: s.warnings };
}

/** `reelgraph generate`: the whole graph, progress on stderr, the generation on stdout. */
export async function generateCommand(flags: Flags): Promise<{ result: unknown; ok: boolean }> {
  const { request, audioPath } = requestFromFlags(flags);
  const config = loadConfiguration();
  const deps = createDeps(config, { log: createLogger(process.env.LOG_LEVEL ?? "warn") });
  const graph = compileGraph(deps, openCheckpointer(config));
  const runner = new RunManager(deps, graph, { concurrency: 1 });
  const { view } = deps.store.createGeneration({ request });
  if (audioPath) deps.store.appendEvent(view.id, "audio_resolved", { path: audioPath });
  const stop = showProgress(deps.store, view.id);
  const onSignal = () => {
    stop();
    process.stderr.write(`\nstopped; resume with the same data folder: the run ${view.id} continues from its checkpoint when 'reelgraph serve' starts\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  runner.start(view.id, { request, audioPath });
  await runner.waitFor(view.id);
  stop();
  process.off("SIGINT", onSignal);
  const g = deps.store.getGeneration(view.id);
  if (g.status === "failed") process.stderr.write(`failed at ${g.error?.stage ?? "?"}: ${g.error?.message}\n`);
  else if (g.composition?.video.path) process.stderr.write(`video: ${g.composition.video.path} (${g.composition.video.duration_s?.toFixed(2)} s)\n`);
  return { result: publicView(g, config.dataDir), ok: g.status === "completed" };
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
  const deps = createDeps(config, { store: new RunStore(":memory:"), log: createLogger("silent") });
  const brain = deps.brainFor(undefined);
  const interpretation = await interpretEdit(brain, { instruction: flags.instruction, timeline: parsed.data });
  const plan = makeEditPlan({
    id: `edit_${randomUUID().replace(/-/g, "").slice(0, 16)}`,
    compositionId: null,
    instruction: flags.instruction,
    timeline: parsed.data,
    interpretation: interpretation.value,
    interpreter: interpretation.by,
    path: interpretation.path,
  });
  plan.warnings = [...interpretation.warnings, ...plan.warnings];
  if (plan.status === "rejected") process.stderr.write(`rejected: ${plan.reason}\n`);
  return plan;
}
