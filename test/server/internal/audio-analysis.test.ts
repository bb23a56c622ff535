import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioAnalysisSchema } from "../../../core/schemas/audio.js";
import { analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { call, closeServer, listen, renderClickTrack, startInternal, type InternalHarness } from "./helpers.js";

describe("POST /internal/v1/audio-analysis", () => {
  let h: InternalHarness;
  let song: string;
  let direct: Awaited<ReturnType<typeof analyzeAudioFile>>;
  let files: Server;
  let filesUrl: string;
  const fileRequests: IncomingMessage[] = [];

  beforeAll(async () => {
    h = await startInternal({ maxDownloadBytes: 2_000_000 });
    song = await renderClickTrack(h.media.assetPath("song_120", "wav"), 120, 12);
    direct = await analyzeAudioFile(song);
    const bytes = readFileSync(song);
    files = createServer((req, res) => {
      fileRequests.push(req);
      if (req.url === "/song.wav") res.writeHead(200, { "content-type": "audio/wav", "content-length": bytes.length }).end(bytes);
      else if (req.url === "/page.html") res.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
      else res.writeHead(404).end();
    });
    filesUrl = await listen(files);
  });
  afterAll(async () => {
    await closeServer(files);
    await h.close();
  });

  const tmpFiles = () => readdirSync(h.media.tmpPath("x").replace(/\/x$/, ""));

  it("analyses a click track under the media root given as an absolute path", async () => {
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: song } });
    expect(r.status).toBe(200);
    const a = AudioAnalysisSchema.parse(r.body);
    expect(a).toEqual(direct);
    expect(a.duration_s).toBeCloseTo(12, 1);
    expect(a.bpm).not.toBeNull();
    // the tempo is 120 or an octave of it (which one is the analyser's call, tested in tools/audio)
    const octave = Math.log2(a.bpm! / 120);
    expect(Math.abs(octave - Math.round(octave))).toBeLessThan(0.03);
    const gaps = a.beats_s.slice(1).map((t, i) => t - a.beats_s[i]!);
    expect(gaps.length).toBeGreaterThan(8);
    for (const g of gaps) expect(g).toBeCloseTo(60 / a.bpm!, 1);
    expect(a.downbeats_s.every((d) => a.beats_s.includes(d))).toBe(true);
    for (const k of ["duration_s", "bpm", "beats_s", "downbeats_s", "beats_per_bar", "confidence"]) expect(r.body).toHaveProperty(k);
  });

  it("takes a file:// URL under the media root", async () => {
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: pathToFileURL(song).href } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(direct)));
  });

  it("downloads an http URL to a temporary file and removes it afterwards", async () => {
    const before = tmpFiles();
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: `${filesUrl}/song.wav` } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(fileRequests.at(-1)!.headers.authorization).toBeUndefined();
    expect(tmpFiles()).toEqual(before);
  });

  it("refuses a download larger than the limit, and a non-audio one, naming audio_url", async () => {
    const small = await startInternal({ maxDownloadBytes: 10_000 });
    try {
      const big = await call(small.url + "/internal/v1/audio-analysis", { body: { audio_url: `${filesUrl}/song.wav` } });
      expect(big.status).toBe(422);
      expect(big.body.detail).toMatch(/^audio_url: .*more than the 10000 allowed/);
    } finally {
      await small.close();
    }
    const html = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: `${filesUrl}/page.html` } });
    expect(html.status).toBe(422);
    expect(html.body.detail).toMatch(/^audio_url: .*text\/html/);
    const missing = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: `${filesUrl}/gone.wav` } });
    expect(missing.status).toBe(502);
    expect(missing.body.detail).toMatch(/answered 404/);
  });

  it("sends the bearer token only to another reelgraph's /internal/v1/ routes", async () => {
    const r = await call(h.url + "/internal/v1/audio-analysis", { body: { audio_url: `${h.url}/internal/v1/media/assets/song_120.wav` } });
    expect(r.status).toBe(200);
    expect(r.body.bpm).toBe(direct.bpm);
  });
});
