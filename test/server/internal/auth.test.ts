import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerToken } from "../../../server/internal/auth.js";
import { call, startInternal, TOKEN, type InternalHarness } from "./helpers.js";

const ROUTES: { method: string; path: string; body?: unknown }[] = [
  { method: "POST", path: "/internal/v1/audio-analysis", body: { audio_url: "/nowhere.wav" } },
  { method: "POST", path: "/internal/v1/process-clips", body: {} },
  { method: "GET", path: "/internal/v1/process-clips/job_x" },
  { method: "POST", path: "/internal/v1/processing-complete", body: {} },
  { method: "GET", path: "/internal/v1/outputs/job_x.mp4" },
  { method: "GET", path: "/internal/v1/media/clips/x.mp4" },
];

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:reelgraph:problem:/), title: expect.any(String), detail: expect.any(String) });
}

describe("internal routes: bearer token", () => {
  let h: InternalHarness;
  beforeAll(async () => {
    h = await startInternal({
      extra: (app) => app.get("/internal/other", (_req, res) => res.json({ mine: false })),
    });
  });
  afterAll(() => h.close());

  it.each(ROUTES)("$method $path answers 401 without a token", async ({ method, path, body }) => {
    const r = await call(h.url + path, { method, token: null, body });
    expectProblem(r, 401);
    expect(r.body.detail).toMatch(/missing bearer token/);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="reelgraph-internal"');
  });

  it.each([
    ["a wrong token of the same length", TOKEN.replace(/.$/, "X")],
    ["a shorter token", TOKEN.slice(0, 5)],
    ["a longer token", TOKEN + "extra"],
    ["the token with a prefix", "x" + TOKEN],
  ])("answers 401 for %s", async (_what, token) => {
    const r = await call(h.url + "/internal/v1/process-clips/job_x", { token });
    expectProblem(r, 401);
    expect(r.body.detail).toBe("the bearer token is not valid");
    expect(r.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("answers 401 for another scheme carrying the right token", async () => {
    const r = await call(h.url + "/internal/v1/process-clips/job_x", { token: null, headers: { authorization: `Basic ${TOKEN}` } });
    expectProblem(r, 401);
  });

  it("lets the right token through (the route itself answers)", async () => {
    const r = await call(h.url + "/internal/v1/process-clips/job_x");
    expectProblem(r, 404);
    expect(r.body.detail).toBe("no job job_x");
    const lower = await call(h.url + "/internal/v1/process-clips/job_x", { token: null, headers: { authorization: `bearer ${TOKEN}` } });
    expect(lower.status).toBe(404);
  });

  it("checks the token before it reads the body", async () => {
    const r = await call(h.url + "/internal/v1/process-clips", { token: "nope", rawBody: "{not json" });
    expectProblem(r, 401);
  });

  it("leaves other routes of the app alone", async () => {
    const r = await call(h.url + "/internal/other", { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ mine: false });
  });
});

describe("internal routes without a configured token", () => {
  let h: InternalHarness;
  beforeAll(async () => {
    h = await startInternal({ token: undefined });
  });
  afterAll(() => h.close());

  it.each(ROUTES)("$method $path answers 503 and says how to enable it", async ({ method, path, body }) => {
    for (const token of [null, TOKEN, ""]) {
      const r = await call(h.url + path, { method, token, body });
      expectProblem(r, 503);
      expect(r.body.detail).toBe("internal routes are disabled: set REELGRAPH_INTERNAL_TOKEN");
    }
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer header, any case of the scheme", () => {
    expect(bearerToken(`Bearer abc`)).toBe("abc");
    expect(bearerToken(`BEARER abc`)).toBe("abc");
    expect(bearerToken(`Bearer  abc `)).toBe("abc");
    expect(bearerToken(`Bearer`)).toBeNull();
    expect(bearerToken(`Bearer a b`)).toBeNull();
    expect(bearerToken(`Token abc`)).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
