/**
 * A seeded generator of hostile HTTP requests for the API fuzz test: real and made-up
 * routes, ids that traverse or overflow, every method, headers that lie or overflow,
 * bodies of mutated JSON, binary, huge, deeply nested, multipart garbage and prototype
 * pollution. Pure apart from the random numbers it is given, so a seed replays a run.
 */

export interface FuzzIds {
  generation: string;
  composition: string;
  clip: string;
  edit: string;
  internalToken: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: Buffer;
  /** Send the body chunked instead of with Content-Length. */
  chunked: boolean;
  /** A body large enough that the server may answer and close before reading it all. */
  huge: boolean;
  /** A description for failure messages. */
  label: string;
}

type Rng = () => number;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rng, p: number) => r() < p;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "FOO", "get"];

const ROUTES = [
  "/healthz",
  "/openapi.json",
  "/docs",
  "/api/v1/generations",
  "/api/v1/generations/{gen}",
  "/api/v1/generations/{gen}/cancel",
  "/api/v1/generations/{gen}/events",
  "/api/v1/assets",
  "/api/v1/compositions/{comp}",
  "/api/v1/compositions/{comp}/edit",
  "/api/v1/compositions/{comp}/edits",
  "/api/v1/compositions/{comp}/edits/{edit}",
  "/api/v1/compositions/{comp}/edits/{edit}/confirm",
  "/api/v1/compositions/{comp}/edits/{edit}/reject",
  "/api/v1/compositions/{comp}/versions",
  "/api/v1/compositions/{comp}/revert",
  "/api/v1/compositions/{comp}/video",
  "/api/v1/clips/{clip}/video",
  "/api/v1/webhooks/replicate",
  "/internal/v1/audio-analysis",
  "/internal/v1/process-clips",
  "/internal/v1/process-clips/{job}",
  "/internal/v1/processing-complete",
  "/internal/v1/outputs/{job}.mp4",
  "/internal/v1/media/{any}",
  "/{any}",
];

const HOSTILE_SEGMENTS = [
  "..",
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f%2e%2e%2freelgraph.db",
  "..%5c..%5creelgraph.db",
  "%00",
  "gen_%00abc",
  "%",
  "%zz",
  "%E0%A4%A",
  "%C0%AE%C0%AE%2F",
  "gen_" + "a".repeat(70),
  "comp_" + "b".repeat(5000),
  "%F0%9F%92%A9",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "~root",
  "reelgraph.db",
  "checkpoints.db",
  ";ls",
  "$(id)",
  "%0d%0aSet-Cookie:%20x=1",
  "gen_x?x=1&x=2",
  "*",
];

function idFor(r: Rng, kind: keyof FuzzIds | "job" | "any", ids: FuzzIds): string {
  if (kind !== "job" && kind !== "any" && chance(r, 0.45)) return ids[kind];
  if (chance(r, 0.5)) return pick(r, HOSTILE_SEGMENTS);
  const prefix = kind === "job" || kind === "any" ? "" : `${kind === "generation" ? "gen" : kind === "composition" ? "comp" : kind}_`;
  return prefix + randomToken(r, int(r, 0, 40));
}

