import createClient, { type Client } from "openapi-fetch";
import { ReelgraphApiError, ReelgraphStreamError, ReelgraphTimeoutError, type Problem } from "./errors.js";
import type { components, paths } from "./openapi.js";
import { readSse } from "./sse.js";

export { ReelgraphApiError, ReelgraphStreamError, ReelgraphTimeoutError, type Problem } from "./errors.js";
export { readSse, type SseMessage } from "./sse.js";
export type { components, paths } from "./openapi.js";

type Schemas = components["schemas"];
/** The body of POST /api/v1/generations. */
export type GenerationRequest = Schemas["GenerationRequest"];
export type Accepted = Schemas["Accepted"];
export type Generation = Schemas["Generation"];
export type GenerationList = Schemas["GenerationList"];
export type GenerationStatus = Generation["status"];
export type EditRequest = Schemas["EditRequest"];
export type EditPlan = Schemas["EditPlan"];
export type Composition = Schemas["Composition"];
export type VersionList = Schemas["VersionList"];

/** One progress event of a generation (GET /api/v1/generations/{id}/events). */
export interface GenerationEvent {
  /** The event's sequence number; give it back as `lastEventId` to resume after it. */
  id: string;
  /** stage, clip_started, clip_done, clip_failed, composition_ready, completed, failed, cancelled… */
  type: string;
  data: Schemas["ProgressEvent"];
}

export interface ReelgraphClientOptions {
  /** Where the API is, e.g. http://127.0.0.1:8080 (no /api/v1). */
  baseUrl: string;
  /** REELGRAPH_API_KEY of the server, when it has one (sent as X-API-Key). */
  apiKey?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** A fetch to use instead of the global one. */
  fetch?: typeof globalThis.fetch;
}

export interface FollowOptions {
  /** Resume after this event (what a previous stream's last event's id was). */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Stop after the event this returns true for; default: completed, failed or cancelled. */
  until?: (event: GenerationEvent) => boolean;
  /** Attempts to reopen a dropped stream in a row before giving up (default 10). */
  maxReconnects?: number;
  /** Wait before reconnecting; default: the server's `retry:` (2000 ms from reelgraph), else 1000 ms. */
  reconnectDelayMs?: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up after this long (ReelgraphTimeoutError). */
  timeoutMs?: number;
  /** Statuses that end the wait (default: completed, failed, cancelled). */
  statuses?: GenerationStatus[];
  /** Called with each progress event while waiting. */
  onEvent?: (event: GenerationEvent) => void;
  /** As in FollowOptions. */
  maxReconnects?: number;
  reconnectDelayMs?: number;
}

/** Events after which a generation rests until someone acts: its status is worth reading then. */
const RESTING_EVENTS = new Set(["completed", "failed", "cancelled", "awaiting_confirmation", "edit_rejected"]);
const ENDED: GenerationStatus[] = ["completed", "failed", "cancelled"];

export type ReelgraphClient = ReturnType<typeof createReelgraphClient>;

/**
 * A typed client of the reelgraph API: `api` is the openapi-fetch client over the generated
 * `paths` (every route, typed), and the methods below cover the usual flow — start a
 * generation, follow its events (reconnecting with Last-Event-ID), wait for it, edit it.
 * Errors are ReelgraphApiError with the server's problem document.
 */
