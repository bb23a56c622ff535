import { existsSync } from "node:fs";
import { Router } from "express";
import type { Reelgraph } from "../../app/reelgraph.js";
import { compositionVideoUrl, newEditId } from "../../core/ids.js";
import type { MediaStore } from "../../graph/ports.js";
import { MediaKeyError } from "../../tools/media/keys.js";
import { MediaNotFoundError } from "../../tools/media/s3.js";
import { HttpError } from "../errors.js";
import { checkWebhookUrl } from "./generations.js";
import type { ProjectedCost } from "../../app/projector.js";
import { stillPathOf } from "../../core/schemas/clip.js";
import type { EditPlan } from "../../core/schemas/edit.js";
import { parse, route } from "../http.js";
import { ClipIdParams, CompositionIdParams, EditBody, EditIdParams, RejectBody, RevertBody, VideoQuery } from "../schemas.js";

/** Where the API serves a clip's thumbnail (relative to the API's base). */
export const clipThumbnailUrl = (clipId: string): string => `/api/v1/clips/${clipId}/thumbnail`;

/** Where the API serves the poster of one version of a composition (relative to the API's base). */
export const compositionPosterUrl = (compositionId: string, version: number): string => `/api/v1/compositions/${compositionId}/poster?version=${version}`;

/** /api/v1/compositions: edit plans (propose, confirm, reject), versions, revert, the video, the pictures. */
export function compositionsRouter(deps: { app: Reelgraph }) {
  const { stores, runner } = deps.app;
  const { compositions, clips, generations } = stores;
  const { media } = deps.app.deps;
  const r = Router();

  /** An edit plan with what its regenerated clips would cost (projected when it was planned). */
  const withCost = async (plan: EditPlan, generationId: string) => {
    const edits = ((await generations.get(generationId)).extra?.cost as ProjectedCost | undefined)?.edits;
    const estimate = edits?.[plan.id];
    return estimate ? { ...plan, cost: { estimate_usd: estimate.estimate_usd, known_usd: estimate.known_usd, unknown_clips: estimate.unknown_clips, basis: estimate.basis, price_source: estimate.price_source, model: estimate.model, per_clip: estimate.per_clip, note: estimate.note } } : plan;
  };

  /**
   * A still of a video, made with FFmpeg the first time it is asked for when the run did not
   * make one (a version rendered before pictures existed, a remote composer).
   */
  const stillFor = async (videoPath: string | null, stored: string | null | undefined, atS: (duration: number) => number): Promise<string | null> => {
    if (stored && existsSync(stored)) return stored;
    if (!videoPath || !existsSync(videoPath)) return null;
    const out = stillPathOf(videoPath);
    if (existsSync(out)) return out;
    const { still, duration } = deps.app.deps.files;
    if (!still) return null;
    return still(videoPath, out, atS((await duration(videoPath)) ?? 0)).catch(() => null);
  };

  r.get(
    "/api/v1/compositions/:id",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = await compositions.get(id);
      res.json({ ...c.view, poster_url: c.view.poster_path || c.view.video.path ? compositionPosterUrl(id, c.view.version) : null, generation_id: c.generation_id });
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
      res.status(status).location(`/api/v1/compositions/${id}/edits/${plan.id}`).json(await withCost(plan, c.generation_id));
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const c = await compositions.get(id);
      res.json({ items: await Promise.all((await compositions.listEdits(id)).map((e) => withCost(e.plan, c.generation_id))) });
    }),
  );

  r.get(
    "/api/v1/compositions/:id/edits/:edit_id",
    route(async (req, res) => {
      const { id, edit_id } = parse(EditIdParams, req.params, "params");
      const e = await compositions.getEdit(edit_id);
      if (e.composition_id !== id) throw new HttpError(404, "Not found", `edit ${edit_id} does not belong to composition ${id}`);
      res.json(await withCost(e.plan, e.generation_id));
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
        res.status(decision === "confirm" ? 202 : 200).json(await withCost(after, e.generation_id));
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
        versions: (await compositions.listVersions(id)).map(({ video_path, ...v }) => ({ ...v, url: video_path ? compositionVideoUrl(id, v.version) : null, poster_url: video_path ? compositionPosterUrl(id, v.version) : null })),
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
    "/api/v1/compositions/:id/poster",
    route(async (req, res) => {
      const { id } = parse(CompositionIdParams, req.params, "params");
      const q = parse(VideoQuery, req.query, "query");
      const c = await compositions.get(id);
      const v = await compositions.version(id, q.version ?? c.current_version);
      const poster = await stillFor(v.video.path, v.poster_path, (d) => Math.min(d / 3, 3));
      if (!poster) throw new HttpError(404, "Not found", `version ${v.version} of ${id} has no poster (no video to take it from)`);
      res.sendFile(poster, { headers: { "Content-Type": "image/jpeg", "Cache-Control": "private, max-age=3600" }, dotfiles: "allow" });
    }),
  );

  r.get(
    "/api/v1/clips/:id/thumbnail",
    route(async (req, res) => {
      const { id } = parse(ClipIdParams, req.params, "params");
      const clip = await clips.get(id);
      const thumb = clip?.path ? await stillFor(clip.path, null, (d) => Math.min(1, d / 2)) : null;
      if (!thumb) throw new HttpError(404, "Not found", `clip ${id} has no thumbnail${clip ? ` (it is ${clip.status})` : ""}`);
      res.sendFile(thumb, { headers: { "Content-Type": "image/jpeg", "Cache-Control": "private, max-age=3600" }, dotfiles: "allow" });
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