function bytes(r: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function randomToken(r: Rng, n: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~";
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

const QUERIES = ["", "?limit=1", "?limit=-5", "?limit=1e309", "?limit=abc", "?status=completed", "?status[]=x", "?cursor=%00%00", "?cursor=" + "A".repeat(300), "?version=0", "?version=9999999999999999999", "?version=1&version=2", "?last_event_id=-1", "?last_event_id=99999999999", "?__proto__[x]=1", "?a=" + "%".repeat(50)];

function pathFor(r: Rng, ids: FuzzIds): string {
  let p = pick(r, ROUTES)
    .replace("{gen}", () => idFor(r, "generation", ids))
    .replace("{comp}", () => idFor(r, "composition", ids))
    .replace("{edit}", () => idFor(r, "edit", ids))
    .replace("{clip}", () => idFor(r, "clip", ids))
    .replace("{job}", () => idFor(r, "job", ids))
    .replace("{any}", () => idFor(r, "any", ids));
  if (chance(r, 0.1)) p = p.replace(/\//g, () => (chance(r, 0.2) ? "//" : "/"));
  if (chance(r, 0.05)) p = p.toUpperCase();
  if (chance(r, 0.05)) p += "/";
  return p + (chance(r, 0.25) ? pick(r, QUERIES) : "");
}

const VALID_BODIES: unknown[] = [
  { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas", duration_s: 15 },
  { pipeline: "music_video", prompt: "a synthwave music video", audio: { url: "http://127.0.0.1:1/x.mp3" } },
  { instruction: "swap the first and second scenes", apply_immediately: false },
  { version: 1 },
  { reason: "no" },
  { audio_url: "http://169.254.169.254/latest/meta-data/" },
  { composition_id: "comp_x", version: 1, timeline: {}, clips: [{ clip_id: "clip_x", url: "file:///etc/passwd" }], callback_url: "http://127.0.0.1:1/" },
  { job_id: "job_x", composition_id: "comp_x", version: 1, status: "succeeded", output_url: "file:///etc/passwd", duration_s: 1, error: null },
  { id: "pred", status: "succeeded", output: "http://x" },
];

const WEIRD_VALUES: unknown[] = [null, true, false, 0, -0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, "", " ", "\u0000", "\ud800", "\u202e", "x".repeat(5000), "%{pts}", "';--", "<script>", "../../etc/passwd", [], {}, [[[]]], { __proto__x: 1 }];

function mutate(r: Rng, v: unknown, depth = 0): unknown {
  if (depth > 4 || v === null || typeof v !== "object") return chance(r, 0.3) ? pick(r, WEIRD_VALUES) : v;
  if (Array.isArray(v)) return chance(r, 0.2) ? pick(r, WEIRD_VALUES) : v.map((x) => mutate(r, x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (chance(r, 0.1)) continue;
    out[chance(r, 0.05) ? k.toUpperCase() : k] = mutate(r, x, depth + 1);
  }
  if (chance(r, 0.15)) out[randomToken(r, int(r, 1, 10))] = pick(r, WEIRD_VALUES);
  return out;
}

function deepJson(r: Rng): string {
  const depth = int(r, 2_000, 120_000);
  if (chance(r, 0.5)) return "[".repeat(depth) + "]".repeat(depth);
  return '{"a":'.repeat(Math.floor(depth / 5)) + "1" + "}".repeat(Math.floor(depth / 5));
}

function bodyFor(r: Rng): { body: Buffer; type: string | null; huge: boolean } {
  const kind = pick(r, ["none", "valid", "mutated", "mutated", "mutated", "pollution", "deep", "binary", "huge", "truncated", "text", "multipart", "numbers"] as const);
  const json = "application/json";
  switch (kind) {
    case "none":
      return { body: Buffer.alloc(0), type: chance(r, 0.5) ? json : null, huge: false };
    case "valid":
      return { body: Buffer.from(JSON.stringify(pick(r, VALID_BODIES))), type: json, huge: false };
    case "mutated":
      return { body: Buffer.from(JSON.stringify(mutate(r, pick(r, VALID_BODIES)))), type: pick(r, [json, json, "application/merge-patch+json", "text/plain", null]), huge: false };
    case "pollution": {
      const key = pick(r, ["__proto__", "constructor", "prototype", "\\u005f_proto__"]);
      const base = JSON.stringify(pick(r, VALID_BODIES));
      return { body: Buffer.from(base.replace(/^\{/, `{"${key}":{"polluted":true},`)), type: json, huge: false };
    }
    case "deep":
      return { body: Buffer.from(deepJson(r)), type: json, huge: false };
    case "binary":
      return { body: bytes(r, int(r, 1, 20_000)), type: pick(r, [json, "audio/mpeg", "application/octet-stream", "multipart/form-data", "image/png", null]), huge: false };
    case "huge":
      return { body: Buffer.alloc(int(r, 300_000, 3_000_000), chance(r, 0.5) ? 0x5b : 0x20), type: pick(r, [json, "audio/mpeg", "application/octet-stream"]), huge: true };
    case "truncated": {
      const s = JSON.stringify(pick(r, VALID_BODIES));
      return { body: Buffer.from(s.slice(0, int(r, 0, s.length - 1))), type: json, huge: false };
    }
    case "text":
      return { body: Buffer.from(pick(r, ["null", "true", "1", '"s"', "[]", "{}", "NaN", "1e309", "{'a':1}", "\ufeff{}", "{}{}", '{"a":1,}'])), type: json, huge: false };
    case "numbers":
      return { body: Buffer.from(`{"pipeline":"ad","prompt":"an ad for tea","duration_s":${pick(r, ["1e309", "-1e309", "1e-400", "15.0000000000000000001", "0x10", "Infinity", "-0", "18446744073709551616"])}}`), type: json, huge: false };
    case "multipart": {
      const boundary = chance(r, 0.8) ? randomToken(r, int(r, 1, 70)) : "";
      const part = pick(r, [
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n${randomToken(r, 100)}\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../x.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nvalue\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated`,
        `garbage without boundaries`,
      ]);
      return { body: Buffer.from(part), type: `multipart/form-data${boundary ? `; boundary=${boundary}` : ""}`, huge: false };
    }
  }
}

function headersFor(r: Rng, ids: FuzzIds, type: string | null): [string, string][] {
  const h: [string, string][] = [];
  if (type) h.push(["Content-Type", chance(r, 0.1) ? `${type}; charset=${pick(r, ["utf-8", "utf-16", "latin1", "x-unknown", ""])}` : type]);
  if (chance(r, 0.3)) h.push(["Authorization", pick(r, [`Bearer ${ids.internalToken}`, `Bearer ${ids.internalToken}`, "Bearer", "Basic YTpi", `Bearer ${"x".repeat(3000)}`, "bearer  spaced  out"])]);
  if (chance(r, 0.1)) h.push(["X-API-Key", randomToken(r, int(r, 0, 100))]);
  if (chance(r, 0.15)) h.push(["Idempotency-Key", pick(r, [randomToken(r, 10), "", " ", "ключ", "k".repeat(500), "a\tb"])]);
  if (chance(r, 0.1)) h.push(["Last-Event-ID", pick(r, ["-1", "abc", "1e9", "99999999999999999999", "0"])]);
  if (chance(r, 0.1)) h.push(["Range", pick(r, ["bytes=0-0", "bytes=-0", "bytes=999999999-", "bytes=a-b", "bytes=0-1,2-3,4-5", "items=0-1"])]);
  if (chance(r, 0.1)) h.push(["X-Request-Id", pick(r, ["x".repeat(300), "id with spaces", "ok-id"])]);
  if (chance(r, 0.08)) h.push(["Content-Encoding", pick(r, ["gzip", "deflate", "br", "identity", "x-garbage", "gzip, gzip"])]);
  if (chance(r, 0.05)) h.push(["Accept", pick(r, ["text/event-stream", "*/*", "application/xml", ""])]);
  if (chance(r, 0.05)) h.push(["webhook-id", randomToken(r, 12)], ["webhook-timestamp", String(int(r, 0, 2e9))], ["webhook-signature", `v1,${randomToken(r, 44)}`]);
  if (chance(r, 0.05)) for (let i = 0; i < int(r, 50, 150); i++) h.push([`X-Filler-${i}`, randomToken(r, 20)]);
  return h;
}

/** The next hostile request. */
export function nextRequest(r: Rng, ids: FuzzIds): FuzzRequest {
  const method = pick(r, METHODS);
  const path = pathFor(r, ids);
  const { body, type, huge } = method === "GET" || method === "HEAD" ? (chance(r, 0.1) ? bodyFor(r) : { body: Buffer.alloc(0), type: null, huge: false }) : bodyFor(r);
  const headers = headersFor(r, ids, type);
  return { method, path, headers, body, chunked: body.length > 0 && chance(r, 0.15), huge, label: `${method} ${path.slice(0, 120)} [${type ?? "no type"}; ${body.length} bytes]` };
}
