import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { cacheNamespace, openAISettings, ProviderSetupError, setupProvider } from "../../evals/providers.js";

const base = { fps: 30, cacheDir: "/nonexistent/cache" };

describe("provider setup", () => {
  it("offline: the offline brain, no cache, the judge skipped with the reason", () => {
    const p = setupProvider({ ...base, provider: "offline", env: { OPENAI_API_KEY: "sk" } });
    expect(p.name).toBe("offline");
    expect(p.brain.name).toBe("offline");
    expect(p.cache.mode).toBe("off");
    expect(p.judge).toBeNull();
    expect(p.judgeReason).toMatch(/--judge/);
    expect(setupProvider({ ...base, provider: "offline", env: {}, judge: true }).judgeReason).toBe("no OPENAI_API_KEY for the narrative judge");
  });

  it("offline with --judge and a key: the judge runs on the cached model", () => {
    let made = 0;
    const p = setupProvider({ ...base, provider: "offline", env: { OPENAI_API_KEY: "sk", REELGRAPH_LLM_MODEL: "judge-m" }, judge: true, createModel: () => (made++, new MockLanguageModelV3()) });
    expect(p.judge?.modelName).toBe("judge-m");
    expect(p.cache.mode).toBe("record");
    expect(made).toBe(1);
    expect(p.brain.name).toBe("offline");
  });

  it("openai: the model brain without fallback, record with a key, replay without", () => {
    const withKey = setupProvider({ ...base, provider: "openai", env: { OPENAI_API_KEY: "sk" }, createModel: () => new MockLanguageModelV3() });
    expect(withKey.name).toBe("openai:gpt-4o-mini");
    expect(withKey.brain.name).toBe("llm:gpt-4o-mini");
    expect(withKey.cache.mode).toBe("record");
    expect(withKey.judge).not.toBeNull();
    const noKey = setupProvider({ ...base, provider: "openai", env: {}, createModel: () => { throw new Error("no model without a key"); } });
    expect(noKey.cache.mode).toBe("replay");
    expect(setupProvider({ ...base, provider: "openai", env: {}, judge: false }).judgeReason).toBe("--no-judge");
    expect(() => setupProvider({ ...base, provider: "openai", env: {}, cacheMode: "record" })).toThrow(ProviderSetupError);
  });

  it("names the cache after the model, the server and the API", () => {
    expect(cacheNamespace(openAISettings({}))).toBe("openai:gpt-4o-mini:chat");
    expect(cacheNamespace(openAISettings({ REELGRAPH_LLM_MODEL: "llama3", OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", REELGRAPH_LLM_API: "chat" }))).toBe("openai:llama3@127.0.0.1:11434:chat");
    expect(() => openAISettings({ REELGRAPH_LLM_API: "grpc" })).toThrow(ProviderSetupError);
  });
});
