import { createHash, randomUUID } from "node:crypto";
import { relative } from "node:path";
import { Router } from "express";
import { z } from "zod";
import type { GraphDeps } from "../../graph/deps.js";
import type { RunManager } from "../../graph/runner.js";
import { HttpError } from "../errors.js";
import { parse, route } from "../http.js";
import { GenerationIdParams, GenerationRequestSchema, ListGenerationsQuery } from "../schemas.js";
import type { AudioResolver } from "../audio.js";

const IdempotencyKey = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, "use printable ASCII without spaces");

/** /api/v1/generations: start, read, list, cancel, and follow a generation. */
export function generationsRouter(deps: { graph: GraphDeps; runner: RunManager; audio: AudioResolver; clientOf: (req: import("express").Request) => string; requestSchema?: typeof GenerationRequestSchema }) {
  const { store } = deps.graph;
  const r = Router();

  r.post(
    "/api/v1/generations",
    route(async (req, res) => {
      const request = parse(deps.requestSchema ?? GenerationRequestSchema, req.body, "body");
      const keyHeader = req.get("Idempotency-Key");
      const key = keyHeader === undefined ? undefined : parse(IdempotencyKey, keyHeader, "header");
      const audio = request.pipeline === "music_video" ? await deps.audio.check(request.audio!.url) : null;
      const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
      const { view, created } = store.createGeneration({ request, idempotencyKey: key ? `${deps.clientOf(req)}:${key}` : undefined, requestHash, client: deps.clientOf(req) });
      if (created) deps.runner.start(view.id, { request, audioPath: audio?.path ?? null, audioUrl: audio?.url ?? null });
      if (!created) res.setHeader("Idempotent-Replayed", "true");
      res.status(202).location(`/api/v1/generations/${view.id}`).json({ id: view.id, status: view.status, links: links(view.id) });
    }),
  );

  r.get(
    "/api/v1/generations",
    route((req, res) => {
      const q = parse(ListGenerationsQuery, req.query, "query");
      const page = store.listGenerations(q);
      res.json({ ...page, items: page.items.map((g) => publicView(g, deps.graph.config.dataDir)) });
    }),
  );

  r.get(
    "/api/v1/generations/:id",
    route((req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      res.json(publicView(store.getGeneration(id), deps.graph.config.dataDir));
    }),
  );

  r.post(
    "/api/v1/generations/:id/cancel",
    route((req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      const g = store.getGeneration(id);
      if (g.status === "completed" || g.status === "failed") throw new HttpError(409, "Conflict", `generation ${id} already ended ${g.status}; there is nothing to cancel`);
      res.json(publicView(deps.runner.cancel(id), deps.graph.config.dataDir));
    }),
  );

  r.get(
    "/api/v1/generations/:id/events",
    route((req, res) => {
      const { id } = parse(GenerationIdParams, req.params, "params");
      store.getGeneration(id);
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
      // Subscribe first, then replay: an event written in between is sent once (by seq).
      const buffered: Parameters<typeof send>[0][] = [];
      let replaying = true;
      const off = store.subscribe(id, (e) => (replaying ? buffered.push(e) : send(e)));
      for (let batch = store.eventsAfter(id, sent); batch.length; batch = store.eventsAfter(id, sent)) batch.forEach(send);
      replaying = false;
      buffered.forEach(send);
      const beat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
      req.on("close", () => {
        clearInterval(beat);
        off();
      });
    }),
  );

  return r;
}

export function links(id: string) {
  return { self: `/api/v1/generations/${id}`, events: `/api/v1/generations/${id}/events`, cancel: `/api/v1/generations/${id}/cancel` };
}

/**
 * The generation as callers see it: paths relative to the data folder (nothing about the
 * server's own layout), and a download URL for each file.
 */
export function publicView<T extends { clips: { path: string | null; id: string }[]; composition: { video: { path: string | null } } | null }>(g: T, dataDir: string): T {
  const rel = (p: string | null) => (p ? relative(dataDir, p) : null);
  return {
    ...g,
    clips: g.clips.map((c) => ({ ...c, path: rel(c.path), url: c.path ? `/api/v1/clips/${c.id}/video` : null })),
    composition: g.composition ? { ...g.composition, video: { ...g.composition.video, path: rel(g.composition.video.path) } } : null,
  };
}
