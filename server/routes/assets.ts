import { randomUUID } from "node:crypto";
import { createWriteStream, renameSync, rmSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import Busboy from "busboy";
import { Router, type Request } from "express";
import type { Reelgraph } from "../../app/reelgraph.js";
import { probe } from "../../tools/ffmpeg/probe.js";
import { HttpError } from "../errors.js";
import { route } from "../http.js";
import { MAX_AUDIO_BYTES } from "../../app/songs.js";

const AUDIO_TYPES = /^(audio\/[a-z0-9.+-]+|video\/mp4|application\/octet-stream)$/i;

/**
 * POST /api/v1/assets: upload a song, as the raw body (Content-Type audio/*) or as
 * multipart/form-data with a `file` field. The file is streamed to disk with a size limit and
 * must decode as audio; the answer's id goes into a generation's `audio.url`.
 */
export function assetsRouter(deps: { app: Reelgraph }) {
  const { stores } = deps.app;
  const { media } = deps.app.deps;
  const r = Router();
  r.post(
    "/api/v1/assets",
    route(async (req, res) => {
      const type = (req.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
      const id = `asset_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const dest = media.assetPath(id, "audio");
      let mime: string;
      let name: string | null = null;
      if (type === "multipart/form-data") ({ mime, name } = await receiveMultipart(req, dest));
      else if (AUDIO_TYPES.test(type)) {
        mime = type;
        await receiveStream(req, dest);
      } else throw new HttpError(415, "Unsupported media type", `send the song as audio/* or multipart/form-data with a "file" field (got ${type || "no Content-Type"})`);
      let info;
      try {
        info = await probe(dest);
      } catch {
        rmSync(dest, { force: true });
        throw new HttpError(415, "Unsupported media type", "the upload does not decode as audio");
      }
      if (!info.has_audio) {
        rmSync(dest, { force: true });
        throw new HttpError(415, "Unsupported media type", "the upload has no audio stream");
      }
      const bytes = statSync(dest).size;
      await media.publish(dest);
      await stores.assets.save({ id, kind: "audio", path: dest, mime, bytes, sha256: null, source: name ? `upload:${name.slice(0, 200)}` : "upload" });
      res.status(201).json({ id, kind: "audio", bytes, mime, duration_s: info.duration_s });
    }),
  );
  return r;
}

function receiveStream(stream: Readable, dest: string): Promise<void> {
  const tmp = `${dest}.part`;
  return new Promise<void>((resolve, reject) => {
    let n = 0;
    const out = createWriteStream(tmp);
    const fail = (e: unknown) => {
      stream.unpipe(out);
      out.destroy();
      rmSync(tmp, { force: true });
      reject(e);
    };
    stream.on("data", (c: Buffer) => {
      n += c.length;
      if (n > MAX_AUDIO_BYTES) {
        stream.destroy();
        fail(new HttpError(413, "Payload too large", `a song may be at most ${MAX_AUDIO_BYTES / 1024 / 1024} MB`));
      }
    });
    stream.on("error", fail);
    out.on("error", fail);
    out.on("finish", () => {
      if (n === 0) return fail(new HttpError(400, "Invalid request", "body: the upload is empty"));
      renameSync(tmp, dest);
      resolve();
    });
    stream.pipe(out);
  });
}

function receiveMultipart(req: Request, dest: string): Promise<{ mime: string; name: string | null }> {
  return new Promise((resolve, reject) => {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { files: 1, fileSize: MAX_AUDIO_BYTES, fields: 5, parts: 6 } });
    } catch (e) {
      return reject(new HttpError(400, "Invalid request", `body: ${(e as Error).message}`));
    }
    let got: Promise<{ mime: string; name: string | null }> | null = null;
    bb.on("file", (field, file, info) => {
      if (field !== "file" || got) {
        file.resume();
        return;
      }
      if (!AUDIO_TYPES.test(info.mimeType)) {
        file.resume();
        got = Promise.reject(new HttpError(415, "Unsupported media type", `body.file: expected audio, got ${info.mimeType}`));
        // Handled when busboy closes; until then Node must not see it as unhandled.
        got.catch(() => undefined);
        return;
      }
      file.on("limit", () => file.destroy(new HttpError(413, "Payload too large", `a song may be at most ${MAX_AUDIO_BYTES / 1024 / 1024} MB`)));
      got = receiveStream(file, dest).then(() => ({ mime: info.mimeType, name: info.filename ?? null }));
      got.catch(() => undefined);
    });
    bb.on("error", (e) => reject(new HttpError(400, "Invalid request", `body: ${(e as Error).message}`)));
    bb.on("close", () => {
      if (!got) reject(new HttpError(400, "Invalid request", 'body.file: send the song in a form field named "file"'));
      else got.then(resolve, reject);
    });
    req.pipe(bb);
  });
}
