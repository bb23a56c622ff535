import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runFfmpeg } from "../../tools/ffmpeg/run.js";

/**
 * A Replicate API stand-in on 127.0.0.1 speaking the endpoints the official client uses:
 * POST /v1/models/{owner}/{name}/predictions, POST /v1/predictions, GET /v1/predictions,
 * GET /v1/predictions/{id}, POST /v1/predictions/{id}/cancel, GET /v1/models/{owner}/{name}
 * (and /versions/{id}), POST /v1/files, plus /files/{id}.mp4 for outputs.
 * Each prediction follows a script; faults (status codes, Retry-After, delays, dropped
 * connections) are queued per route; every request is recorded for assertions.
 *
 * Models are the recorded schemas in devkit/fixtures/replicate/models (the published OpenAPI
 * Input schemas): a create whose input breaks its model's schema is answered as Replicate
 * does, 422 with `detail` and `invalid_fields`, and no prediction is made. Unknown input
 * fields pass, as they do on Replicate. A model without a recorded schema is accepted
 * unchecked (and its GET answers 404).
 */

export type FakeStatus = "starting" | "processing" | "succeeded" | "failed" | "canceled";

export interface FakePredictionScript {
  /** Status returned by the 1st, 2nd… GET; the last repeats. Create always answers "starting". */
  statuses?: FakeStatus[];
  /** Error message of a failed prediction. */
  error?: string;
  /** How a succeeded prediction names its video: a URL string, [url], {url}, a URL that 404s, or null. */
  output?: "url" | "array" | "object" | "missing" | "none";
  /** Content-Type the output is served with (default video/mp4). */
  contentType?: string;
  /** Set data_removed on the prediction. */
  dataRemoved?: boolean;
}

export interface FakeFault {
  method?: string;
  /** Exact pathname, or a pattern tested against it. */
  path: string | RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Close the connection without an answer. */
  destroy?: boolean;
  /** Carry out the request (e.g. create the prediction) and then answer with the fault. */
  afterEffect?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface FakePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  script: Required<Pick<FakePredictionScript, "statuses" | "output" | "contentType">> & FakePredictionScript;
  gets: number;
  cancelled: boolean;
  createdAt: string;
  webhook: string | null;
}

export interface FakeReplicateOptions {
  /** Bytes served as every prediction's video. */
  video: Buffer;
  /** When set, /v1 requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /** Leave `input` out of GET /v1/predictions results (the provider must GET each candidate). */
  listOmitsInput?: boolean;
  /** Model names for version ids used with POST /v1/predictions. */
  versions?: Record<string, string>;
  /** Model documents (GET /v1/models/{owner}/{name} answers) beside or instead of the recorded fixtures, by owner/name. */
  models?: Record<string, ModelFixture>;
  /** Leave the recorded fixtures out (default false). */
  noFixtures?: boolean;
}

/** A recorded `GET /v1/models/{owner}/{name}` answer; `x-versions` holds older versions. */
export interface ModelFixture {
  owner: string;
  name: string;
  latest_version: FixtureVersion | null;
  "x-versions"?: FixtureVersion[];
  [key: string]: unknown;
}

export interface FixtureVersion {
  id: string;
  openapi_schema: { components: { schemas: Record<string, Schema> } } & Record<string, unknown>;
  [key: string]: unknown;
}

type Schema = Record<string, unknown> & { $ref?: string; allOf?: Schema[]; properties?: Record<string, Schema>; required?: string[]; enum?: unknown[]; type?: string; items?: Schema };

export const FIXTURE_DIR = join(import.meta.dirname, "..", "fixtures", "replicate", "models");

/** Every recorded model fixture, by owner/name. */
export function loadModelFixtures(dir = FIXTURE_DIR): Record<string, ModelFixture> {
  const out: Record<string, ModelFixture> = {};
  for (const owner of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, owner)).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(join(dir, owner, file), "utf8")) as ModelFixture;
      out[`${doc.owner}/${doc.name}`] = doc;
    }
  }
  return out;
}

