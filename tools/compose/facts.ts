import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { probeFast, type MediaInfo, type ProbeOptions } from "../ffmpeg/probe.js";
import type { ClipFacts } from "./plan.js";

/**
 * What the composer knows about an input file, remembered per file identity so that an
 * unchanged file is read once per process (ffprobe fallbacks cost ~0.1 s each).
 */

const MEMO_LIMIT = 1000;
const memo = new Map<string, MediaInfo>();

/** Path, size, mtime and inode: an atomic rewrite (new inode) or any edit changes it. */
export async function fileIdentity(path: string): Promise<{ path: string; identity: string }> {
  const file = resolve(path);
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a file`);
  return { path: file, identity: `${file}|${st.size}|${st.mtimeMs}|${st.ino}` };
}

/** Facts about one file (probed in-process when it is an MP4 we can read). */
export async function readFacts(path: string, opts: ProbeOptions = {}): Promise<ClipFacts> {
  const { path: file, identity } = await fileIdentity(path);
  let info = memo.get(identity);
  if (!info) {
    info = await probeFast(file, opts);
    if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    memo.set(identity, info);
  }
  return { path: file, identity, info };
}

/**
 * A local path for a media reference: a plain path or a file: URL. Anything with another
 * scheme is refused, so FFmpeg never opens a network or special protocol for us.
 */
export function localPath(ref: string): string {
  if (/^file:\/\//i.test(ref)) return fileURLToPath(ref);
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) throw new Error(`not a local file: ${ref}`);
  return resolve(ref);
}