export function createReelgraphClient(options: ReelgraphClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { ...(options.apiKey ? { "X-API-Key": options.apiKey } : {}), ...options.headers };
  const api: Client<paths> = createClient<paths>({ baseUrl, headers, fetch: (req) => doFetch(req) });

  const fail = (method: string, path: string, response: Response, error: unknown): never => {
    const problem = error && typeof error === "object" ? (error as Problem) : null;
    const retry = Number(response.headers.get("retry-after"));
    throw new ReelgraphApiError(response.status, problem, method, path, Number.isFinite(retry) && response.headers.has("retry-after") ? retry : null);
  };
  const ok = <T>(method: string, path: string, r: { data?: T; error?: unknown; response: Response }): T => {
    if (r.error !== undefined || !r.response.ok) fail(method, path, r.response, r.error);
    return r.data as T;
  };

  const client = {
    api,

    /** POST /api/v1/generations. An idempotency key makes a retried call return the first generation. */
    async createGeneration(body: GenerationRequest, o: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<Accepted> {
      const r = await api.POST("/api/v1/generations", { body, params: { header: o.idempotencyKey ? { "Idempotency-Key": o.idempotencyKey } : {} }, signal: o.signal });
      // A dry run (options.dry_run) answers 200 with the plan and its cost instead: call client.api for it.
      return ok("POST", "/api/v1/generations", r) as Accepted;
    },

    async getGeneration(id: string, o: { signal?: AbortSignal } = {}): Promise<Generation> {
      const r = await api.GET("/api/v1/generations/{id}", { params: { path: { id } }, signal: o.signal });
      return ok("GET", `/api/v1/generations/${id}`, r);
    },

    async listGenerations(query: NonNullable<paths["/api/v1/generations"]["get"]["parameters"]["query"]> = {}): Promise<GenerationList> {
      const r = await api.GET("/api/v1/generations", { params: { query } });
      return ok("GET", "/api/v1/generations", r);
    },

    async cancelGeneration(id: string): Promise<Generation> {
      const r = await api.POST("/api/v1/generations/{id}/cancel", { params: { path: { id } } });
      return ok("POST", `/api/v1/generations/${id}/cancel`, r);
    },

    /** POST /api/v1/compositions/{id}/edit: a proposed plan (or applied at once, or rejected with a reason). */
    async editComposition(compositionId: string, body: EditRequest): Promise<EditPlan> {
      const r = await api.POST("/api/v1/compositions/{id}/edit", { params: { path: { id: compositionId } }, body });
      return ok("POST", `/api/v1/compositions/${compositionId}/edit`, r);
    },

    async confirmEdit(compositionId: string, editId: string): Promise<EditPlan> {
      const r = await api.POST("/api/v1/compositions/{id}/edits/{edit_id}/confirm", { params: { path: { id: compositionId, edit_id: editId } } });
      return ok("POST", `/api/v1/compositions/${compositionId}/edits/${editId}/confirm`, r);
    },

    async rejectEdit(compositionId: string, editId: string, reason?: string): Promise<EditPlan> {
      const r = await api.POST("/api/v1/compositions/{id}/edits/{edit_id}/reject", { params: { path: { id: compositionId, edit_id: editId } }, body: reason ? { reason } : {} });
      return ok("POST", `/api/v1/compositions/${compositionId}/edits/${editId}/reject`, r);
    },

    async versions(compositionId: string): Promise<VersionList> {
      const r = await api.GET("/api/v1/compositions/{id}/versions", { params: { path: { id: compositionId } } });
      return ok("GET", `/api/v1/compositions/${compositionId}/versions`, r);
    },

    /**
     * A generation's progress events, in order and each once. A dropped stream is reopened
     * with Last-Event-ID (after the server's `retry:` delay), so nothing is missed; a 4xx
     * answer (unknown id, wrong key) ends it with ReelgraphApiError. Ends after `until`.
     */
    async *followEvents(id: string, o: FollowOptions = {}): AsyncGenerator<GenerationEvent> {
      const until = o.until ?? ((e: GenerationEvent) => ENDED.includes(e.type as GenerationStatus));
      const maxReconnects = o.maxReconnects ?? 10;
      let delay = o.reconnectDelayMs ?? 1000;
      const fixedDelay = o.reconnectDelayMs !== undefined;
      let last: string | null = o.lastEventId ?? null;
      let failures = 0;
      const path = `/api/v1/generations/${encodeURIComponent(id)}/events`;
      const stop = new AbortController();
      const onAbort = () => stop.abort(o.signal?.reason);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        for (;;) {
          if (stop.signal.aborted) throw abortReason(o.signal);
          let cause: unknown = null;
          try {
            const res = await doFetch(baseUrl + path, { headers: { ...headers, Accept: "text/event-stream", ...(last !== null ? { "Last-Event-ID": last } : {}) }, signal: stop.signal });
            if (!res.ok) {
              const problem = await res.json().catch(() => null);
              if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) fail("GET", path, res, problem);
              cause = new ReelgraphApiError(res.status, problem as Problem | null, "GET", path);
            } else if (res.body) {
              for await (const msg of readSse(res.body)) {
                if (msg.retry !== null && !fixedDelay) delay = msg.retry;
                if (msg.id !== null) last = msg.id;
                if (!msg.data) continue;
                failures = 0;
                const event: GenerationEvent = { id: msg.id ?? last ?? "", type: msg.event, data: JSON.parse(msg.data) as GenerationEvent["data"] };
                yield event;
                if (until(event)) return;
              }
            }
          } catch (error) {
            if (error instanceof ReelgraphApiError || stop.signal.aborted) throw stop.signal.aborted ? abortReason(o.signal) : error;
            cause = error;
          }
          if (++failures > maxReconnects) throw new ReelgraphStreamError(id, failures, last, { cause });
          await sleep(delay, stop.signal);
        }
      } finally {
        o.signal?.removeEventListener("abort", onAbort);
        stop.abort();
      }
    },

    /**
     * Resolves with the generation once its status is one of `statuses` (default: completed,
     * failed or cancelled), following its events in between (no polling loop); a status the
     * events point to is read back from GET /api/v1/generations/{id}.
     */
    async waitForGeneration(id: string, o: WaitOptions = {}): Promise<Generation> {
      const statuses = o.statuses ?? ENDED;
      const timeout = o.timeoutMs !== undefined ? AbortSignal.timeout(o.timeoutMs) : null;
      const signal = timeout && o.signal ? AbortSignal.any([o.signal, timeout]) : (timeout ?? o.signal);
      let status: string | null = null;
      let last: string | undefined;
      try {
        for (;;) {
          const g = await client.getGeneration(id, { signal });
          status = g.status;
          if (statuses.includes(g.status)) return g;
          for await (const e of client.followEvents(id, { signal, lastEventId: last, until: (ev) => RESTING_EVENTS.has(ev.type), maxReconnects: o.maxReconnects, reconnectDelayMs: o.reconnectDelayMs })) {
            last = e.id;
            o.onEvent?.(e);
          }
        }
      } catch (error) {
        if (timeout?.aborted && !o.signal?.aborted) throw new ReelgraphTimeoutError(id, o.timeoutMs!, status);
        throw error;
      }
    },
  };
  return client;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("aborted", "AbortError");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
