import type { GraphDeps } from "../../graph/ports.js";
import { startServer, type RunningServer } from "../../server/main.js";
import { testConfig } from "../helpers/env.js";

export interface ApiHarness {
  server: RunningServer;
  url: string;
  dataDir: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; json: any; text: string }>;
  waitFor(id: string, pred: (g: any) => boolean, timeoutMs?: number): Promise<any>;
  close(graceMs?: number): Promise<void>;
}

/** A real server on 127.0.0.1 (random port) over a fresh data folder, small renders. */
export async function startApi(opts: { allowPrivateUrls?: boolean; env?: Record<string, string>; overrides?: Partial<GraphDeps>; dataDir?: string; limits?: Parameters<typeof startServer>[0] extends infer O ? O extends { limits?: infer L } ? L : never : never } = {}): Promise<ApiHarness> {
  const t = testConfig({ ...(opts.dataDir ? { REELGRAPH_DATA_DIR: opts.dataDir } : {}), ...opts.env });
  const server = await startServer({ config: t.config, port: opts.env?.PORT ? Number(opts.env.PORT) : 0, overrides: opts.overrides, limits: opts.limits, allowPrivateUrls: opts.allowPrivateUrls ?? false });
  const url = server.url;
  const req: ApiHarness["req"] = async (method, path, body, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { ...(body !== undefined && typeof body !== "string" ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    server,
    url,
    dataDir: t.dataDir,
    req,
    async waitFor(id, pred, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await req("GET", `/api/v1/generations/${id}`);
        if (pred(r.json)) return r.json;
        if (Date.now() > end) throw new Error(`timed out waiting on ${id}: ${JSON.stringify(r.json).slice(0, 500)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async close(graceMs?: number) {
      await server.close(graceMs);
      if (!opts.dataDir) t.cleanup();
    },
  };
}

export interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** Reads server-sent events until `until` says stop (or the timeout). */
export async function readSse(url: string, opts: { lastEventId?: string; until: (e: SseEvent, all: SseEvent[]) => boolean; timeoutMs?: number }): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? 30_000);
  const res = await fetch(url, { headers: opts.lastEventId ? { "Last-Event-ID": opts.lastEventId } : {}, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: Partial<SseEvent> = {};
        for (const line of block.split("\n")) {
          const [k, ...rest] = line.split(": ");
          const v = rest.join(": ");
          if (k === "id") e.id = v;
          else if (k === "event") e.event = v;
          else if (k === "data") e.data = JSON.parse(v);
        }
        if (e.id && e.event) {
          events.push(e as SseEvent);
          if (opts.until(e as SseEvent, events)) return events;
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
