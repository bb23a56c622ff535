import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { loadBriefs } from "../../../evals/datasets/briefs.js";
import { planBrief } from "../../../evals/pipeline.js";
import { JUDGE_SYSTEM, narrativeJudgeScorer, rubricScore, type JudgeRubric } from "../../../evals/scorers/judge.js";
import type { PlanExpected } from "../../../evals/scorers/plan.js";
import { offlineContext } from "../helpers.js";

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 20, text: 20, reasoning: undefined } };
const reply = (text: string) => ({ content: [{ type: "text" as const, text }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] });
const c = (score: number, reason = "because") => ({ score, reason });
const rubric: JudgeRubric = { hook: c(5), progression: c(4), brief_fit: c(4), ending: c(2, "the end card is an afterthought"), specificity: c(3) };
const userText = (call: { prompt: { role: string; content: unknown }[] }) =>
  call.prompt.filter((m) => m.role === "user").flatMap((m) => (m.content as { text?: string }[]).map((p) => p.text ?? "")).join("\n");

const brief = loadBriefs().find((b) => b.id === "ad30-oat-cold-brew")!;
const expected: PlanExpected = { pipeline: "ad", duration_s: 30, endSlack_s: 0, cta: "Shop now" };

describe("the narrative judge", async () => {
  const output = await planBrief(brief, offlineContext());

  it("maps the rubric's 1–5 scores to 0–1", () => {
    expect(rubricScore(rubric)).toBeCloseTo((4 + 3 + 3 + 1 + 2) / 4 / 5, 9);
  });

  it("sends the brief and the storyboard with the rubric, and reports weak criteria", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply(JSON.stringify(rubric))] });
    const ctx = offlineContext({ judge: { model, modelName: "mock" } });
    const r = await narrativeJudgeScorer.score({ input: brief, output, expected, ctx });
    expect(r.score).toBeCloseTo(0.65, 9);
    expect(r.detail).toBe("ending 2/5: the end card is an afterthought");
    expect(model.doGenerateCalls).toHaveLength(1);
    const call = model.doGenerateCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: "system", content: JUDGE_SYSTEM });
    const text = userText(call);
    expect(text).toContain(String(brief.request.prompt));
    expect(text).toContain("Call to action: Shop now");
    for (const [i, s] of output.storyboard.scenes.entries()) expect(text).toContain(`${i + 1}. [${s.purpose}`);
    const schema = (call.responseFormat as { schema?: { properties?: Record<string, unknown> } }).schema;
    expect(Object.keys(schema?.properties ?? {})).toEqual(["hook", "progression", "brief_fit", "ending", "specificity"]);
  });

  it("is skipped, saying why, when there is no model", async () => {
    const ctx = offlineContext({ judge: null, judgeReason: "no OPENAI_API_KEY for the narrative judge" });
    expect(await narrativeJudgeScorer.score({ input: brief, output, expected, ctx })).toEqual({ score: null, detail: "skipped: no OPENAI_API_KEY for the narrative judge" });
  });

  it("is skipped, not failed, when the model's answers stay unusable", async () => {
    const model = new MockLanguageModelV3({ doGenerate: [reply('{"hook": 9}'), reply("not json")] });
    const r = await narrativeJudgeScorer.score({ input: brief, output, expected, ctx: offlineContext({ judge: { model, modelName: "mock" } }) });
    expect(r.score).toBeNull();
    expect(r.detail).toMatch(/^skipped: the judge failed/);
    expect(model.doGenerateCalls).toHaveLength(2);
  });
});
