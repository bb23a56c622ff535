import { MockLanguageModelV3 } from "ai/test";
import { createStructuredModel } from "../../../../tools/llm/structured.js";
import { describe, expect, it } from "vitest";
import { analyzeOffline } from "../../../../graph/nodes/analyze/logic.js";
import { checkStoryboard } from "../../../../graph/nodes/plan/checks.js";
import { planWithModel, UnsupportedPipelineError } from "../../../../graph/nodes/plan/model.js";
import type { PlanOutput } from "../../../../graph/nodes/plan/schema.js";
import { GenerationRequestSchema } from "../../../../core/schemas/request.js";
import { StoryboardSchema, type ShotType } from "../../../../core/schemas/storyboard.js";
import { system } from "../../../../prompts/plan.js";
import { LlmOutputError } from "../../../../graph/errors.js";

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (value: unknown) => ({
  content: [{ type: "text" as const, text: JSON.stringify(value) }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage,
  warnings: [],
});
const userText = (call: { prompt: { role: string; content: unknown }[] }) =>
  call.prompt.filter((m) => m.role === "user").flatMap((m) => (m.content as { text?: string }[]).map((p) => p.text ?? "")).join("\n");

const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "30s ad for sneakers called Stride, end with 'Shop now'", duration_s: 30 });
const analysis = analyzeOffline(request, null);

const scene = (purpose: string, shot_type: ShotType, lengths: number[]) => ({
  purpose,
  description: `${purpose}: Stride sneakers`,
  shot_type,
  duration_s: lengths.reduce((a, b) => a + b, 0),
  text: purpose === "cta" ? "Shop now" : null,
  shots: lengths.map((d, i) => ({ description: `${purpose} shot ${i + 1}`, shot_type, camera_move: "slow push-in", duration_s: d, text: null })),
});
const good: PlanOutput = {
  overview: "Four beats for Stride.",
  scenes: [scene("hook", "extreme_close_up", [5]), scene("problem", "medium", [6]), scene("benefit", "tracking", [5, 6]), scene("cta", "wide", [6])],
};

describe("planWithModel", () => {
  it("maps a valid answer, scaling lengths to the exact total", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply(good)] });
    const r = await planWithModel(createStructuredModel(model, "mock"), { request, analysis, audio: null });
    expect(() => StoryboardSchema.parse(r.value)).not.toThrow();
    expect(checkStoryboard(r.value, { pipeline: "ad", duration_s: 30, cta: analysis.brand.cta })).toEqual([]);
    expect(r.value.scenes.map((s) => s.id)).toEqual(["scene_1", "scene_2", "scene_3", "scene_4"]);
    expect(r.value.scenes.reduce((a, s) => a + Math.round(s.duration_s * 1000), 0)).toBe(30_000);
    expect(r.value.cta).toEqual({ text: "Shop now", start_s: 27, duration_s: 3 });
    expect(r.adjusted[0]).toMatch(/scaled from 28 s to 30 s/);
    expect(r.value.warnings[0]).toMatch(/^plan: /);
    expect(model.doGenerateCalls[0]!.prompt[0]).toEqual({ role: "system", content: system });
    expect(userText(model.doGenerateCalls[0]!)).toContain("Total duration: 30 s");
  });

  it("re-splits a shot that scaling pushed out of 4–7 s", async () => {
    const long: PlanOutput = { ...good, scenes: [scene("hook", "close_up", [6]), scene("benefit", "medium", [12]), scene("cta", "wide", [12])] };
    const r = await planWithModel(createStructuredModel(new MockLanguageModelV3({ doGenerate: [reply(long)] }), "mock"), { request, analysis, audio: null });
    expect(r.value.scenes[1]!.shots.map((s) => s.duration_s)).toEqual([6, 6]);
    expect(r.adjusted.join()).toMatch(/scene_2: shots re-split into 2/);
  });

  it("repairs an answer that breaks a hard constraint", async () => {
    const same: PlanOutput = { ...good, scenes: good.scenes.map((s) => ({ ...s, shot_type: "medium" as const })) };
    const model = new MockLanguageModelV3({ doGenerate: [reply(same), reply(good)] });
    const r = await planWithModel(createStructuredModel(model, "mock"), { request, analysis, audio: null });
    expect(r.repaired.join()).toMatch(/adjacent scenes need different shot types/);
    expect(userText(model.doGenerateCalls[1]!)).toMatch(/scene_1 and scene_2 are both medium shots/);
    expect(r.value.scenes[0]!.shot_type).toBe("extreme_close_up");
  });

  it("gives up with LlmOutputError when the repair is still wrong", async () => {
    const two: PlanOutput = { ...good, scenes: good.scenes.slice(0, 2) };
    const model = new MockLanguageModelV3({ doGenerate: [reply(two), reply(two)] });
    const error = await planWithModel(createStructuredModel(model, "mock"), { request, analysis, audio: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmOutputError);
    expect((error as LlmOutputError).problems.join()).toMatch(/needs 3–5 scenes, this storyboard has 2/);
  });

  it("leaves music videos to the bar planner", async () => {
    const music = GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "music video about rain", audio: { url: "a.mp3" } });
    const model = new MockLanguageModelV3({ doGenerate: [reply(good)] });
    await expect(planWithModel(createStructuredModel(model, "mock"), { request: music, analysis, audio: null })).rejects.toBeInstanceOf(UnsupportedPipelineError);
    expect(model.doGenerateCalls).toHaveLength(0);
  });
});
