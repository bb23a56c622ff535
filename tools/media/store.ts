import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MediaStore } from "../../graph/ports.js";

export type { MediaStore };

/**
 * The media folder under the data folder, this process's only copy: publish and ensureLocal
 * are no-ops (processes that share media share the folder). With shared storage the S3 store
 * (tools/media/s3.ts) wraps this one.
 */
export function createMediaStore(dataDir: string): MediaStore {
  const root = resolve(dataDir, "media");
  // Each folder is made once per process: a path is asked for every clip, segment and still,
  // and mkdir is a synchronous call on the event loop (slow while FFmpeg keeps the disk busy).
  const made = new Set<string>();
  const dir = (...p: string[]) => {
    const d = join(root, ...p);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
    return d;
  };
  return {
    root,
    clipPath: (g, c) => join(dir("clips", safe(g)), `${safe(c)}.mp4`),
    renderPath: (g, v) => join(dir("renders", safe(g)), `v${v}.mp4`),
    segmentPath: (key) => join(dir("segments"), `${safe(key)}.mp4`),
    assetPath: (id, ext) => join(dir("assets"), `${safe(id)}.${safe(ext)}`),
    tmpPath: (name) => join(dir("tmp"), safe(name)),
    publish: async () => undefined,
    ensureLocal: async (path) => path,
  };
}

/** Ids become file names: keep them to a safe alphabet so no id can escape the folder. */
export function safe(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  if (!s) throw new Error("empty file name");
  return s.slice(0, 200);
}

/**
 * The file's SHA-256 (hex). Read in 1 MB pieces: a clip is a few hundred kilobytes to a few
 * megabytes, and each piece is a round trip through libuv's thread pool (64 KB pieces made a
 * 300 KB clip seven of them); a piece hashes in about 2 ms, so the event loop is never held long.
 */
export function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash("sha256");
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (d) => h.update(d))
      .on("error", rej)
      .on("end", () => res(h.digest("hex")));
  });
}

/** Writes through a temporary name so a crash never leaves a half-written file in place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
