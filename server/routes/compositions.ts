import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { Router } from "express";
import type { GraphDeps } from "../../graph/deps.js";
import type { CompiledReelgraph } from "../../graph/index.js";
import type { RunManager } from "../../graph/runner.js";
import { HttpError } from "../errors.js";
import { parse, route } from "../http.js";
import { ClipIdParams, CompositionIdParams, EditBody, EditIdParams, RejectBody, RevertBody, VideoQuery } from "../schemas.js";

/** /api/v1/compositions: edit plans (propose, confirm, reject), versions, revert, the video. */
export function compositionsRouter(deps: { graph: GraphDeps; runner: RunManager; compiled: CompiledReelgraph }) {
  const { store } = deps.graph;
  const r = Router();

  const busy = (generationId: string) => {
    const g = store.getGeneration(generationId);
    if (g.status === "running" || g.status === "queued") throw new HttpError(409, "Conflict", "the composition is still rendering; try again when it is ready", { headers: { "Retry-After": "5" } });
    if (g.status === "awaiting_confirmation") throw new HttpError(409, "Conflict", "an edit is waiting for confirmation: confirm or reject it first");
    return g;
  };

  r.get(
    "/api/v1/compositions/:id",
    route((req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = store.getComposition(id);
      res.json({ ...c.view, generation_id: c.generation_id, video: { ...c.view.video, path: null } });
    }),
  );

  r.post(
    "/api/v1/compositions/:id/edit",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const body = parse(EditBody, req.body, "body");
      const c = store.getComposition(id);
      busy(c.generation_id);
      const editId = `edit_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const plan = await deps.runner.edit(c.generation_id, { id: editId, instruction: body.instruction, apply_immediately: body.apply_immediately });
      const status = plan.status === "rejected" ? 200 : body.apply_immediately ? 202 : 201;
      res.status(status).location(`/api/v1/compositions/${id}/edits/${plan.id}`).json(plan);
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits",
    route((req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      store.getComposition(id);
      res.json({ items: store.listEdits(id).map((e) => e.plan) });
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits/:edit_id",
    route((req, res) => {
      const { id, edit_id } = parse(EditIdParams, req.params, "params");
      const e = store.getEdit(edit_id);
      if (e.composition_id !== id) throw new HttpError(404, "Not found", `edit ${edit_id} does not belong to composition ${id}`);
      res.json(e.plan);
    }),
  );

  for (const decision of ["confirm", "reject"] as const) {
    r.post(
      `/api/v1/compositions/:id/edits/:edit_id/${decision}`,
      route(async (req, res) => {
        const { id, edit_id } = parse(EditIdParams, req.params, "params");
        const body = decision === "reject" ? parse(RejectBody, req.body ?? {}, "body") : {};
        const e = store.getEdit(edit_id);
        if (e.composition_id !== id) throw new HttpError(404, "Not found", `edit ${edit_id} does not belong to composition ${id}`);
        if (e.status !== "proposed") throw new HttpError(409, "Conflict", `edit ${edit_id} is already ${e.status}`);
        const after = await deps.runner.decide(e.generation_id, edit_id, decision, (body as { reason?: string }).reason);
        res.status(decision === "confirm" ? 202 : 200).json(after);
      }),
    );
  }

  r.get(
    "/api/v1/compositions/:id/versions",
    route((req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = store.getComposition(id);
      res.json({
        composition_id: id,
        current_version: c.current_version,
        versions: store.listVersions(id).map(({ video_path, ...v }) => ({ ...v, url: video_path ? `/api/v1/compositions/${id}/video?version=${v.version}` : null })),
      });
    }),
  );

  r.post(
    "/api/v1/compositions/:id/revert",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const { version } = parse(RevertBody, req.body, "body");
      const c = store.getComposition(id);
      busy(c.generation_id);
      const old = store.compositionView(id, version);
      const next = store.latestVersionNumber(id) + 1;
      const timeline = { ...old.timeline, version: next };
      // The old render is the new version's render: nothing is composed again.
      const view = store.saveVersion({ generationId: c.generation_id, timeline, videoPath: old.video.path, duration_s: old.video.duration_s, revertedFrom: version });
      await deps.compiled.updateState(
        { configurable: { thread_id: c.generation_id } },
        { timeline, composition: { id, version: next, video: { path: old.video.path ?? "", duration_s: old.video.duration_s ?? timeline.duration_s } }, editRequest: null },
        "compose",
      );
      store.appendEvent(c.generation_id, "reverted", { composition_id: id, version: next, reverted_from: version });
      res.status(201).json({ ...view, video: { ...view.video, path: null }, reverted_from: version });
    }),
  );

  r.get(
    "/api/v1/compositions/:id/video",
    route((req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const q = parse(VideoQuery, req.query, "query");
      const c = store.getComposition(id);
      const v = store.compositionView(id, q.version ?? c.current_version);
      if (!v.video.path || !existsSync(v.video.path)) throw new HttpError(404, "Not found", `version ${v.version} of ${id} has no video file`);
      res.sendFile(v.video.path, { headers: { "Content-Type": "video/mp4" }, acceptRanges: true, dotfiles: "allow" });
    }),
  );

  r.get(
    "/api/v1/clips/:id/video",
    route((req, res) => {
      const { id } = parse(ClipIdParams, req.params, "params");
      const clip = store.getClip(id);
      if (!clip?.path || !existsSync(clip.path)) throw new HttpError(404, "Not found", `clip ${id} has no video file${clip ? ` (it is ${clip.status})` : ""}`);
      res.sendFile(clip.path, { headers: { "Content-Type": "video/mp4" }, acceptRanges: true, dotfiles: "allow" });
    }),
  );

  return r;
}
