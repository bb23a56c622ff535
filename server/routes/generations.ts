import { createHash } from "node:crypto";
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import type { Reelgraph } from "../../app/reelgraph.js";
import { ConflictError, NotFoundError } from "../../core/stores.js";
import { clipVideoUrl, newGenerationId } from "../../core/ids.js";
import type { GenerationView } from "../../core/domain.js";
import { checkUrlShape } from "../../tools/net/policy.js";
import { HttpError } from "../errors.js";
import type { ProjectedCost } from "../../app/projector.js";
import { planRun, PlanFailedError } from "../../app/plan-run.js";
import type { RunOptions } from "../../core/schemas/request.js";
import { clipThumbnailUrl, compositionPosterUrl } from "./compositions.js";
import { parse, route } from "../http.js";
import type { SyncLimiter } from "../rate-limit.js";
import { GenerationIdParams, GenerationRequestSchema, ListGenerationsQuery } from "../schemas.js";

const IdempotencyKey = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, "use printable ASCII without spaces");

/** /api/v1/generations: start, read, list, cancel, and follow a generation. */
export function generationsRouter(deps: { app: Reelgraph; clientOf: (req: import("express").Request) => string; requestSchema?: typeof GenerationRequestSchema }) {
  const { stores, runner, songs } = deps.app;
  const { generations, events, idempotency } = stores;
  const prepared = preparedViews(deps.app.config.server.publicUrl);
  const r = Router();

  r.post(
    "/api/v1/generations",
    route(async (req, res) => {
      const request = parse(deps.requestSchema ?? GenerationRequestSchema, req.body, "body");
      const keyHeader = req.get("Idempotency-Key");
      const key = keyHeader === undefined ? undefined : parse(IdempotencyKey, keyHeader, "header");
      const audio = request.pipeline === "music_video" ? await songs.check(request.audio!.url) : null;
      if (request.webhook_url) checkWebhookUrl(deps.app, request.webhook_url, "body.webhook_url");
      if (request.options?.dry_run) {
        // Plan and price only: no generation is created, nothing is generated or paid.
        const planned = await planRun(deps.app, request, audio?.path ?? null).catch((err) => {
          if (err instanceof PlanFailedError) throw new HttpError(422, "Unprocessable request", `the plan could not be made (${err.stage ?? "?"}): ${err.message}`);
          throw err;
        });
        return void res.status(200).json({ dry_run: true, ...planned });
      }
      const client = deps.clientOf(req);
      let id = newGenerationId();
      if (key) {
        const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
        const claim = await idempotency.claim(`generation:${client}:${key}`, id, requestHash);
        if (!claim.claimed) {
          if (claim.fingerprint && claim.fingerprint !== requestHash) throw new ConflictError("this Idempotency-Key was already used with a different request body", { idempotency_key: key });
          id = claim.value;
          // The first request may still be creating it: then it is queued.
          const status = (await generations.has(id)) ? (await generations.get(id)).status : "queued";
          res.setHeader("Idempotent-Replayed", "true");
          return void res.status(202).location(`/api/v1/generations/${id}`).json({ id, status, links: links(id) });
        }
      }
      const view = await generations.create({ id, request, client });
      await events.append(id, "queued", { status: "queued" });
      await runner.start(id, { request, audioPath: audio?.path ?? null });
      res.status(202).location(`/api/v1/generations/${id}`).json({ id, status: view.status, links: links(id) });
    }),
  );

  r.get(
    "/api/v1/generations",
    route(async (req, res) => {
      const q = parse(ListGenerationsQuery, req.query, "query");
      const page = await generations.list(q);
      res.json({ ...page, items: page.items.map((g) => publicView(g, deps.app.config.server.publicUrl)) });
    }),
  );

  r.get(
    "/api/v1/generations/:id",
    route(async (req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      const { body, etag } = prepared(await generations.get(id));
      res.set({ "Content-Type": JSON_TYPE, ETag: etag }).send(body);
    }),
  );

  r.post(
    "/api/v1/generations/:id/cancel",
    route(async (req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      const g = await generations.get(id);
      if (g.status === "completed" || g.status === "failed") throw new HttpError(409, "Conflict", `generation ${id} already ended ${g.status}; there is nothing to cancel`);
      res.json(publicView(await runner.cancel(id), deps.app.config.server.publicUrl));
    }),
  );

  r.get(
    "/api/v1/generations/:id/events",
    route(async (req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      await generations.get(id);
      const lastRaw = req.get("Last-Event-ID") ?? (typeof req.query.last_event_id === "string" ? req.query.last_event_id : "0");
      const last = Number.parseInt(lastRaw, 10);
      if (!Number.isFinite(last) || last < 0) throw new HttpError(400, "Invalid request", "header.Last-Event-ID: must be the id of an event this stream sent");
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" });
      res.flushHeaders();
      res.write("retry: 2000\n\n");
      let sent = last;
      const send = (e: { seq: number; type: string; data: Record<string, unknown>; created_at: string }) => {
        if (e.seq <= sent) return;
        sent = e.seq;
        res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...e.data, type: e.type, at: e.created_at })}\n\n`);
      };
      // A notification only says that something was written: the stream reads what follows its
      // last event from the log, so events arrive in log order even when they are heard out of
      // order (the run thread's events reach this thread a moment after they are written, and
      // one written here in that moment is heard first; other processes' events likewise).
      let closed = false;
      let reading: Promise<void> | null = null;
      let again = false;
      const catchUp = (): Promise<void> =>
        (reading ??= (async () => {
          try {
            do {
              again = false;
              for (let batch = await events.after(id, sent); batch.length && !closed; batch = await events.after(id, sent)) batch.forEach(send);
            } while (again && !closed);
          } finally {
            reading = null;
          }
        })());
      // Subscribe first, then replay: an event written in between is read by the replay or the next catch-up.
      const off = events.subscribe(id, () => {
        again = true;
        void catchUp().catch(() => undefined);
      });
      const beat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
      req.on("close", () => {
        closed = true;
        clearInterval(beat);
        off();
      });
      await catchUp();
    }),
  );

  return r;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** A generation's status document, serialised once: its bytes and their (weak) ETag. */
interface PreparedView {
  body: Buffer;
  etag: string;
  /** The body's length, as the Content-Length header says it. */
  length: string;
}

/**
 * Serialises each view once. A read model hands back the same view object until that
 * generation changes (views are read-only to callers), so the bytes and the ETag are kept
 * beside the object and a poll of an unchanged generation costs no JSON at all. The ETag is
 * the one Express computes for the same bytes (its default weak ETag).
 */
export function preparedViews(publicUrl?: string, etagOf: (body: Buffer) => string = weakEtag): (view: GenerationView) => PreparedView {
  const cache = new WeakMap<GenerationView, PreparedView>();
  return (view) => {
    let p = cache.get(view);
    if (!p) {
      const body = Buffer.from(JSON.stringify(publicView(view, publicUrl)), "utf8");
      cache.set(view, (p = { body, etag: etagOf(body), length: String(body.length) }));
    }
    return p;
  };
}

/** Express's default ETag (the `etag` package, weak): W/"<length in hex>-<sha1, base64, 27 chars>". */
function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash("sha1").update(body).digest("base64").slice(0, 27)}"`;
}

/** Whether a conditional GET may be answered 304, as Express's `req.fresh` decides it for an ETag. */
function notModified(req: Request, etag: string): boolean {
  const match = req.headers["if-none-match"];
  if (!match) return false;
  const cc = req.headers["cache-control"];
  if (cc && /(?:^|,)\s*?no-cache\s*?(?:,|$)/.test(cc)) return false;
  if (match.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return match.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}

/** GET /api/v1/generations/{id} exactly, with a well-formed id (a query string is ignored, as the router ignores it). */
const STATUS_PATH = /^\/api\/v1\/generations\/(gen_[A-Za-z0-9_]{1,64})\/?(?:\?.*)?$/;

/**
 * The status poll, ahead of the middleware chain. Browser tabs and scripts poll this route
 * all the time, so it answers here when that changes nothing a caller can see: the request id
 * (assigned and echoed as `requestId` does), the API key (checked the same way), the read rate
 * limit (the same limiter instances, so the allowance is shared), the bytes and ETag (the same
 * as the route's, 304 when the caller has them). It steps aside — to the full chain, which
 * answers it the same way — whenever anything else applies: polls are logged (debug), the key
 * is missing or wrong, the generation is unknown, another method or path. A refused request
 * (429) or a failed read goes through the request logger to the error handler, as it would on
 * the full chain.
 */
export function statusFastPath(deps: {
  app: Reelgraph;
  /** Whether the request logger would write a line for a poll (then the full chain answers it). */
  logsPolls: () => boolean;
  /** Checks the API key as apiKeyAuth does; true when none is configured. */
  authorized: (req: Request) => boolean;
  assignRequestId: (req: Request, res: Response) => void;
  /** Sets `req.id` as assignRequestId does and returns it, without setting the header. */
  takeRequestId?: (req: Request) => string;
  limiters: RequestHandler[];
  /** The limiters counted at once (same stores, same headers), when every store answers synchronously. */
  syncLimiters?: SyncLimiter[] | null;
  /** The request logger middleware, run only for a refused request. */
  requestLogger: RequestHandler;
  /** Whether the key check and the limiters' keys need nothing Express adds to a request (then `answer` is offered). */
  bare?: boolean;
}): RequestHandler & { answer?: (req: Request, res: Response) => boolean } {
  const { generations } = deps.app.stores;
  const prepared = preparedViews(deps.app.config.server.publicUrl);
  const passes = (limiter: RequestHandler, req: Request, res: Response) =>
    new Promise<unknown>((resolve) => {
      void limiter(req, res, (err?: unknown) => resolve(err ?? null));
    });
  /** The limiters through their middleware, then the answer (with headers set one by one). */
  const limitThenAnswer = async (req: Request, res: Response, next: NextFunction, view: GenerationView) => {
    for (const limiter of deps.limiters) {
      const refused = await passes(limiter, req, res);
      if (refused) return deps.requestLogger(req, res, () => next(refused));
    }
    const { body, etag, length } = prepared(view);
    if (notModified(req, etag)) {
      res.writeHead(304, { ETag: etag });
      return void res.end();
    }
    res.writeHead(200, { "Content-Type": JSON_TYPE, "Content-Length": length, ETag: etag });
    res.end(body);
  };
  const slow = async (req: Request, res: Response, next: NextFunction, id: string) => {
    let view: GenerationView;
    try {
      view = await generations.get(id);
    } catch (error) {
      if (error instanceof NotFoundError) return next();
      deps.assignRequestId(req, res);
      return deps.requestLogger(req, res, () => next(error));
    }
    deps.assignRequestId(req, res);
    return limitThenAnswer(req, res, next, view);
  };
  // The read model of SQLite answers at once (SqliteReadModel.read): then, with limiters whose
  // stores answer at once too, a poll is answered in one go — no promise, no header map: the
  // response headers are one flat list handed to writeHead.
  const readNow = typeof (generations as { read?: unknown }).read === "function" ? (generations as unknown as { read(id: string): GenerationView }) : null;
  const sync = deps.syncLimiters ?? null;
  const takeId = deps.takeRequestId;
  /**
   * The poll answered at once, or false — having changed nothing — when anything else applies
   * (then the chain, this path's middleware first, takes it). Needs only what node:http gives
   * (method, url, headers, socket), so the server's request listener calls it ahead of Express.
   */
  const answer = (req: Request, res: Response): boolean => {
    if (!readNow || !sync || !takeId || req.method !== "GET") return false;
    const m = STATUS_PATH.exec(req.url);
    if (!m || deps.logsPolls() || !deps.authorized(req)) return false;
    let view: GenerationView;
    try {
      view = readNow.read(m[1]!);
    } catch {
      return false;
    }
    const headers = ["X-Request-Id", ""];
    for (let i = 0; i < sync.length; i++) if (!sync[i]!.take(req, headers)) return false;
    headers[1] = takeId(req);
    const p = prepared(view);
    if (notModified(req, p.etag)) {
      headers.push("ETag", p.etag);
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    headers.push("Content-Type", JSON_TYPE, "Content-Length", p.length, "ETag", p.etag);
    res.writeHead(200, headers);
    res.end(p.body);
    return true;
  };
  const handler: RequestHandler & { answer?: typeof answer } = (req, res, next) => {
    if (answer(req, res)) return;
    if (req.method !== "GET") return next();
    const m = STATUS_PATH.exec(req.url);
    if (!m || deps.logsPolls() || !deps.authorized(req)) return next();
    void slow(req, res, next, m[1]!);
  };
  if (readNow && sync && takeId && deps.bare) handler.answer = answer;
  return handler;
}

/** A webhook URL must be one the server may call (public http(s)) and the server must be able to sign. */
export function checkWebhookUrl(app: Reelgraph, url: string, path: string): void {
  const fail = (message: string) => {
    throw new HttpError(400, "Invalid request", `${path}: ${message}`, { errors: [{ path, message }] });
  };
  if (!app.config.server.webhookSecret) fail("this server sends no webhooks: set REELGRAPH_WEBHOOK_SECRET to sign them");
  try {
    checkUrlShape(url, app.allowPrivateUrls);
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)} (give a public http(s) URL)`);
  }
}

export function links(id: string) {
  return { self: `/api/v1/generations/${id}`, events: `/api/v1/generations/${id}/events`, cancel: `/api/v1/generations/${id}/cancel` };
}

/**
 * The generation as callers see it: every file with the address the API serves it at —
 * absolute when REELGRAPH_PUBLIC_URL is set — beside its path on the server, a thumbnail per
 * finished clip, the composition's poster, the ETA and the cost (estimate and spend).
 * Bookkeeping the projections keep (`extra`) stays inside.
 */
export function publicView(g: GenerationView, publicUrl?: string): PublicGeneration {
  const { extra, ...rest } = g;
  const abs = (url: string | null) => (url && publicUrl ? new URL(url.replace(/^\//, ""), publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`).toString() : url);
  const eta = extra?.eta_s;
  const composition = g.composition as (GenerationView["composition"] & { poster_path?: string | null }) | null;
  return {
    ...rest,
    progress: { ...g.progress, eta_s: g.status === "completed" ? 0 : typeof eta === "number" ? eta : null },
    clips: g.clips.map((c) => ({ ...c, url: abs(c.path ? clipVideoUrl(c.id) : null), thumbnail_url: abs(c.path ? clipThumbnailUrl(c.id) : null) })),
    composition: composition
      ? { ...composition, video: { ...composition.video, url: abs(composition.video.url) }, poster_url: abs(composition.poster_path ? compositionPosterUrl(composition.id, composition.version) : null) }
      : null,
    cost: costView((extra as { cost?: ProjectedCost } | undefined)?.cost, (g.request as { options?: RunOptions } | undefined)?.options),
  };
}

