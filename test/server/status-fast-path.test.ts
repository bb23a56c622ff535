import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { publicView } from "../../server/routes/generations.js";
import { startApi, type ApiHarness } from "./harness.js";

/**
 * GET /api/v1/generations/{id} is answered ahead of the middleware chain (prepared bytes).
 * Express routes case-insensitively, so /API/V1/… reaches the same route through the full
 * chain: both must answer byte for byte the same, with the same ETag, request id, rate limit
 * and API key behaviour.
 */

let api: ApiHarness | null = null;
afterEach(async () => {
  await api?.close(0);
  api = null;
});

/** A GET through node:http (fetch adds Cache-Control: no-cache to a conditional request, which rules a 304 out). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const brief = { pipeline: "ad", prompt: "15s ad for a reusable water bottle, bright and upbeat", duration_s: 15, aspect_ratio: "16:9" };

async function completed(h: ApiHarness, headers: Record<string, string> = {}): Promise<string> {
  const r = await h.req("POST", "/api/v1/generations", brief, headers);
  expect(r.status).toBe(202);
  const end = Date.now() + 60_000;
  for (;;) {
    const g = await h.req("GET", `/api/v1/generations/${r.json.id}`, undefined, headers);
    if (g.json?.status === "completed") return r.json.id as string;
    if (Date.now() > end || g.json?.status === "failed") throw new Error(`generation did not complete: ${g.text.slice(0, 300)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe("the status poll's fast path", () => {
  it("answers the same bytes, ETag and headers as the full chain, and 304 to a matching If-None-Match", async () => {
    api = await startApi();
    const id = await completed(api);
    const fast = await api.req("GET", `/api/v1/generations/${id}`, undefined, { "X-Request-Id": "poll-1" });
    const full = await api.req("GET", `/API/V1/generations/${id}`, undefined, { "X-Request-Id": "poll-2" });
    expect(fast.status).toBe(200);
    expect(full.status).toBe(200);
    expect(fast.text).toBe(full.text);
    expect(fast.text).toBe(JSON.stringify(publicView(await api.server.app.stores.generations.get(id))));
    expect(fast.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(fast.headers.get("content-type")).toBe(full.headers.get("content-type"));
    expect(fast.headers.get("content-length")).toBe(String(Buffer.byteLength(fast.text)));
    expect(fast.headers.get("etag")).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    expect(fast.headers.get("etag")).toBe(full.headers.get("etag"));
    expect(fast.headers.get("x-request-id")).toBe("poll-1");
    expect(full.headers.get("x-request-id")).toBe("poll-2");
    expect(fast.headers.get("ratelimit-policy")).toBe(full.headers.get("ratelimit-policy"));
    expect(fast.headers.get("ratelimit")).toMatch(/limit=\d+, remaining=\d+/);

    // The fast path hands writeHead one flat list of headers: the same names as the chain's, the same policy.
    const fastRaw = await rawGet(`${api.url}/api/v1/generations/${id}`, {});
    const fullRaw = await rawGet(`${api.url}/API/V1/generations/${id}`, {});
    expect(Object.keys(fastRaw.headers).sort()).toEqual(Object.keys(fullRaw.headers).sort());
    for (const name of ["content-type", "content-length", "etag", "ratelimit-policy", "connection", "keep-alive"]) expect(fastRaw.headers[name]).toBe(fullRaw.headers[name]);
    expect(fastRaw.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    // remaining and reset move with the bucket (reset rounds up the time until it is full again).
    expect(String(fastRaw.headers.ratelimit).replace(/remaining=\d+, reset=\d+/, "")).toBe(String(fullRaw.headers.ratelimit).replace(/remaining=\d+, reset=\d+/, ""));
    expect(fastRaw.text).toBe(fullRaw.text);

    const etag = fast.headers.get("etag")!;
    const again = await rawGet(`${api.url}/api/v1/generations/${id}?fields=all`, { "If-None-Match": `"nope", ${etag}` });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.etag).toBe(etag);
    expect(again.headers["x-request-id"]).toBeTruthy();
    const fullAgain = await rawGet(`${api.url}/API/V1/generations/${id}`, { "If-None-Match": etag });
    expect(fullAgain.status).toBe(304);
    expect(Object.keys(again.headers).sort()).toEqual(Object.keys(fullAgain.headers).sort());
    expect((await rawGet(`${api.url}/api/v1/generations/${id}`, { "If-None-Match": etag, "Cache-Control": "no-cache" })).status).toBe(200);
    expect((await rawGet(`${api.url}/api/v1/generations/${id}`, { "If-None-Match": 'W/"0-stale"' })).status).toBe(200);
  });

  it("changes the bytes and the ETag when the generation changes", async () => {
    api = await startApi();
    const id = await completed(api);
    const before = await api.req("GET", `/api/v1/generations/${id}`);
    await api.server.app.stores.generations.update(id, { warnings: ["a new warning"] });
    const after = await rawGet(`${api.url}/api/v1/generations/${id}`, { "If-None-Match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text).warnings).toEqual(["a new warning"]);
    expect(after.headers.etag).not.toBe(before.headers.get("etag"));
  });

  it("counts against the read limit it shares with the full chain, and refuses with the same problem", async () => {
    api = await startApi({ limits: { readsPerSecond: 0.2, readBurst: 3, writesPerSecond: 10, writeBurst: 10 } });
    const r = await api.req("POST", "/api/v1/generations", brief);
    const id = r.json.id as string;
    const statuses: number[] = [];
    for (const path of [`/api/v1/generations/${id}`, `/API/V1/generations/${id}`, `/api/v1/generations/${id}`, `/api/v1/generations/${id}`, `/API/V1/generations/${id}`]) statuses.push((await api.req("GET", path)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await api.req("GET", `/api/v1/generations/${id}`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.headers.get("x-request-id")).toBeTruthy();
    expect(refused.json.title).toBe("Too many requests");
  });

  it("leaves a request without the API key, or for an unknown id, to the full chain (401, 404)", async () => {
    api = await startApi({ env: { REELGRAPH_API_KEY: "k-123" } });
    const id = await completed(api, { "X-API-Key": "k-123" });
    expect((await api.req("GET", `/api/v1/generations/${id}`)).status).toBe(401);
    expect((await api.req("GET", `/api/v1/generations/${id}`, undefined, { "X-API-Key": "wrong" })).status).toBe(401);
    const ok = await api.req("GET", `/api/v1/generations/${id}`, undefined, { Authorization: "Bearer k-123" });
    expect(ok.status).toBe(200);
    expect(ok.json.id).toBe(id);
    const missing = await api.req("GET", "/api/v1/generations/gen_doesnotexist", undefined, { "X-API-Key": "k-123" });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});
