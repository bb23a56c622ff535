import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DownloadError, downloadToFile, VIDEO_TYPES } from "../../../tools/http/download.js";
import { startHttpTarget, type HttpTarget } from "../../fakes/http-target.js";

/**
 * The download stack's own rules over real HTTP on loopback: what a trusted peer may do
 * (allowPrivate), which header goes where, and how failures are typed. The SSRF rules for
 * user-supplied URLs are in test/faults/ssrf.test.ts.
 */

let dir: string;
let peer: HttpTarget;
let other: HttpTarget;
const seen: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rg-download-"));
  other = await startHttpTarget("127.0.0.1", (req, res) => {
    seen.push({ path: `other${req.url}`, authorization: req.headers.authorization });
    res.writeHead(200, { "content-type": "video/mp4" });
    res.end("moved clip");
  });
  peer = await startHttpTarget("127.0.0.1", (req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    if (new URL(req.url ?? "/", "http://x").pathname === "/clip.mp4") {
      res.writeHead(200, { "content-type": "video/mp4; codecs=avc1" });
      return void res.end("clip bytes");
    }
    if (req.url === "/away") {
      res.writeHead(302, { location: `${other.origin}/clip.mp4` });
      return void res.end();
    }
    if (req.url === "/busy") {
      res.writeHead(503, { "retry-after": "7" });
      return void res.end();
    }
    if (req.url === "/gone") {
      res.writeHead(404);
      return void res.end();
    }
    if (req.url === "/empty") {
      res.writeHead(200, { "content-type": "video/mp4" });
      return void res.end();
    }
    if (req.url === "/cut") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": "1000" });
      res.write("only part of it");
      setTimeout(() => res.destroy(), 50);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("not a video");
  });
});

afterAll(async () => {
  await Promise.all([peer.close(), other.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const out = () => join(dir, "sub", `f-${Math.random().toString(36).slice(2)}.mp4`);
const opts = { timeoutMs: 5_000, maxBytes: 1024 * 1024, accept: VIDEO_TYPES };

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DownloadError);
  return err as DownloadError;
}

describe("downloadToFile", () => {
  it("refuses a loopback URL unless the caller names it a trusted peer, without connecting", async () => {
    const before = seen.length;
    const refused = await failure(downloadToFile(`${peer.origin}/clip.mp4`, out(), opts));
    expect(refused.context.kind).toBe("forbidden");
    expect(refused.retryable).toBe(false);
    expect(seen.length).toBe(before);

    const path = out();
    const r = await downloadToFile(`${peer.origin}/clip.mp4?sig=secret`, path, { ...opts, allowPrivate: true });
    expect(readFileSync(path, "utf8")).toBe("clip bytes");
    expect(r).toMatchObject({ bytes: 10, contentType: "video/mp4", path });
  });

  it("sends the caller's headers to the first origin only, not across a redirect", async () => {
    seen.length = 0;
    const path = out();
    const r = await downloadToFile(`${peer.origin}/away`, path, { ...opts, allowPrivate: true, headers: { authorization: "Bearer t0ken" } });
    expect(readFileSync(path, "utf8")).toBe("moved clip");
    expect(r.finalUrl).toBe(`${other.origin}/clip.mp4`);
    expect(seen).toEqual([
      { path: "/away", authorization: "Bearer t0ken" },
      { path: "other/clip.mp4", authorization: undefined },
    ]);
  });

  it("types each failure, says whether a retry may help, and leaves no file", async () => {
    const trusted = { ...opts, allowPrivate: true };
    const busy = await failure(downloadToFile(`${peer.origin}/busy`, out(), trusted));
    expect(busy.context).toMatchObject({ kind: "http_status", status: 503, retryAfter: "7" });
    expect(busy.retryable).toBe(true);
    const gone = await failure(downloadToFile(`${peer.origin}/gone`, out(), trusted));
    expect([gone.context.kind, gone.retryable]).toEqual(["http_status", false]);
    const text = await failure(downloadToFile(`${peer.origin}/text`, out(), trusted));
    expect(text.context.kind).toBe("content_type");
    expect(text.message).toMatch(/text\/plain, expected video\//);
    const empty = await failure(downloadToFile(`${peer.origin}/empty`, out(), trusted));
    expect(empty.context.kind).toBe("empty");
    const cut = await failure(downloadToFile(`${peer.origin}/cut`, out(), trusted));
    expect([cut.context.kind, cut.retryable]).toEqual(["network", true]);
    const closed = await failure(downloadToFile("http://127.0.0.1:9/clip.mp4", out(), trusted));
    expect([closed.context.kind, closed.retryable]).toEqual(["network", true]);
    expect(readdirSync(join(dir, "sub")).filter((f) => !f.startsWith("f-") || f.endsWith(".part"))).toEqual([]);
    expect(existsSync(join(dir, "sub"))).toBe(true);
  });
});
