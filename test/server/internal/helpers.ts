import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import type { Log } from "../../../graph/ports.js";
import type { Timeline } from "../../../core/timeline/schema.js";
import { analyzeAudioFile } from "../../../tools/audio/analyze.js";
import { composeTimeline } from "../../../tools/compose/index.js";
import { runFfmpeg } from "../../../tools/ffmpeg/run.js";
import { createMediaStore, type MediaStore } from "../../../tools/media/store.js";
import { openDb, type Db } from "../../../tools/store/sqlite/db.js";
import { createInternalRouter, type InternalRouter, type InternalRouterDeps } from "../../../server/internal/router.js";

export const TOKEN = "test-internal-token-0123456789";

/** A log that keeps its lines, for assertions and for reading a failure. */
export function memoryLog(): Log & { lines: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => void lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => void lines.push({ level: "error", obj, msg }),
  };
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `reelgraph-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** One process's internal API on 127.0.0.1 with its own data folder and database. */
export interface InternalHarness {
  url: string;
  db: Db;
  media: MediaStore;
  dataDir: string;
  router: InternalRouter;
  log: ReturnType<typeof memoryLog>;
  close(): Promise<void>;
}

export async function startInternal(overrides: Partial<InternalRouterDeps> & { extra?: (app: express.Express) => void } = {}): Promise<InternalHarness> {
  const { dir, cleanup } = tempDir("internal");
  const db = openDb(join(dir, "reelgraph.db"));
  const media = createMediaStore(dir);
  const log = memoryLog();
  const { extra, ...deps } = overrides;
  const router = createInternalRouter({ token: TOKEN, db, media, log, compose: composeTimeline, analyzeAudio: analyzeAudioFile, ...deps });
  const app = express();
  extra?.(app);
  app.use(router);
  const server = createServer(app);
  const url = await listen(server);
  return {
    url,
    db,
    media,
    dataDir: dir,
    router,
    log,
    async close() {
      await router.close();
      await closeServer(server);
      db.close();
      cleanup();
    },
  };
}

/** fetch against a harness, JSON body in, parsed body out. */
export async function call(
  url: string,
  init: { method?: string; token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.body !== undefined || init.rawBody !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? "POST" : "GET"),
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body };
}

/** A 1 s 320×180 30 fps H.264 clip from a lavfi pattern. */
export async function renderClip(path: string, pattern: "testsrc2" | "smptebars" = "testsrc2"): Promise<string> {
  await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", `${pattern}=size=320x180:rate=30:duration=1`, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path], { timeoutS: 60 });
  return path;
}

/**
 * A kick on every beat at `bpm` (louder every 4th), mono WAV: the pitch-swept decaying sine
 * gives the onset detector one clear attack per beat.
 */
export async function renderClickTrack(path: string, bpm = 120, seconds = 12): Promise<string> {
  const p = 60 / bpm;
  const since = `mod(t,${p})`;
  const expr = `(0.5+0.45*lt(mod(t,${4 * p}),${p / 2}))*exp(-${since}*18)*sin(2*PI*(55*${since}+2.5*(1-exp(-40*${since}))))`;
  await runFfmpeg(["-v", "error", "-f", "lavfi", "-i", `aevalsrc='${expr}':s=22050:d=${seconds}`, "-ac", "1", path], { timeoutS: 60 });
  return path;
}

/** Two 1 s scenes, one per clip, at the clips' own size and rate. */
export function twoSceneTimeline(version = 1, clips: [string, string] = ["clip_a", "clip_b"]): Timeline {
  const scene = (i: number, clip: string) => ({
    id: `scene_${i + 1}`,
    start_s: i,
    duration_s: 1,
    clip_id: clip,
    source_in_s: 0,
    prompt: `scene ${i + 1}`,
    transition_in: "cut" as const,
    crop: null,
    speed: 1,
  });
  return { version, duration_s: 2, width: 320, height: 180, fps: 30, scenes: clips.map((c, i) => scene(i, c)), cta: null, audio: null };
}

export interface RecordedCallback {
  headers: IncomingHttpHeaders;
  body: any;
  at: number;
}

/**
 * A stand-in gateway: records every processing-complete it receives and answers with the
 * scripted statuses in turn (then 204).
 */
export async function startFakeGateway(script: number[] = []): Promise<{ url: string; received: RecordedCallback[]; close(): Promise<void> }> {
  const received: RecordedCallback[] = [];
  const answers = [...script];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = answers.shift() ?? 204;
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"), at: Date.now() });
      res.writeHead(status, status === 204 ? {} : { "content-type": "application/problem+json" });
      res.end(status === 204 ? undefined : JSON.stringify({ type: "about:blank", title: "scripted", status, detail: "scripted failure" }));
    });
  });
  const url = await listen(server);
  return {
    url,
    received,
    close: () => closeServer(server),
  };
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 20_000, every = 50): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, every));
  }
}
