/** Small HTTP helpers the benchmarks drive the API with (global fetch, 127.0.0.1 only). */

export class BenchHttpError extends Error {
  override readonly name = "BenchHttpError";
  constructor(message: string, readonly context: { url: string; status: number; body: string }) {
    super(message);
  }
}

export async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new BenchHttpError(`POST ${url} → ${res.status}: ${text.slice(0, 300)}`, { url, status: res.status, body: text });
  return JSON.parse(text) as T;
}

export async function getJson<T>(url: string, fetchImpl: (url: string) => Promise<Response> = fetch): Promise<T> {
  const res = await fetchImpl(url);
  const text = await res.text();
  if (!res.ok) throw new BenchHttpError(`GET ${url} → ${res.status}: ${text.slice(0, 300)}`, { url, status: res.status, body: text });
  return JSON.parse(text) as T;
}

export interface GenerationStatus {
  id: string;
  status: string;
  stage: string | null;
  error: { message: string } | null;
  progress: { percent: number; clips_done: number; clips_total: number };
}

const ENDED = new Set(["completed", "failed", "cancelled", "awaiting_confirmation"]);

/**
 * Polls each generation every `intervalMs` until all have ended or `timeoutMs` passes;
 * returns the last status of each (those still running count as hung).
 */
export async function pollUntilEnded(
  base: string,
  ids: string[],
  opts: { intervalMs: number; timeoutMs: number; fetch?: (url: string) => Promise<Response> },
): Promise<Map<string, GenerationStatus>> {
  const last = new Map<string, GenerationStatus>();
  const deadline = Date.now() + opts.timeoutMs;
  let open = [...ids];
  while (open.length && Date.now() < deadline) {
    const views = await Promise.all(open.map((id) => getJson<GenerationStatus>(`${base}/api/v1/generations/${id}`, opts.fetch)));
    for (const v of views) last.set(v.id, v);
    open = views.filter((v) => !ENDED.has(v.status)).map((v) => v.id);
    if (open.length) await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
  return last;
}

/** The ad brief every pipeline bench starts: 30 s, three brand colours, a CTA. */
export function adBrief(i = 0): Record<string, unknown> {
  return {
    pipeline: "ad",
    prompt: `30s ad for an oat-milk cold brew called Oatly Chill, playful, Gen Z (run ${i})`,
    duration_s: 30,
    aspect_ratio: "16:9",
    brand: { name: "Oatly Chill", colors: ["#1E3A8A", "#F59E0B", "#F5F5F4"], tone: "playful", cta: { text: "Shop now", duration_s: 3 } },
  };
}
