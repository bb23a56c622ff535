import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaStore } from "../../../graph/ports.js";
import { MediaKeyError, mediaKey, objectKey } from "../../../tools/media/keys.js";
import { createS3MediaStore, MediaNotFoundError, MediaStorageError } from "../../../tools/media/s3.js";
import { createMediaStore } from "../../../tools/media/store.js";
import { startTestS3, type TestS3 } from "../../helpers/s3.js";

/**
 * The S3 media store against a real S3-compatible server (s3rver on 127.0.0.1): two stores
 * with different data folders stand for two processes that share only the bucket.
 */

let s3: TestS3;
let dir: string;
let client: S3Client;

const storeAt = (name: string, prefix = "rg/"): MediaStore =>
  createS3MediaStore(createMediaStore(join(dir, name)), { bucket: s3.bucket, endpoint: s3.endpoint, region: "us-east-1", prefix, forcePathStyle: true });

const write = (path: string, data: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
};

beforeAll(async () => {
  s3 = await startTestS3();
  dir = mkdtempSync(join(tmpdir(), "rg-s3-store-"));
  // The stores take credentials from the standard AWS variables, as in production.
  Object.assign(process.env, s3.env);
  client = new S3Client({ region: "us-east-1", endpoint: s3.endpoint, forcePathStyle: true });
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("media keys", () => {
  it("are the path under the media root, ours or another process's", () => {
    expect(mediaKey("/a/data/media", "/a/data/media/clips/gen_1/clip_1.mp4")).toBe("clips/gen_1/clip_1.mp4");
    expect(mediaKey("/a/data/media", "/elsewhere/data/media/renders/gen_1/v2.mp4")).toBe("renders/gen_1/v2.mp4");
    expect(objectKey("/rg//", "assets/x.audio")).toBe("rg/assets/x.audio");
    expect(objectKey("", "assets/x.audio")).toBe("assets/x.audio");
  });

  it("refuse paths outside every media folder", () => {
    expect(() => mediaKey("/a/data/media", "/etc/passwd")).toThrow(MediaKeyError);
    expect(() => mediaKey("/a/data/media", "/a/data/media/../reelgraph.db")).toThrow(MediaKeyError);
    expect(() => mediaKey("/a/data/media", "/x/media/secrets/key")).toThrow(MediaKeyError);
  });
});

describe("S3 media store", () => {
  it("publishes a file under its key and another process fetches it when missing", async () => {
    const a = storeAt("a");
    const b = storeAt("b");
    const clip = a.clipPath("gen_1", "clip_1");
    write(clip, "clip bytes one");
    await a.publish(clip);

    const obj = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "rg/clips/gen_1/clip_1.mp4" }));
    expect(await obj.Body!.transformToString()).toBe("clip bytes one");
    expect(obj.ContentType).toBe("video/mp4");

    const local = await b.ensureLocal(clip);
    expect(local).toBe(b.clipPath("gen_1", "clip_1"));
    expect(local).not.toBe(clip);
    expect(readFileSync(local, "utf8")).toBe("clip bytes one");
    // Already local: answered without the bucket (the path is its own).
    expect(await a.ensureLocal(clip)).toBe(clip);
  });

  it("fetches once when many ask at once", async () => {
    const a = storeAt("c");
    const b = storeAt("d");
    const render = a.renderPath("gen_2", 1);
    write(render, "x".repeat(200_000));
    await a.publish(render);
    const got = await Promise.all(Array.from({ length: 8 }, () => b.ensureLocal(render)));
    expect(new Set(got).size).toBe(1);
    expect(readFileSync(got[0]!, "utf8").length).toBe(200_000);
  });

  it("overwrites: a republished file is what a process without a copy gets", async () => {
    const a = storeAt("e");
    const song = a.assetPath("asset_abc", "audio");
    write(song, "first");
    await a.publish(song);
    write(song, "second, longer");
    await a.publish(song);
    const fresh = storeAt("f");
    expect(readFileSync(await fresh.ensureLocal(song), "utf8")).toBe("second, longer");
  });

  it("names the path, bucket and key when no process published the file", async () => {
    const b = storeAt("g");
    const missing = b.clipPath("gen_none", "clip_none");
    const error = await b.ensureLocal(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaNotFoundError);
    expect((error as MediaNotFoundError).key).toBe("rg/clips/gen_none/clip_none.mp4");
    expect((error as Error).message).toContain(`s3://${s3.bucket}/rg/clips/gen_none/clip_none.mp4`);
    expect(existsSync(missing)).toBe(false);
  });

  it("a storage failure is not a missing file", async () => {
    const store = createS3MediaStore(createMediaStore(join(dir, "h")), { bucket: "no-such-bucket", endpoint: s3.endpoint, region: "us-east-1", prefix: "", forcePathStyle: true });
    const clip = store.clipPath("g", "c");
    write(clip, "bytes");
    await expect(store.publish(clip)).rejects.toBeInstanceOf(MediaStorageError);
    await expect(store.ensureLocal(join(dir, "other", "media", "clips", "g", "c2.mp4"))).rejects.toBeInstanceOf(MediaStorageError);
  });

  it("leaves URLs and files outside every media folder as they are", async () => {
    const b = storeAt("j");
    expect(await b.ensureLocal("/home/someone/song.wav")).toBe("/home/someone/song.wav");
    expect(await b.ensureLocal("https://example.com/media/assets/x.audio")).toBe("https://example.com/media/assets/x.audio");
    await expect(b.publish("/home/someone/song.wav")).rejects.toBeInstanceOf(MediaKeyError);
  });

  it("the local store is this process's only copy: both calls are no-ops", async () => {
    const local = createMediaStore(join(dir, "i"));
    const p = local.clipPath("g", "c");
    await local.publish(p);
    expect(await local.ensureLocal(p)).toBe(p);
  });
});
