import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runFfmpeg } from "../../tools/ffmpeg/run.js";

/**
 * A Replicate API stand-in on 127.0.0.1 speaking the endpoints the official client uses:
 * POST /v1/models/{owner}/{name}/predictions, POST /v1/predictions, GET /v1/predictions,
 * GET /v1/predictions/{id}, POST /v1/predictions/{id}/cancel, plus /files/{id}.mp4 for outputs.
 * Each prediction follows a script; faults (status codes, Retry-After, delays, dropped
 * connections) are queued per route; every request is recorded for assertions.
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
}

export class FakeReplicateServer {
  readonly requests: RecordedRequest[] = [];
  readonly predictions = new Map<string, FakePrediction>();
  private readonly queued: FakePredictionScript[] = [];
  private readonly faults: (FakeFault & { left: number })[] = [];
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    private readonly options: FakeReplicateOptions,
  ) {}

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

  private route(method: string, path: string, body: unknown): { status: number; body: unknown } {
    const input = (body as { input?: unknown } | null)?.input;
    const webhook = ((body as { webhook?: string } | null)?.webhook ?? null) as string | null;
    const byModel = /^\/v1\/models\/([^/]+)\/([^/]+)\/predictions$/.exec(path);
    if (method === "POST" && (byModel || path === "/v1/predictions")) {
      if (!input || typeof input !== "object") return { status: 422, body: { title: "Invalid input", detail: "input is required", status: 422 } };
      const version = byModel ? "hidden" : String((body as { version?: unknown }).version ?? "");
      if (!byModel && !version) return { status: 422, body: { title: "Invalid version", detail: "version is required", status: 422 } };
      const model = byModel ? `${byModel[1]}/${byModel[2]}` : (this.options.versions?.[version] ?? "unknown/model");
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
