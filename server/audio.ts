import { randomUUID } from "node:crypto";
import { statSync } from "node:fs";
import type { MediaStore } from "../tools/media/store.js";
import type { RunStore } from "../tools/store/run-store.js";
import { AUDIO_TYPES, downloadToFile } from "../tools/http/download.js";
import { checkUrlShape, UnsafeUrlError } from "../tools/net/policy.js";
import { HttpError } from "./errors.js";

export const MAX_AUDIO_BYTES = 50 * 1024 * 1024;

/** Where a song comes from: an uploaded asset (already local) or an http(s) URL (fetched by the run). */
export interface AudioResolver {
  /** Validates `audio.url` at request time; 400 when it can never work. */
  check(urlOrAsset: string): Promise<{ path: string; url: null } | { path: null; url: string }>;
  /** Makes the song local for a run: an asset's path, or a guarded download. */
  download(urlOrAsset: string, generationId: string, signal?: AbortSignal): Promise<string>;
}

export function createAudioResolver(deps: { store: RunStore; media: MediaStore; allowPrivate?: boolean }): AudioResolver {
  const assetPath = (id: string) => {
    const a = deps.store.getAsset(id);
    if (!a || a.kind !== "audio") throw new HttpError(400, "Invalid request", `body.audio.url: no uploaded audio asset ${id}; upload it with POST /api/v1/assets first`, { errors: [{ path: "body.audio.url", message: "unknown asset id" }] });
    return a.path;
  };
  return {
    async check(v) {
      if (/^asset_[A-Za-z0-9]+$/.test(v)) return { path: assetPath(v), url: null };
      try {
        return { path: null, url: checkUrlShape(v, deps.allowPrivate).toString() };
      } catch (error) {
        const message = error instanceof UnsafeUrlError ? error.message : String(error);
        throw new HttpError(400, "Invalid request", `body.audio.url: ${message} (give a public http(s) URL or an uploaded asset id)`, { errors: [{ path: "body.audio.url", message }] });
      }
    },
    async download(v, generationId, signal) {
      if (/^asset_[A-Za-z0-9]+$/.test(v)) return assetPath(v);
      const id = `asset_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const dest = deps.media.assetPath(id, "audio");
      const r = await downloadToFile(v, dest, { maxBytes: MAX_AUDIO_BYTES, accept: AUDIO_TYPES, timeoutMs: 60_000, allowPrivate: deps.allowPrivate, signal });
      deps.store.saveAsset({ id, kind: "audio", path: dest, mime: r.contentType, bytes: statSync(dest).size, sha256: null, source: `download:${generationId}` });
      return dest;
    },
  };
}
