import type { Analysis } from "../core/schemas/analysis.js";
import type { AudioAnalysis } from "../core/schemas/audio.js";
import type { GenerationRequest } from "../core/schemas/request.js";
import type { Storyboard } from "../core/schemas/storyboard.js";
import type { StyleGuide } from "../core/schemas/style.js";
import type { Timeline } from "../core/timeline/schema.js";
import { readBrief } from "../graph/nodes/analyze/index.js";
import { interpretInstruction } from "../graph/nodes/edit/index.js";
import type { PathResult } from "../graph/nodes/path.js";
import { planStoryboard } from "../graph/nodes/plan/index.js";
import { styleStoryboard } from "../graph/nodes/stylize/index.js";
import type { EditInterpretation, StructuredModel } from "../graph/ports.js";

/**
 * What the eval suites call: the nodes' own thinking steps (the same functions the graph's
 * nodes run), on one path — a model with no offline fallback (a failed call is the model's
 * failure and must show in the scores), or the offline path.
 */
export interface Brain {
  /** offline | llm:<model> */
  readonly name: string;
  analyze(input: { request: GenerationRequest; audio: AudioAnalysis | null }): Promise<PathResult<Analysis>>;
  plan(input: { request: GenerationRequest; analysis: Analysis; audio: AudioAnalysis | null }): Promise<PathResult<Storyboard>>;
  stylize(input: { request: GenerationRequest; analysis: Analysis; storyboard: Storyboard }): Promise<PathResult<StyleGuide>>;
  interpretEdit(input: { instruction: string; timeline: Timeline }): Promise<PathResult<EditInterpretation>>;
}

export function nodeBrain(model: StructuredModel | null, opts: { fps: number }): Brain {
  const path = { fallback: false };
  return {
    name: model?.name ?? "offline",
    analyze: (input) => readBrief(input, model, path),
    plan: (input) => planStoryboard(input, model, { ...path, fps: opts.fps }),
    stylize: (input) => styleStoryboard(input, model, path),
    interpretEdit: (input) => interpretInstruction(input, model, path),
  };
}
