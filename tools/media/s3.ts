import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import type { MediaStore } from "../../graph/ports.js";
import { localPathFor, MediaKeyError, mediaKey, objectKey } from "./keys.js";

/** Where the shared media lives: an S3 bucket (AWS, or any S3-compatible server). */
export interface S3MediaOptions {
  bucket: string;
  /** Endpoint of an S3-compatible server (MinIO, R2, s3rver…); unset: AWS. */
  endpoint?: string;
  region: string;
  /** Prepended to every key (`reelgraph/` → `reelgraph/clips/…`). */
  prefix: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle: boolean;
  /** Injected in tests; default: a client from the options and the standard AWS credential chain. */
  client?: S3Client;
}

/** A media file no process has published (the bucket has no such key). */
export class MediaNotFoundError extends Error {
  override readonly name = "MediaNotFoundError";
  constructor(readonly path: string, readonly bucket: string, readonly key: string, options?: { cause?: unknown }) {
    super(`media file ${path} is neither local nor in s3://${bucket}/${key}`, options);
  }
}

/** Shared storage failed (credentials, network, a server error): not the same as a missing file. */
export class MediaStorageError extends Error {
  override readonly name = "MediaStorageError";
  constructor(readonly operation: "publish" | "fetch", readonly bucket: string, readonly key: string, options: { cause: unknown }) {
    super(`${operation} s3://${bucket}/${key} failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}

/**
 * Media on S3-compatible storage with the local folder as this process's working copy (FFmpeg
 * needs files): paths come from the local store; publish uploads a finished file under its
 * key (its path relative to the media root); ensureLocal downloads a file this process does
 * not have, once even when asked for it many times at once.
 */
export function createS3MediaStore(local: MediaStore, opts: S3MediaOptions): MediaStore {
  // The SDK is loaded by the first transfer, so commands that move no media start without it.
  let loaded: Promise<{ sdk: typeof import("@aws-sdk/client-s3"); client: S3Client }> | null = null;
  const s3 = () =>
    (loaded ??= import("@aws-sdk/client-s3").then((sdk) => ({ sdk, client: opts.client ?? createS3Client(sdk, opts) })));
  const fetching = new Map<string, Promise<string>>();

  const fetchOnce = async (path: string, key: string, dest: string): Promise<string> => {
    const bucketKey = objectKey(opts.prefix, key);
    let body: Readable;
    try {
      const { sdk, client } = await s3();
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: opts.bucket, Key: bucketKey }));
      body = r.Body as Readable;
    } catch (error) {
      if (isMissing(error)) throw new MediaNotFoundError(path, opts.bucket, bucketKey, { cause: error });
      throw new MediaStorageError("fetch", opts.bucket, bucketKey, { cause: error });
    }
    mkdirSync(dirname(dest), { recursive: true });
    const part = `${dest}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    try {
      await pipeline(body, createWriteStream(part));
      renameSync(part, dest);
    } catch (error) {
      rmSync(part, { force: true });
      throw new MediaStorageError("fetch", opts.bucket, bucketKey, { cause: error });
    }
    return dest;
  };

  return {
    ...local,
    async publish(path) {
      const key = objectKey(opts.prefix, mediaKey(local.root, path));
      try {
        const { sdk, client } = await s3();
        await client.send(new sdk.PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: createReadStream(path), ContentLength: statSync(path).size, ContentType: contentType(path) }));
      } catch (error) {
        throw new MediaStorageError("publish", opts.bucket, key, { cause: error });
      }
    },
    async ensureLocal(path) {
      const key = sharedKey(local.root, path);
      if (!key) return path;
      const dest = localPathFor(local.root, key);
      if (hasFile(dest)) return dest;
      let pending = fetching.get(dest);
      if (!pending) {
        pending = fetchOnce(path, key, dest).finally(() => fetching.delete(dest));
        fetching.set(dest, pending);
      }
      return pending;
    },
  };
}

/**
 * A client from the options and the standard AWS credential chain. Against another server than
 * AWS, checksums are sent only where an operation requires them: the SDK's default streams
 * uploads as aws-chunked with a trailing checksum, which many S3-compatible servers store
 * verbatim or refuse.
 */
export function createS3Client(sdk: typeof import("@aws-sdk/client-s3"), opts: Omit<S3MediaOptions, "client" | "bucket" | "prefix">): S3Client {
  return new sdk.S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    ...(opts.endpoint ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" } : {}),
  });
}

/** The key of a path in some media folder; null for a URL or a file outside every media folder (this machine's own: a CLI song). */
function sharedKey(root: string, path: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return null;
  try {
    return mediaKey(root, path);
  } catch (error) {
    if (error instanceof MediaKeyError) return null;
    throw error;
  }
}

const hasFile = (p: string) => existsSync(p) && statSync(p).size > 0;

/** The bucket answered that the key does not exist (a missing bucket or bad credentials are not this). */
function isMissing(error: unknown): boolean {
  return error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound");
}

function contentType(path: string): string {
  if (path.endsWith(".mp4")) return "video/mp4";
  if (/\.(png)$/.test(path)) return "image/png";
  if (/\.(jpe?g)$/.test(path)) return "image/jpeg";
  return "application/octet-stream";
}