/** The generation's `cost`: the estimate (per clip and in total), what was paid, and the basis of the prices. */
export interface CostView {
  currency: "USD";
  model: string | null;
  /** per_second | per_clip | unknown | free (rendered locally). */
  basis: string | null;
  /** Where the price was read and when; null when unknown. */
  price_source: { url: string; read_at: string; note?: string } | null;
  /** The plan's estimate; "unknown" when any clip's price is. */
  estimate_usd: number | "unknown" | null;
  /** The estimate's known part. */
  estimate_known_usd: number | null;
  unknown_clips: number;
  /** Paid so far (known prices). */
  spent_usd: number;
  /** Clips paid at a price that is not known. */
  spent_unknown_clips: number;
  max_cost_usd: number | null;
  per_clip: { clip_id: string | null; scene_id: string | null; shot_index: number | null; request_s: number | null; estimate_usd: number | "unknown" | null; spent_usd: number | "unknown" | null }[];
  note: string | null;
}

export function costView(cost: ProjectedCost | undefined, options: RunOptions | undefined): CostView | null {
  if (!cost || (!cost.estimate && !cost.spent && !cost.to_make)) return null;
  const estimate = cost.estimate ?? cost.to_make ?? null;
  const spent = cost.spent ?? {};
  const per = new Map<string, CostView["per_clip"][number]>();
  for (const c of estimate?.per_clip ?? []) {
    const key = c.clip_id ?? `${c.scene_id}#${c.shot_index}`;
    per.set(key, { clip_id: c.clip_id, scene_id: c.scene_id, shot_index: c.shot_index, request_s: c.request_s, estimate_usd: c.usd, spent_usd: spent[key] ?? null });
  }
  for (const [clipId, usd] of Object.entries(spent)) if (!per.has(clipId)) per.set(clipId, { clip_id: clipId, scene_id: null, shot_index: null, request_s: null, estimate_usd: null, spent_usd: usd });
  const paid = Object.values(spent);
  return {
    currency: "USD",
    model: estimate?.model ?? cost.video_model?.provider ?? null,
    basis: estimate?.basis ?? null,
    price_source: estimate?.price_source ?? null,
    estimate_usd: estimate?.estimate_usd ?? null,
    estimate_known_usd: estimate?.known_usd ?? null,
    unknown_clips: estimate?.unknown_clips ?? 0,
    spent_usd: Math.round(paid.reduce<number>((a, v) => a + (v === "unknown" ? 0 : v), 0) * 10000) / 10000,
    spent_unknown_clips: paid.filter((v) => v === "unknown").length,
    max_cost_usd: options?.max_cost_usd ?? null,
    per_clip: [...per.values()],
    note: estimate?.note ?? null,
  };
}

export type PublicGeneration = Omit<GenerationView, "extra" | "progress" | "clips" | "composition"> & {
  progress: GenerationView["progress"] & { eta_s: number | null };
  clips: (GenerationView["clips"][number] & { url: string | null; thumbnail_url: string | null })[];
  composition: (NonNullable<GenerationView["composition"]> & { poster_url: string | null }) | null;
  cost: CostView | null;
};
