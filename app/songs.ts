import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import type { AssetStore } from "../core/stores.js";
import type { MediaStore, SongSource } from "../graph/ports.js";
import { AUDIO_TYPES, downloadToFile } from "../tools/http/download.js";
import { checkUrlShape, UnsafeUrlError } from "../tools/net/policy.js";

export const MAX_AUDIO_BYTES = 50 * 1024 * 1024;

/** A song reference that can never work (unknown asset, unsafe or malformed URL). */
export class SongRefError extends Error {
  override readonly name = "SongRefError";
  constructor(readonly ref: string, message: string) {
    super(message);
  }
}

export interface Songs extends SongSource {
  /** Validates `audio.url` at request time: an uploaded asset's path, or a URL the run will fetch. */
  check(urlOrAsset: string): Promise<{ path: string; url: null } | { path: null; url: string }>;
}

const isAsset = (v: string) => /^asset_[A-Za-z0-9]+$/.test(v);

/**
 * Where a song comes from: an uploaded asset (already local), an http(s) URL (fetched by the
 * run through the guarded downloader and kept as an asset), or — for the CLI and Studio on this
 * machine — an absolute path to a file.
 */
export function createSongs(deps: { assets: AssetStore; media: MediaStore; allowPrivate?: boolean; allowLocalFiles?: boolean }): Songs {
  const assetPath = async (id: string) => {
    const a = await deps.assets.get(id);
    if (!a || a.kind !== "audio") throw new SongRefError(id, `no uploaded audio asset ${id}; upload it with POST /api/v1/assets first`);
    return a.path;
  };
  return {
    async check(v) {
      if (isAsset(v)) return { path: await assetPath(v), url: null };
      try {
        return { path: null, url: checkUrlShape(v, deps.allowPrivate).toString() };
      } catch (error) {
        throw new SongRefError(v, `${error instanceof UnsafeUrlError ? error.message : String(error)} (give a public http(s) URL or an uploaded asset id)`);
      }
    },
    async resolve(v, generationId, signal) {
      // An upload another process received: fetched from shared media storage when it is not here.
      if (isAsset(v)) return deps.media.ensureLocal(await assetPath(v));
      if (deps.allowLocalFiles && isAbsolute(v) && existsSync(v)) return v;
      const id = `asset_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const dest = deps.media.assetPath(id, "audio");
      const r = await downloadToFile(v, dest, { maxBytes: MAX_AUDIO_BYTES, accept: AUDIO_TYPES, timeoutMs: 60_000, allowPrivate: deps.allowPrivate, signal });
      await deps.media.publish(dest);
      await deps.assets.save({ id, kind: "audio", path: dest, mime: r.contentType, bytes: statSync(dest).size, sha256: null, source: `download:${generationId}` });
      return dest;
    },
  };
}
