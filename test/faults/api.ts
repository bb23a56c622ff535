import type { GraphDeps } from "../../graph/ports.js";
import { startServer, type RunningServer } from "../../server/main.js";
import { testConfig } from "../helpers/env.js";

export interface Reply {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

export interface FaultApi {
  server: RunningServer;
  url: string;
  dataDir: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Polls the generation until `pred` holds. */
  waitFor(id: string, pred: (g: any) => boolean, timeoutMs?: number, headers?: Record<string, string>): Promise<any>;
  close(): Promise<void>;
}

/** The real server on 127.0.0.1 (random port) over a fresh data folder with small renders. */
export async function startFaultApi(opts: { env?: Record<string, string>; overrides?: Partial<GraphDeps>; limits?: Parameters<typeof startServer>[0] extends infer O ? (O extends { limits?: infer L } ? L : never) : never } = {}): Promise<FaultApi> {
  const t = testConfig(opts.env);
  const server = await startServer({ config: t.config, port: 0, overrides: opts.overrides, limits: opts.limits, allowPrivateUrls: false });
  const req: FaultApi["req"] = async (method, path, body, headers = {}) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array) ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    server,
    url: server.url,
    dataDir: t.dataDir,
    req,
    async waitFor(id, pred, timeoutMs = 60_000, headers = {}) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await req("GET", `/api/v1/generations/${id}`, undefined, headers);
        if (r.status === 200 && pred(r.json)) return r.json;
        if (Date.now() > end) throw new Error(`timed out waiting on ${id}: ${r.text.slice(0, 800)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async close() {
      await server.close(0);
      t.cleanup();
    },
  };
}
