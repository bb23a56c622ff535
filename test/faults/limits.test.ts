import type { Request } from "express";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientKey, TokenBucketStore } from "../../server/rate-limit.js";
import { startFaultApi, type FaultApi } from "./api.js";

/**
 * Every limit a hostile caller meets at the door, over real HTTP: body and prompt sizes,
 * unknown fields, prototype-pollution keys, malformed JSON, upload types and sizes, the API
 * key, the internal token and the per-client rate limits. Each answer is a 4xx problem
 * document, never a 5xx.
 */

const API_KEY = "frontend-key-123";
const INTERNAL = "internal-token-456";
const ok = { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15 };
const auth = { "X-API-Key": API_KEY };

let api: FaultApi;
beforeAll(async () => {
  api = await startFaultApi({ env: { REELGRAPH_API_KEY: API_KEY, REELGRAPH_INTERNAL_TOKEN: INTERNAL } });
});
afterAll(() => api.close());

const problem = (r: { status: number; headers: Headers; json: any }, status: number) => {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  expect(r.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
};

describe("request bodies", () => {
  it("refuses a body over the limit (413), a prompt over 20,000 characters (400 naming body.prompt), an instruction over 2000", async () => {
    problem(await api.req("POST", "/api/v1/generations", { ...ok, prompt: "x".repeat(300 * 1024) }, auth), 413);
    const long = await api.req("POST", "/api/v1/generations", { ...ok, prompt: "y".repeat(20_001) }, auth);
    problem(long, 400);
    expect(long.json.errors.map((e: { path: string }) => e.path)).toContain("body.prompt");
    const edit = await api.req("POST", "/api/v1/compositions/comp_nothing/edit", { instruction: "z".repeat(2001) }, auth);
    problem(edit, 400);
    expect(edit.json.errors[0].path).toBe("body.instruction");
  });

  it("refuses unknown fields, at the top and nested", async () => {
    const top = await api.req("POST", "/api/v1/generations", { ...ok, admin: true }, auth);
    problem(top, 400);
    expect(top.json.detail).toContain("admin");
    const nested = await api.req("POST", "/api/v1/generations", { ...ok, brand: { name: "Nimbus", logo_url: "http://x" } }, auth);
    problem(nested, 400);
    expect(nested.json.errors[0].path).toBe("body.brand");
    problem(await api.req("POST", "/api/v1/generations", { ...ok, options: { video_model: "local", shell: "rm -rf /" } }, auth), 400);
  });

  it("refuses prototype-pollution keys anywhere in the JSON, and pollutes nothing", async () => {
    for (const body of [
      `{"pipeline":"ad","prompt":"an ad for umbrellas","__proto__":{"isAdmin":true}}`,
      `{"pipeline":"ad","prompt":"an ad for umbrellas","brand":{"constructor":{"prototype":{"isAdmin":true}}}}`,
      `{"pipeline":"ad","prompt":"an ad for umbrellas","brand":{"colors":[{"__proto__":{"x":1}}]}}`,
      `{"pipeline":"ad","prompt":"an ad for umbrellas","\\u005f_proto__":{"isAdmin":true}}`,
    ]) {
      const r = await api.req("POST", "/api/v1/generations", body, { ...auth, "Content-Type": "application/json" });
      problem(r, 400);
      expect(r.json.detail, body).toMatch(/__proto__|constructor|prototype/);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it("answers malformed, mistyped and oddly encoded bodies with 4xx", async () => {
    const bad: [string, Record<string, string>, number][] = [
      ['{"pipeline": "ad",', { "Content-Type": "application/json" }, 400],
      ["null", { "Content-Type": "application/json" }, 400],
      ['"just a string"', { "Content-Type": "application/json" }, 400],
      ["[1,2,3]", { "Content-Type": "application/json" }, 400],
      ["pipeline=ad&prompt=hello", { "Content-Type": "application/x-www-form-urlencoded" }, 400],
      [JSON.stringify(ok), { "Content-Type": "text/plain" }, 400],
      [JSON.stringify(ok), { "Content-Type": "application/json; charset=utf-16" }, 400],
      [JSON.stringify(ok), { "Content-Type": "application/json; charset=iso-8859-1" }, 415],
      [JSON.stringify(ok), { "Content-Type": "application/json", "Content-Encoding": "gzip" }, 400],
      [JSON.stringify(ok), { "Content-Type": "application/json", "Content-Encoding": "x-weird" }, 415],
    ];
    for (const [body, headers, status] of bad) expect((await api.req("POST", "/api/v1/generations", body, { ...auth, ...headers })).status, `${headers["Content-Type"]} ${body.slice(0, 20)}`).toBe(status);
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    expect((await api.req("POST", "/api/v1/generations", deep, { ...auth, "Content-Type": "application/json" })).status).toBe(400);
    expect((await api.req("GET", "/healthz")).status).toBe(200);
  });

  it("answers an oversized header block with 431, not a crash", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(api.url);
      const req = httpRequest({ host: u.hostname, port: u.port, path: "/healthz", headers: { "X-Big": "a".repeat(40_000) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(431);
    expect((await api.req("GET", "/healthz")).status).toBe(200);
  });
});

describe("uploads", () => {
  it("refuses the wrong type (415), a file that is not audio (415), an empty file (400) and a file over 50 MB (413)", async () => {
    problem(await api.req("POST", "/api/v1/assets", new Uint8Array([1, 2, 3]), { ...auth, "Content-Type": "image/png" }), 415);
    problem(await api.req("POST", "/api/v1/assets", "<?php system($_GET['c']); ?>", { ...auth, "Content-Type": "text/x-php" }), 415);
    problem(await api.req("POST", "/api/v1/assets", new Uint8Array(4096).fill(7), { ...auth, "Content-Type": "audio/mpeg" }), 415);
    problem(await api.req("POST", "/api/v1/assets", new Uint8Array(0), { ...auth, "Content-Type": "audio/mpeg" }), 400);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(100)], { type: "image/png" }), "cat.png");
    const multi = await fetch(`${api.url}/api/v1/assets`, { method: "POST", body: form, headers: auth });
    expect(multi.status).toBe(415);
    const huge = await fetch(`${api.url}/api/v1/assets`, { method: "POST", body: new Uint8Array(51 * 1024 * 1024), headers: { ...auth, "Content-Type": "audio/wav" } }).catch((e: Error) => e);
    // The server answers 413 as soon as the limit passes; it may close the socket before the upload ends.
    if (huge instanceof Error) expect(huge.message).toMatch(/fetch failed|socket|reset|EPIPE/i);
    else expect(huge.status).toBe(413);
    expect((await api.req("GET", "/healthz")).status).toBe(200);
  });
});

describe("keys and tokens", () => {
  it("needs the API key on every /api/v1 route when REELGRAPH_API_KEY is set (X-API-Key or Bearer)", async () => {
    for (const [method, path] of [["GET", "/api/v1/generations"], ["POST", "/api/v1/generations"], ["GET", "/api/v1/generations/gen_x"], ["POST", "/api/v1/assets"], ["GET", "/api/v1/compositions/comp_x/versions"]]) {
      const r = await api.req(method!, path!, method === "POST" ? ok : undefined);
      problem(r, 401);
      expect(r.headers.get("www-authenticate")).toContain("Bearer");
      expect((await api.req(method!, path!, method === "POST" ? ok : undefined, { "X-API-Key": "wrong" })).status).toBe(401);
    }
    expect((await api.req("GET", "/api/v1/generations", undefined, auth)).status).toBe(200);
    expect((await api.req("GET", "/api/v1/generations", undefined, { Authorization: `Bearer ${API_KEY}` })).status).toBe(200);
    expect((await api.req("GET", "/healthz")).status).toBe(200);
  });

  it("keeps the internal routes behind their token (401 without or with a wrong one)", async () => {
    for (const path of ["/internal/v1/audio-analysis", "/internal/v1/process-clips", "/internal/v1/processing-complete"]) {
      expect((await api.req("POST", path, {})).status, path).toBe(401);
      expect((await api.req("POST", path, {}, { Authorization: "Bearer nope" })).status, path).toBe(401);
      expect((await api.req("POST", path, {}, { Authorization: `Bearer ${API_KEY}` })).status, `${path} with the API key`).toBe(401);
      expect((await api.req("POST", path, {}, { Authorization: `Bearer ${INTERNAL}` })).status, `${path} with the token`).toBe(400);
    }
    expect((await api.req("GET", "/internal/v1/outputs/..%2f..%2freelgraph.db")).status).toBe(401);
  });
});

describe("rate limits", () => {
  let limited: FaultApi;
  beforeAll(async () => {
    limited = await startFaultApi({ limits: { writesPerSecond: 1, writeBurst: 3, readsPerSecond: 1000, readBurst: 1000 } });
  });
  afterAll(() => limited.close());

  it("answers 429 with Retry-After past the burst; a made-up key header buys no fresh bucket; reads still pass", async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<FaultApi["req"]>> | null = null;
    for (let i = 0; i < 6; i++) {
      last = await limited.req("POST", "/api/v1/generations", { pipeline: "nope" }, { "X-API-Key": `rotating-${i}`, Authorization: `Bearer other-${i}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    problem(last!, 429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited.req("GET", "/api/v1/generations")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await limited.req("POST", "/api/v1/generations", { pipeline: "nope" })).status).toBe(400);
  });

  it("refills over time, keys IPv6 clients by /64 and IPv4-mapped ones by their IPv4", () => {
    let t = 0;
    const store = new TokenBucketStore({ now: () => t, maxClients: 100 });
    store.init({ limit: 2, windowMs: 1000 } as never);
    const call = (address: string) => (store.increment(clientKey({ ip: address, get: () => undefined } as unknown as Request, undefined)).totalHits > 2 ? 429 : 200);
    expect([call("2001:db8:1:2::1"), call("2001:db8:1:2:ffff::9"), call("2001:db8:1:2:abcd:1:2:3")]).toEqual([200, 200, 429]);
    expect(call("2001:db8:1:3::1")).toBe(200);
    expect([call("::ffff:203.0.113.7"), call("203.0.113.7"), call("203.0.113.7")]).toEqual([200, 200, 429]);
    t += 500;
    expect(call("203.0.113.7")).toBe(200);
    expect(call("203.0.113.7")).toBe(429);
    expect(clientKey({ ip: "2001:0db8:0001:0002:0000:0000:0000:0001", get: () => undefined } as unknown as Request, undefined)).toBe("ip:2001:db8:1:2::/64");
  });
});
