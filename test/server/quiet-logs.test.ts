import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/main.js";
import { testConfig } from "../helpers/env.js";

/** Status polls and event streams are logged at debug: at info the log is about work. */
describe("request log levels", () => {
  let server: RunningServer | null = null;
  let cleanup = () => {};
  afterEach(async () => {
    await server?.close(0);
    server = null;
    cleanup();
  });

  const run = async (level: string) => {
    const t = testConfig({ LOG_LEVEL: level });
    cleanup = t.cleanup;
    const stream = new PassThrough();
    const lines: Record<string, any>[] = [];
    stream.on("data", (d) => lines.push(...String(d).split("\n").filter(Boolean).map((l) => JSON.parse(l))));
    server = await startServer({ config: t.config, port: 0, logStream: stream });
    const post = await fetch(`${server.url}/api/v1/generations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "req-post" },
      body: JSON.stringify({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15, options: { video_model: "local", llm: "offline" } }),
    });
    expect(post.status).toBe(202);
    const { id } = (await post.json()) as { id: string };
    for (let i = 0; ; i++) {
      const r = await fetch(`${server.url}/api/v1/generations/${id}`, { headers: { "X-Request-Id": `req-poll-${i}` } });
      const g = (await r.json()) as { status: string };
      if (!["queued", "running"].includes(g.status)) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const sse = new AbortController();
    const events = await fetch(`${server.url}/api/v1/generations/${id}/events`, { headers: { "X-Request-Id": "req-sse" }, signal: sse.signal });
    await events.body!.getReader().read();
    sse.abort();
    await fetch(`${server.url}/api/v1/generations/gen_missing`, { headers: { "X-Request-Id": "req-404" } });
    await new Promise((r) => setTimeout(r, 300));
    const byReq = (id: string) => lines.filter((l) => l.req?.id === id && l.res);
    return { byReq, lines };
  };

  it("at info: the POST and a 404 are logged, the polls and the event stream are not", async () => {
    const { byReq, lines } = await run("info");
    expect(byReq("req-post").map((l) => l.level)).toEqual([30]);
    expect(byReq("req-404").map((l) => l.level)).toEqual([30]);
    expect(lines.filter((l) => String(l.req?.id).startsWith("req-poll-"))).toEqual([]);
    expect(byReq("req-sse")).toEqual([]);
  });

  it("at debug: the polls and the event stream appear, at level 20", async () => {
    const { byReq } = await run("debug");
    expect(byReq("req-poll-0").map((l) => l.level)).toEqual([20]);
    expect(byReq("req-sse").map((l) => l.level)).toEqual([20]);
  });
});
