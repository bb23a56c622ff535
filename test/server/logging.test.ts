import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { startServer } from "../../server/main.js";
import { testConfig } from "../helpers/env.js";

const API_KEY = "sk-frontend-key-do-not-log-7f3a";
const INTERNAL = "internal-token-do-not-log-91bc";
const OPENAI = "sk-openai-do-not-log-5d2e";

describe("logs", () => {
  const t = testConfig({ LOG_LEVEL: "info", REELGRAPH_API_KEY: API_KEY, REELGRAPH_INTERNAL_TOKEN: INTERNAL, OPENAI_API_KEY: OPENAI, OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on("data", (d) => lines.push(...String(d).split("\n").filter(Boolean)));
  let close = async () => {};
  afterAll(async () => {
    await close();
    t.cleanup();
  });

  it("are JSON with request id, generation id and node name, and never carry a secret", async () => {
    const server = await startServer({ config: t.config, port: 0, logStream: stream });
    close = () => server.close(0);
    const headers = { "Content-Type": "application/json", "X-API-Key": API_KEY, "X-Request-Id": "req-test-1" };
    const post = await fetch(`${server.url}/api/v1/generations`, {
      method: "POST",
      headers,
      body: JSON.stringify({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15, options: { video_model: "local", llm: "offline" } }),
    });
    expect(post.status).toBe(202);
    const { id } = (await post.json()) as { id: string };
    for (;;) {
      const g = (await (await fetch(`${server.url}/api/v1/generations/${id}`, { headers })).json()) as { status: string };
      if (!["queued", "running"].includes(g.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await fetch(`${server.url}/internal/v1/process-clips/job_x`, { headers: { Authorization: `Bearer ${INTERNAL}` } });
    await fetch(`${server.url}/api/v1/generations/${id}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    await new Promise((r) => setTimeout(r, 300));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed.find((l) => l.req?.id === "req-test-1" || l.reqId === "req-test-1")).toBeTruthy();
    expect(parsed.some((l) => l.generation_id === id && l.node === "generate")).toBe(true);
    const all = lines.join("\n");
    for (const secret of [API_KEY, INTERNAL, OPENAI]) expect(all).not.toContain(secret);
  });
});