export class FakeReplicateServer {
  readonly requests: RecordedRequest[] = [];
  readonly predictions = new Map<string, FakePrediction>();
  /** Uploaded files by id (POST /v1/files). */
  readonly files = new Map<string, number>();
  readonly models: Record<string, ModelFixture>;
  private readonly queued: FakePredictionScript[] = [];
  private readonly faults: (FakeFault & { left: number })[] = [];
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly options: FakeReplicateOptions,
  ) {
    this.models = { ...(options.noFixtures ? {} : loadModelFixtures()), ...options.models };
  }

  static async start(options: FakeReplicateOptions): Promise<FakeReplicateServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeReplicateServer(server, `http://127.0.0.1:${port}`, options);
    server.on("request", (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** The API base to give the client. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  /** Scripts for the next predictions created, in order (default: processing → succeeded). */
  scriptNext(...scripts: FakePredictionScript[]): void {
    this.queued.push(...scripts);
  }

  /** A prediction that already exists (created by an earlier run); returns its id. */
  addPrediction(script: FakePredictionScript = {}, model = "acme/video", input: Record<string, unknown> = {}): string {
    return this.insert(model, "fakeversion", input, script, null).id;
  }

  fail(fault: FakeFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Requests that could create a prediction. */
  creates(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "POST" && (r.path === "/v1/predictions" || /^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(r.path)));
  }

  count(method: string, path: string | RegExp): number {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private insert(model: string, version: string, input: Record<string, unknown>, script: FakePredictionScript, webhook: string | null): FakePrediction {
    const p: FakePrediction = {
      id: randomBytes(10).toString("hex"),
      model,
      version,
      input,
      script: { statuses: ["processing", "succeeded"], output: "url", contentType: "video/mp4", ...script },
      gets: 0,
      cancelled: false,
      createdAt: new Date().toISOString(),
      webhook,
    };
    this.predictions.set(p.id, p);
    return p;
  }

  private status(p: FakePrediction): FakeStatus {
    const s = p.gets === 0 ? "starting" : p.script.statuses[Math.min(p.gets, p.script.statuses.length) - 1]!;
    if (p.cancelled && s !== "succeeded" && s !== "failed") return "canceled";
    return s;
  }

  private json(p: FakePrediction, withInput = true): Record<string, unknown> {
    const status = this.status(p);
    const url = `${this.origin}/files/${p.script.output === "missing" ? `gone-${p.id}` : p.id}.mp4`;
    const output =
      status !== "succeeded" || p.script.output === "none"
        ? null
        : p.script.output === "array"
          ? [url]
          : p.script.output === "object"
            ? { url }
            : url;
    return {
      id: p.id,
      model: p.model,
      version: p.version,
      ...(withInput ? { input: p.input } : {}),
      status,
      output,
      error: status === "failed" ? (p.script.error ?? "prediction failed") : null,
      logs: "",
      source: "api",
      data_removed: p.script.dataRemoved ?? false,
      created_at: p.createdAt,
      webhook: p.webhook,
      urls: { get: `${this.baseUrl}/predictions/${p.id}`, cancel: `${this.baseUrl}/predictions/${p.id}/cancel` },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // keep the text
    }
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, at: Date.now() });

    const fault = this.faults.find((f) => f.left > 0 && (!f.method || f.method === method) && (typeof f.path === "string" ? f.path === url.pathname : f.path.test(url.pathname)));
    if (fault) fault.left--;
    if (fault?.delayMs) {
      await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed) return;
    }
    if (fault?.destroy) {
      if (fault.afterEffect) this.route(method, url.pathname, body);
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      if (fault.afterEffect) this.route(method, url.pathname, body);
      return send(res, fault.status, fault.body ?? { title: "fault", detail: `injected ${fault.status}`, status: fault.status }, fault.headers);
    }
    if (url.pathname.startsWith("/v1/") && this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return send(res, 401, { title: "Unauthenticated", detail: "You did not pass a valid authentication token", status: 401 });
    }
    if (method === "GET" && url.pathname.startsWith("/files/")) return this.serveFile(url.pathname, res);
    const answer = this.route(method, url.pathname, body);
    send(res, answer.status, answer.body);
  }

  /** The version a create runs: the model's latest, or the one named. */
  private versionFor(model: string | null, versionId: string | null): { model: string; version: FixtureVersion } | null {
    const docs = model ? [this.models[model]].filter(Boolean) : Object.values(this.models);
    for (const doc of docs as ModelFixture[]) {
      const all = [doc.latest_version, ...(doc["x-versions"] ?? [])].filter((v): v is FixtureVersion => Boolean(v));
      const v = versionId ? all.find((x) => x.id === versionId) : doc.latest_version;
      if (v) return { model: `${doc.owner}/${doc.name}`, version: v };
    }
    return null;
  }

  private route(method: string, path: string, body: unknown): { status: number; body: unknown } {
    const input = (body as { input?: unknown } | null)?.input;
    const webhook = ((body as { webhook?: string } | null)?.webhook ?? null) as string | null;
    const modelDoc = /^\/v1\/models\/([^/]+)\/([^/]+)(?:\/versions\/([^/]+))?$/.exec(path);
    if (method === "GET" && modelDoc) {
      const slug = `${modelDoc[1]}/${modelDoc[2]}`;
      const doc = this.models[slug];
      const found = doc && (modelDoc[3] ? this.versionFor(slug, modelDoc[3]) : true);
      if (!doc || !found) return { status: 404, body: { title: "Not found", detail: "The requested resource could not be found", status: 404 } };
      if (modelDoc[3]) return { status: 200, body: (found as { version: FixtureVersion }).version };
      return { status: 200, body: Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith("x-"))) };
    }
    if (method === "POST" && path === "/v1/files") {
      const id = randomBytes(8).toString("hex");
      const size = typeof body === "string" ? body.length : 0;
      this.files.set(id, size);
      return { status: 201, body: { id, name: "upload", content_type: "application/octet-stream", size, etag: id, checksums: {}, metadata: {}, created_at: new Date().toISOString(), expires_at: null, urls: { get: `${this.baseUrl}/files/${id}` } } };
    }
    const byModel = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
    if (method === "POST" && (byModel || path === "/v1/predictions")) {
      if (!input || typeof input !== "object") return { status: 422, body: { title: "Invalid input", detail: "input is required", status: 422 } };
      const version = byModel ? "hidden" : String((body as { version?: unknown }).version ?? "");
      if (!byModel && !version) return { status: 422, body: { title: "Invalid version", detail: "version is required", status: 422 } };
      const known = byModel ? this.versionFor(`${byModel[1]}/${byModel[2]}`, null) : this.versionFor(null, version);
      if (known) {
        const invalid = validateAgainst(known.version, input as Record<string, unknown>);
        if (invalid.length) {
          return { status: 422, body: { title: "Input validation failed", detail: invalid.map((f) => `- ${f.field}: ${f.description}`).join("\n"), status: 422, invalid_fields: invalid } };
        }
      }
      const model = byModel ? `${byModel[1]}/${byModel[2]}` : (this.options.versions?.[version] ?? known?.model ?? "unknown/model");
      const p = this.insert(model, version, input as Record<string, unknown>, this.queued.shift() ?? {}, webhook);
      return { status: 201, body: this.json(p) };
    }
    if (method === "GET" && path === "/v1/predictions") {
      const newest = [...this.predictions.values()].reverse();
      return { status: 200, body: { next: null, previous: null, results: newest.map((p) => this.json(p, !this.options.listOmitsInput)) } };
    }
    const one = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(path);
    const p = one ? this.predictions.get(one[1]!) : undefined;
    if (one && !p) return { status: 404, body: { title: "Not found", detail: "The requested resource could not be found", status: 404 } };
    if (p && method === "GET" && !one![2]) {
      p.gets++;
      return { status: 200, body: this.json(p) };
    }
    if (p && method === "POST" && one![2]) {
      p.cancelled = true;
      return { status: 200, body: this.json(p) };
    }
    return { status: 404, body: { title: "Not found", detail: `no route ${method} ${path}`, status: 404 } };
  }

  private serveFile(path: string, res: ServerResponse): void {
    const id = /^\/files\/([^/]+)\.mp4$/.exec(path)?.[1];
    const p = id ? this.predictions.get(id) : undefined;
    if (!p || this.status(p) !== "succeeded") return send(res, 404, { detail: "not found" });
    res.writeHead(200, { "content-type": p.script.contentType, "content-length": String(this.options.video.length) });
    res.end(this.options.video);
  }
}

