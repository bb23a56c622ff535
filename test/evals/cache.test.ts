import { existsSync, readdirSync, readFileSync } from "node:fs";
import { generateText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, describe, expect, it } from "vitest";
import { CacheMissError, cacheKey, cacheMissIn, namespaceDir, stableStringify, withModelCache } from "../../evals/cache.js";
import { tempDir } from "./helpers.js";

const usage = { inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 2, text: 2, reasoning: undefined } };
const reply = (text: string) => ({
  content: [{ type: "text" as const, text }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage,
  warnings: [],
  response: { id: "resp_1", modelId: "mock-1", timestamp: new Date("2025-01-02T03:04:05Z") },
});

describe("record/replay of model calls", () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it("records a call once, then replays it without calling the model", async () => {
    const dir = `${tmp.dir}/a`;
    const first = new MockLanguageModelV3({ doGenerate: [reply("hello")] });
    const rec = withModelCache(first, { dir, mode: "record", namespace: "openai:mock" });
    const a = await generateText({ model: rec.model, system: "Be brief.", prompt: "Say hello", temperature: 0 });
    expect(a.text).toBe("hello");
    expect(first.doGenerateCalls).toHaveLength(1);
    expect(rec.stats).toEqual({ hits: 0, misses: 1, recorded: 1 });
    const files = readdirSync(namespaceDir(dir, "openai:mock"));
    expect(files).toHaveLength(1);
    const entry = JSON.parse(readFileSync(`${namespaceDir(dir, "openai:mock")}/${files[0]}`, "utf8"));
    expect(entry.namespace).toBe("openai:mock");
    expect(JSON.stringify(entry.request)).toContain("Say hello");

    const second = new MockLanguageModelV3({ doGenerate: async () => { throw new Error("must not be called"); } });
    const rep = withModelCache(second, { dir, mode: "replay", namespace: "openai:mock" });
    const b = await generateText({ model: rep.model, system: "Be brief.", prompt: "Say hello", temperature: 0, abortSignal: AbortSignal.timeout(5000), headers: { "x-trace": "1" } });
    expect(b.text).toBe("hello");
    expect(b.response.timestamp).toEqual(new Date("2025-01-02T03:04:05Z"));
    expect(b.response.modelId).toBe("mock-1");
    expect(second.doGenerateCalls).toHaveLength(0);
    expect(rep.stats).toEqual({ hits: 1, misses: 0, recorded: 0 });

    // In record mode a recorded call is replayed too.
    const third = new MockLanguageModelV3({ doGenerate: [reply("other")] });
    const again = withModelCache(third, { dir, mode: "record", namespace: "openai:mock" });
    expect((await generateText({ model: again.model, system: "Be brief.", prompt: "Say hello", temperature: 0 })).text).toBe("hello");
    expect(third.doGenerateCalls).toHaveLength(0);
  });

  it("misses in replay mode for a changed prompt, setting or namespace, without calling the model", async () => {
    const dir = `${tmp.dir}/b`;
    const m = new MockLanguageModelV3({ doGenerate: [reply("x")] });
    await generateText({ model: withModelCache(m, { dir, mode: "record", namespace: "ns" }).model, prompt: "one", temperature: 0 });
    const never = new MockLanguageModelV3({ doGenerate: async () => { throw new Error("must not be called"); } });
    for (const [ns, prompt, temperature] of [["ns", "two", 0], ["ns", "one", 0.7], ["other", "one", 0]] as const) {
      const rep = withModelCache(never, { dir, mode: "replay", namespace: ns });
      const error = await generateText({ model: rep.model, prompt, temperature, maxRetries: 0 }).catch((e: unknown) => e);
      const miss = cacheMissIn(error);
      expect(miss, `${ns} ${prompt} ${temperature}`).toBeInstanceOf(CacheMissError);
      expect(miss!.namespace).toBe(ns);
      expect(existsSync(miss!.file)).toBe(false);
    }
    expect(never.doGenerateCalls).toHaveLength(0);
  });

  it("keys on the call, not on the abort signal or headers; JSON keys in any order hash the same", () => {
    const base = { prompt: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }], temperature: 0 };
    expect(cacheKey("n", { ...base, abortSignal: AbortSignal.timeout(10), headers: { a: "1" } })).toBe(cacheKey("n", base));
    expect(cacheKey("n", { ...base, temperature: 1 })).not.toBe(cacheKey("n", base));
    expect(stableStringify({ b: 1, a: { d: 2, c: 3 } })).toBe(stableStringify({ a: { c: 3, d: 2 }, b: 1 }));
  });
});
