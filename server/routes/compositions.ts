import { existsSync } from "node:fs";
import { Router } from "express";
import type { Reelgraph } from "../../app/reelgraph.js";
import { compositionVideoUrl, newEditId } from "../../core/ids.js";
import type { MediaStore } from "../../graph/ports.js";
import { MediaKeyError } from "../../tools/media/keys.js";
import { MediaNotFoundError } from "../../tools/media/s3.js";
import { HttpError } from "../errors.js";
import { checkWebhookUrl } from "./generations.js";
import { parse, route } from "../http.js";
import { ClipIdParams, CompositionIdParams, EditBody, EditIdParams, RejectBody, RevertBody, VideoQuery } from "../schemas.js";

/** /api/v1/compositions: edit plans (propose, confirm, reject), versions, revert, the video. */
export function compositionsRouter(deps: { app: Reelgraph }) {
  const { stores, runner } = deps.app;
  const { compositions, clips } = stores;
  const { media } = deps.app.deps;
  const r = Router();

  r.get(
    "/api/v1/compositions/:id",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = await compositions.get(id);
      res.json({ ...c.view, generation_id: c.generation_id });
    }),
  );

  r.post(
    "/api/v1/compositions/:id/edit",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const body = parse(EditBody, req.body, "body");
      if (body.webhook_url) checkWebhookUrl(deps.app, body.webhook_url, "body.webhook_url");
      const c = await compositions.get(id);
      const plan = await runner.edit(c.generation_id, { id: newEditId(), instruction: body.instruction, apply_immediately: body.apply_immediately, webhook_url: body.webhook_url ?? null });
      const status = plan.status === "rejected" ? 200 : body.apply_immediately ? 202 : 201;
      res.status(status).location(`/api/v1/compositions/${id}/edits/${plan.id}`).json(plan);
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      await compositions.get(id);
      res.json({ items: (await compositions.listEdits(id)).map((e) => e.plan) });
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits/:edit_id",
    route(async (req, res) => {
      const { id, edit_id } = parse(EditIdParams, req.params, "params");
      const e = await compositions.getEdit(edit_id);
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
        const e = await compositions.getEdit(edit_id);
        if (e.composition_id !== id) throw new HttpError(404, "Not found", `edit ${edit_id} does not belong to composition ${id}`);
        if (e.status === "superseded") throw new HttpError(409, "Conflict", `edit ${edit_id} was superseded by ${e.plan.superseded_by ?? "a newer edit"}; ${decision} that one instead`);
        if (e.status !== "proposed") throw new HttpError(409, "Conflict", `edit ${edit_id} is already ${e.status}`);
        const after = await runner.decide(e.generation_id, edit_id, decision, (body as { reason?: string }).reason);
        res.status(decision === "confirm" ? 202 : 200).json(after);
      }),
    );
  }

  r.get(
    "/api/v1/compositions/:id/versions",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = await compositions.get(id);
      res.json({
        composition_id: id,
        current_version: c.current_version,
        versions: (await compositions.listVersions(id)).map(({ video_path, ...v }) => ({ ...v, url: video_path ? compositionVideoUrl(id, v.version) : null })),
      });
    }),
  );

  r.post(
    "/api/v1/compositions/:id/revert",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const { version } = parse(RevertBody, req.body, "body");
      const c = await compositions.get(id);
      const { version: next } = await runner.revert(c.generation_id, version);
      const view = await compositions.version(id, next);
      res.status(201).json({ ...view, reverted_from: version });
    }),
  );

  r.get(
    "/api/v1/compositions/:id/video",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const q = parse(VideoQuery, req.query, "query");
      const c = await compositions.get(id);
      const v = await compositions.version(id, q.version ?? c.current_version);
      const path = v.video.path ? await localMedia(media, v.video.path) : null;
      if (!path) throw new HttpError(404, "Not found", `version ${v.version} of ${id} has no video file`);
      res.sendFile(path, { headers: { "Content-Type": "video/mp4" }, acceptRanges: true, dotfiles: "allow" });
    }),
  );

  r.get(
    "/api/v1/clips/:id/video",
    route(async (req, res) => {
      const { id } = parse(ClipIdParams, req.params, "params");
      const clip = await clips.get(id);
      const path = clip?.path ? await localMedia(media, clip.path) : null;
      if (!path) throw new HttpError(404, "Not found", `clip ${id} has no video file${clip ? ` (it is ${clip.status})` : ""}`);
      res.sendFile(path, { headers: { "Content-Type": "video/mp4" }, acceptRanges: true, dotfiles: "allow" });
    }),
  );

  return r;
}

/** A recorded media file as a local path to serve (fetched from shared storage first when missing here), or null when no process has it. */
async function localMedia(media: MediaStore, recorded: string): Promise<string | null> {
  try {
    const path = await media.ensureLocal(recorded);
    return existsSync(path) ? path : null;
  } catch (error) {
    if (error instanceof MediaNotFoundError || error instanceof MediaKeyError) return null;
    throw error;
  }
}
