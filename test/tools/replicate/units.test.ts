import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../../../core/backoff.js";
import { parseModelRef, pickOutputUrl, PredictionSchema } from "../../../tools/replicate/schema.js";
import { matchesCreate } from "../../../tools/replicate/recover.js";
import {
  errorFromResponse,
  ReplicateAuthError,
  ReplicateRateLimitedError,
  ReplicateRequestError,
  ReplicateServerError,
} from "../../../tools/replicate/errors.js";

describe("backoffDelay", () => {
  it("grows by the factor, stays within the jitter band and never passes the cap", () => {
    const o = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };
    expect(backoffDelay(0, { ...o, random: () => 0 })).toBe(80);
    expect(backoffDelay(0, { ...o, random: () => 0.999999 })).toBe(100);
    expect(backoffDelay(3, { ...o, random: () => 0.999999 })).toBe(800);
    expect(backoffDelay(10, { ...o, random: () => 0.999999 })).toBe(1000);
    for (let n = 0; n < 20; n++) {
      const d = backoffDelay(n, o);
      expect(d).toBeGreaterThanOrEqual(Math.min(1000, 100 * 2 ** n) * 0.8 - 1);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });
  it("reads an HTTP date, never negative", () => {
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });
  it("is null when absent or unreadable", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
  });
});

describe("schema helpers", () => {
  it("finds the video URL in the output shapes models use", () => {
    expect(pickOutputUrl("https://replicate.delivery/x.mp4")).toBe("https://replicate.delivery/x.mp4");
    expect(pickOutputUrl(["https://a/1.mp4", "https://a/2.mp4"])).toBe("https://a/1.mp4");
    expect(pickOutputUrl({ url: "https://a/o.mp4" })).toBe("https://a/o.mp4");
    expect(pickOutputUrl({ video: "https://a/v.mp4" })).toBe("https://a/v.mp4");
    // a poster or preview beside the video: the video, by its file type, wherever it sits
    expect(pickOutputUrl(["https://a/poster.png", "https://a/clip.mp4"])).toBe("https://a/clip.mp4");
    expect(pickOutputUrl({ thumbnail: "https://a/t.jpg", result: { mp4: "https://a/r.webm?sig=1" } })).toBe("https://a/r.webm?sig=1");
    expect(pickOutputUrl(["https://a/anim.gif", "https://a/frame.png"])).toBe("https://a/anim.gif");
    expect(pickOutputUrl({ output_video: "https://a/out" })).toBe("https://a/out");
    expect(pickOutputUrl(["not a url", 3, null])).toBeNull();
    expect(pickOutputUrl([])).toBeNull();
    expect(pickOutputUrl(null)).toBeNull();
    expect(pickOutputUrl("not a url")).toBeNull();
    expect(pickOutputUrl("file:///etc/passwd")).toBeNull();
  });
  it("parses model references", () => {
    expect(parseModelRef("minimax/video-01")).toEqual({ owner: "minimax", name: "video-01", version: null, slug: "minimax/video-01" });
    expect(parseModelRef("a/b:0123abcd").version).toBe("0123abcd");
    expect(() => parseModelRef("video-01")).toThrow(/owner\/name/);
    expect(() => parseModelRef("a/b/c")).toThrow();
    expect(() => parseModelRef("../x/y")).toThrow();
  });
  it("rejects a prediction without a known status", () => {
    expect(PredictionSchema.safeParse({ id: "x", status: "queued" }).success).toBe(false);
    expect(PredictionSchema.safeParse({ id: "x", status: "processing", extra: 1 }).success).toBe(true);
  });
});

describe("matchesCreate", () => {
  const since = Date.parse("2025-01-01T00:00:00Z");
  const f = { model: parseModelRef("acme/video"), input: { prompt: "p", duration: 4 }, since, skewMs: 60_000 };
  const base = { id: "x", status: "starting" as const, model: "acme/video", source: "api", created_at: "2025-01-01T00:00:05Z", input: { prompt: "p", duration: 4 } };
  it("matches the same model and input created after the first attempt", () => {
    expect(matchesCreate(base, f)).toBe(true);
    expect(matchesCreate({ ...base, input: { ...base.input, seed: 7 } }, f)).toBe(true);
    expect(matchesCreate({ ...base, created_at: "2024-12-31T23:59:30Z" }, f)).toBe(true);
  });
  it("rejects anything that differs", () => {
    expect(matchesCreate({ ...base, model: "acme/other" }, f)).toBe(false);
    expect(matchesCreate({ ...base, source: "web" }, f)).toBe(false);
    expect(matchesCreate({ ...base, input: { prompt: "p", duration: 5 } }, f)).toBe(false);
    expect(matchesCreate({ ...base, created_at: "2024-12-31T23:58:00Z" }, f)).toBe(false);
    expect(matchesCreate({ ...base, created_at: undefined }, f)).toBe(false);
  });
  it("compares the version when the model is pinned, and says 'unknown' without an input", () => {
    const pinned = { ...f, model: parseModelRef("acme/video:v1") };
    expect(matchesCreate({ ...base, version: "v1", model: "whatever" }, pinned)).toBe(true);
    expect(matchesCreate({ ...base, version: "v2" }, pinned)).toBe(false);
    expect(matchesCreate({ ...base, input: undefined }, f)).toBeNull();
  });
});

describe("errorFromResponse", () => {
  const ctx = { operation: "get" as const, model: "acme/video", predictionId: "p1", predictionStatus: null, generationId: "g", clipId: "c", sceneId: "s" };
  it("maps statuses to typed, flagged errors with Replicate's detail", () => {
    const h = new Headers();
    const e401 = errorFromResponse(401, h, '{"detail":"bad token"}', ctx, 0);
    expect(e401).toBeInstanceOf(ReplicateAuthError);
    expect(e401.retryable).toBe(false);
    expect(e401.context.providerMessage).toBe("bad token");
    expect(errorFromResponse(403, h, "", ctx, 0)).toBeInstanceOf(ReplicateAuthError);
    const e429 = errorFromResponse(429, new Headers({ "retry-after": "2" }), "", ctx, 0);
    expect(e429).toBeInstanceOf(ReplicateRateLimitedError);
    expect((e429 as ReplicateRateLimitedError).retryAfterMs).toBe(2000);
    expect(errorFromResponse(502, h, "<html>bad gateway</html>", ctx, 0)).toBeInstanceOf(ReplicateServerError);
    expect(errorFromResponse(502, h, "x", ctx, 0).retryable).toBe(true);
    expect(errorFromResponse(404, h, "", ctx, 0)).toBeInstanceOf(ReplicateRequestError);
    expect(errorFromResponse(500, h, "", ctx, 0).message).toContain("prediction p1");
  });
});