/** Renders a tiny valid MP4 (testsrc2, 160×90, 1 s) for the fake to serve. */
export async function renderTinyMp4(outPath: string): Promise<void> {
  await runFfmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", outPath], { timeoutS: 60 });
}

/**
 * Replicate-style input validation (JSON Schema, as its API applies the version's Input
 * schema): required fields, types, enums and bounds; fields outside the schema pass. Written
 * apart from the product's own check (core/video-models/validate.ts) so each can catch the other.
 */
export function validateAgainst(version: FixtureVersion, input: Record<string, unknown>): { type: string; field: string; description: string }[] {
  const schemas = version.openapi_schema.components.schemas;
  const resolve = (s: Schema): Schema => {
    let out: Schema = { ...s };
    if (s.$ref) out = { ...resolve(schemas[s.$ref.split("/").pop()!]!), ...s };
    for (const part of s.allOf ?? []) out = { ...resolve(part), ...out };
    return out;
  };
  const root = schemas.Input!;
  const errors: { type: string; field: string; description: string }[] = [];
  for (const name of root.required ?? []) {
    if (input[name] === undefined) errors.push({ type: "required", field: "input", description: `${name} is required` });
  }
  const check = (field: string, value: unknown, s: Schema) => {
    const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
    if (s.type && !(s.type === kind || (s.type === "number" && kind === "integer"))) {
      errors.push({ type: "invalid_type", field, description: `Invalid type. Expected: ${s.type}, given: ${kind}` });
      return;
    }
    if (s.enum && !s.enum.includes(value)) {
      errors.push({ type: "enum", field, description: `${field.split(".").pop()} must be one of the following: ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` });
      return;
    }
    if (typeof value === "number") {
      if (typeof s.minimum === "number" && value < s.minimum) errors.push({ type: "number_gte", field, description: `Must be greater than or equal to ${s.minimum}` });
      if (typeof s.maximum === "number" && value > s.maximum) errors.push({ type: "number_lte", field, description: `Must be less than or equal to ${s.maximum}` });
    }
    if (Array.isArray(value)) {
      if (typeof s.maxItems === "number" && value.length > s.maxItems) errors.push({ type: "array_max_items", field, description: `Array must have at most ${s.maxItems} items` });
      if (s.items) value.forEach((v, i) => check(`${field}.${i}`, v, resolve(s.items!)));
    }
    if (typeof value === "string" && s.format === "uri" && !/^(https?:\/\/|data:)/.test(value)) errors.push({ type: "format", field, description: "Does not match format 'uri'" });
  };
  for (const [name, value] of Object.entries(input)) {
    const prop = root.properties?.[name];
    if (prop) check(`input.${name}`, value, resolve(prop));
  }
  return errors;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Drops the scripts queued with scriptNext that no create has used yet; returns how many. */
export function dropQueuedScripts(fake: FakeReplicateServer): number {
  const queued = (fake as unknown as { queued: FakePredictionScript[] }).queued;
  const n = queued.length;
  queued.length = 0;
  return n;
}
