import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generationRequestSchema } from "../../core/schemas/request.js";
import { swaggerUiDir } from "../../server/docs.js";
import { startApi, type ApiHarness } from "./harness.js";

/** /docs (Swagger UI from swagger-ui-dist, offline) and the OpenAPI document it renders. */

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { REELGRAPH_MAX_PROMPT_CHARS: "5000" } });
});
afterAll(() => api.close(0));

describe("/docs", () => {
  it("is Swagger UI from the installed package: no CDN, no inline script, the spec and try-it-out configured", async () => {
    const page = await api.req("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).not.toMatch(/<script>[^<]/);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(["/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js", "/docs/init.js"]);
    const init = await api.req("GET", "/docs/init.js");
    expect(init.text).toContain('url: "/openapi.json"');
    expect(init.text).toContain("tryItOutEnabled: true");
    expect(init.text).toContain("validatorUrl: null");
  });

  it("serves the package's own files, byte for byte, with their types", async () => {
    const dir = swaggerUiDir();
    for (const [file, type] of [["swagger-ui-bundle.js", "text/javascript"], ["swagger-ui-standalone-preset.js", "text/javascript"], ["swagger-ui.css", "text/css"], ["favicon-32x32.png", "image/png"]] as const) {
      const res = await fetch(`${api.url}/docs/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toContain(type);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(dir, file))), file).toBe(true);
    }
  });

  it("serves nothing else from the package or beyond it", async () => {
    for (const path of ["/docs/index.html", "/docs/swagger-initializer.js", "/docs/package.json", "/docs/..%2fpackage.json", "/docs/%2e%2e%2f%2e%2e%2fpackage.json"]) expect((await api.req("GET", path)).status, path).toBe(404);
  });
});

describe("/openapi.json", () => {
  let doc: any;
  beforeAll(async () => {
    doc = (await api.req("GET", "/openapi.json")).json;
  });

  it("states the configured prompt limit", () => {
    expect(doc.components.schemas.GenerationRequest.properties.prompt.maxLength).toBe(5000);
  });

  it("has a schema for every JSON answer and every $ref resolves", () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const r of new Set(refs)) expect(doc.components.schemas[r.split("/").pop()!], r).toBeTruthy();
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(item))
        for (const [status, res] of Object.entries<any>(op.responses)) {
          const json = res.content?.["application/json"];
          if (json) expect(json.schema, `${method} ${path} ${status}`).toBeTruthy();
          if (path.startsWith("/api/v1/") && status.startsWith("2") && !["204"].includes(status)) expect(res.content, `${method} ${path} ${status} has content`).toBeTruthy();
        }
    for (const [path, item] of Object.entries<any>(doc.paths)) if (path.startsWith("/api/v1/")) for (const op of Object.values<any>(item)) expect(op.responses["429"], path).toBeTruthy();
  });

  it("carries request examples the server accepts: try-it-out against this server", async () => {
    const examples = doc.paths["/api/v1/generations"].post.requestBody.content["application/json"].examples;
    expect(Object.keys(examples)).toEqual(["ad", "music_video"]);
    const schema = generationRequestSchema({ maxPromptChars: 5000 });
    for (const [name, ex] of Object.entries<any>(examples)) expect(schema.safeParse(ex.value).success, name).toBe(true);
    // what the page does: the example body to servers[0] (relative to the document)
    const base = new URL(doc.servers[0].url, `${api.url}/openapi.json`);
    const r = await fetch(new URL("api/v1/generations", base), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ...examples.ad.value, options: { video_model: "local", llm: "offline" } }) });
    expect(r.status).toBe(202);
    const accepted = (await r.json()) as { id: string; links: { self: string } };
    expect(accepted.links.self).toBe(`/api/v1/generations/${accepted.id}`);
    await api.waitFor(accepted.id, (g) => !["queued", "running"].includes(g.status));
  });
});

describe("long briefs at the API", () => {
  it("takes a prompt up to REELGRAPH_MAX_PROMPT_CHARS and refuses one longer, naming body.prompt and the limit", async () => {
    const ok = await api.req("POST", "/api/v1/generations", { pipeline: "ad", prompt: "An ad for Nimbus umbrellas. " + "x".repeat(5000 - 28), duration_s: 15, options: { video_model: "local", llm: "offline" } });
    expect(ok.status).toBe(202);
    const long = await api.req("POST", "/api/v1/generations", { pipeline: "ad", prompt: "y".repeat(5001) });
    expect(long.status).toBe(400);
    expect(long.json.errors[0]).toMatchObject({ path: "body.prompt", message: expect.stringContaining("5000") });
    await api.waitFor(ok.json.id, (g) => !["queued", "running"].includes(g.status));
  });

  it("takes 20,000 characters by default (and the body limit leaves room for them)", async () => {
    const other = await startApi();
    try {
      const prompt = "Ad for Nimbus umbrellas — 15 seconds. " + "Ünïcödé rain ☔ ".repeat(1400);
      const exact = prompt.slice(0, 20_000);
      const r = await other.req("POST", "/api/v1/generations", { pipeline: "ad", prompt: exact, duration_s: 15, options: { video_model: "local", llm: "offline" } });
      expect(r.status, r.text).toBe(202);
      expect((await other.req("POST", "/api/v1/generations", { pipeline: "ad", prompt: exact + "!" })).status).toBe(400);
      await other.waitFor(r.json.id, (g) => !["queued", "running"].includes(g.status));
      expect((await other.req("GET", "/openapi.json")).json.components.schemas.GenerationRequest.properties.prompt.maxLength).toBe(20_000);
    } finally {
      await other.close(0);
    }
  });
});

describe("with an API key", () => {
  it("the document asks for it on /api/v1 (so try-it-out can send it)", async () => {
    const keyed = await startApi({ env: { REELGRAPH_API_KEY: "k-docs" } });
    try {
      const doc = (await keyed.req("GET", "/openapi.json")).json;
      expect(doc.paths["/api/v1/generations"].post.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
      expect(doc.paths["/api/v1/generations"].post.responses["401"]).toBeTruthy();
      expect(doc.paths["/internal/v1/process-clips"].post.security).toEqual([{ internalBearer: [] }]);
      expect((await keyed.req("GET", "/docs")).status).toBe(200);
    } finally {
      await keyed.close(0);
    }
  });
});
