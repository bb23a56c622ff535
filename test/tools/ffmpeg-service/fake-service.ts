import { createServer, type IncomingHttpHeaders } from "node:http";
import { closeServer, listen } from "../../server/internal/helpers.js";

/** One scripted answer: a status, a JSON body (or raw bytes), headers. */
export interface FakeAnswer {
  status: number;
  /** A JSON body, or a function of the fake's own base URL that returns one. */
  body?: unknown;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export interface FakeServiceRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A scripted FFmpeg service for client tests: each route answers from its own queue (the last
 * answer repeats) and every request is recorded.
 */
export async function startFakeService(script: { submit?: FakeAnswer[]; status?: FakeAnswer[]; output?: FakeAnswer[]; analysis?: FakeAnswer[] }) {
  const requests: FakeServiceRequest[] = [];
  const take = (queue: FakeAnswer[] | undefined): FakeAnswer => (queue && queue.length > 1 ? queue.shift()! : (queue?.[0] ?? { status: 404, body: { detail: "not scripted" } }));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "").split("?")[0]!;
      requests.push({ method: req.method ?? "", path, headers: req.headers, body: text ? JSON.parse(text) : null });
      const answer =
        req.method === "POST" && path === "/internal/v1/process-clips"
          ? take(script.submit)
          : req.method === "GET" && path.startsWith("/internal/v1/process-clips/")
            ? take(script.status)
            : req.method === "GET" && path.startsWith("/internal/v1/outputs/")
              ? take(script.output)
              : req.method === "POST" && path === "/internal/v1/audio-analysis"
                ? take(script.analysis)
                : { status: 404, body: { detail: "no route" } };
      const body = typeof answer.body === "function" ? (answer.body as (base: string) => unknown)(url) : answer.body;
      const payload = answer.bytes ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
      res.writeHead(answer.status, { ...(answer.bytes ? { "content-type": "video/mp4" } : payload ? { "content-type": "application/json" } : {}), ...answer.headers });
      res.end(payload);
    });
  });
  const url = await listen(server);
  return { url, requests, close: () => closeServer(server) };
}

/** A job view as the status route returns it. */
export function view(jobId: string, status: "queued" | "running" | "succeeded" | "failed", over: Record<string, unknown> = {}) {
  return {
    job_id: jobId,
    composition_id: "comp_c",
    version: 1,
    status,
    output_url: null,
    duration_s: null,
    error: null,
    created_at: "2025-01-01T00:00:00.000Z",
    updated_at: "2025-01-01T00:00:00.000Z",
    ...over,
  };
}
