import { isAbsolute, join, relative } from "node:path";

/** The folders a media root holds (tools/media/store.ts); a key always starts with one. */
const KINDS = ["clips", "renders", "segments", "assets", "stills", "tmp"] as const;
const FOREIGN = new RegExp(`[\\\\/]media[\\\\/]((?:${KINDS.join("|")})[\\\\/].+)$`);

/** A path that is not a media file of any process (outside every media folder). */
export class MediaKeyError extends Error {
  override readonly name = "MediaKeyError";
  constructor(readonly path: string) {
    super(`${path} is not under a media folder (<data>/media/{${KINDS.join(",")}}/…)`);
  }
}

/**
 * The storage key of a media file: its path relative to the media root, with `/` separators.
 * The stores record absolute paths as the writing process saw them, so a path under another
 * process's root (`/other/data/media/clips/g/c.mp4`) maps to the same key as ours.
 */
export function mediaKey(root: string, path: string): string {
  const rel = relative(root, path);
  const own = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : FOREIGN.exec(path)?.[1];
  if (!own) throw new MediaKeyError(path);
  const key = own.split(/[\\/]/).join("/");
  if (key.split("/").some((p) => p === ".." || p === "." || p === "")) throw new MediaKeyError(path);
  if (!(KINDS as readonly string[]).includes(key.split("/")[0]!)) throw new MediaKeyError(path);
  return key;
}

/** Where a key lives under this process's media root. */
export function localPathFor(root: string, key: string): string {
  return join(root, ...key.split("/"));
}

/** The object key in the bucket: the configured prefix (no leading or doubled slashes) and the media key. */
export function objectKey(prefix: string, key: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, "");
  return p ? `${p}/${key}` : key;
}
