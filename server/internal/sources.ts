import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { DownloadError, downloadToFile } from "../../tools/http/download.js";
import { redactUrl } from "../../tools/http/fetch.js";
import { bearerFor } from "../../tools/ffmpeg-service/http.js";

/** Why a source URL could not become a local file. */
export type SourceFailure = "unsupported" | "outside_media_root" | "not_found" | "download";

export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    message: string,
    readonly context: { url: string; kind: SourceFailure; retryable: boolean },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolveSourceOptions {
  /** Local paths must lie under this folder (after symlinks are followed). */
  mediaRoot: string;
  /** Where an http(s) source is downloaded to; the caller removes it when `temporary`. */
  downloadPath: string;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Sent (as a bearer) only to /internal/v1/ paths of a reelgraph peer. */
  token?: string;
  /** Media type prefixes accepted for a download (application/octet-stream always passes). */
  accept: readonly string[];
}

export interface ResolvedSource {
  path: string;
  /** True for a download the caller must delete. */
  temporary: boolean;
}

/**
 * Turns an http(s) URL, a file:// URL or an absolute path into a local file. Local paths are
 * confined to the media root: `..` segments and symlinks are resolved before the check, so
 * neither can reach outside it.
 */
export async function resolveSource(url: string, options: ResolveSourceOptions): Promise<ResolvedSource> {
  if (/^https?:\/\//i.test(url)) {
    try {
      // The URLs come from the authenticated gateway and name its own media routes, on a private network as a rule.
      await downloadToFile(url, options.downloadPath, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        maxBytes: options.maxBytes,
        accept: options.accept,
        headers: options.token ? bearerFor(url, options.token) : {},
        allowPrivate: true,
      });
      return { path: options.downloadPath, temporary: true };
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const retryable = err instanceof DownloadError && err.retryable;
      throw new SourceError(err instanceof Error ? err.message : String(err), { url: redactUrl(url), kind: "download", retryable }, { cause: err });
    }
  }
  return { path: await confine(localPath(url), options.mediaRoot, url), temporary: false };
}

function localPath(url: string): string {
  if (url.includes("\0")) throw new SourceError("the path contains a NUL byte", { url: "(invalid)", kind: "unsupported", retryable: false });
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url);
    } catch (err) {
      throw new SourceError(`${url.slice(0, 200)} is not a local file URL`, { url: url.slice(0, 200), kind: "unsupported", retryable: false }, { cause: err });
    }
  }
  if (isAbsolute(url)) return url;
  throw new SourceError("only http(s) URLs, file:// URLs and absolute paths are accepted", { url: url.slice(0, 200), kind: "unsupported", retryable: false });
}

/** The real path of a regular file under `mediaRoot` (symlinks followed); SourceError otherwise. */
export async function confine(path: string, mediaRoot: string, url: string = path): Promise<string> {
  const shown = url.slice(0, 200);
  const root = await realpath(mediaRoot).catch(() => resolve(mediaRoot));
  const outside = () => new SourceError(`${shown} is outside the media folder`, { url: shown, kind: "outside_media_root", retryable: false });
  if (!isInside(root, resolve(path)) && !isInside(resolve(mediaRoot), resolve(path))) throw outside();
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new SourceError(`${shown} does not exist`, { url: shown, kind: "not_found", retryable: false }, { cause: err });
  }
  if (!isInside(root, real)) throw outside();
  const info = await stat(real);
  if (!info.isFile()) throw new SourceError(`${shown} is not a file`, { url: shown, kind: "not_found", retryable: false });
  return real;
}

/** True when `path` is strictly inside `root` (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && rel.split(sep)[0] !== ".." && !isAbsolute(rel);
}
