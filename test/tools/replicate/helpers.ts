import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { ClipJob, ClipProgress, VideoProvider } from "../../../graph/ports.js";
import type { Clock } from "../../../tools/http/clock.js";
import { createReplicateVideoProvider, type ReplicateVideoProviderOptions } from "../../../tools/replicate/provider.js";
import { FakeReplicateServer, renderTinyMp4, type FakeReplicateOptions } from "../../../devkit/fakes/replicate-server.js";

/** Virtual time: sleeps return at once and move the clock; every sleep is recorded. */
export function virtualClock(start = Date.now()): { clock: Clock; sleeps: number[]; now(): number } {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    clock: {
      now: () => t,
      async sleep(ms, signal) {
        if (signal?.aborted) throw signal.reason;
        sleeps.push(ms);
        t += ms;
        await new Promise((r) => setImmediate(r));
        if (signal?.aborted) throw signal.reason;
      },
    },
  };
}

export function makeJob(dir: string, overrides: Partial<ClipJob> = {}): ClipJob {
  return {
    generationId: "gen_1",
    clipId: "clip_1",
    sceneId: "scene_1",
    prompt: "a glass of oat-milk cold brew on a sunny table",
    duration_s: 3.6,
    width: 1280,
    height: 720,
    fps: 30,
    palette: ["#1E3A8A"],
    text: "",
    motion: "push-in",
    outPath: join(dir, "clips", `${overrides.clipId ?? "clip_1"}.mp4`),
    ...overrides,
  };
}

/** A ClipProgress that records every prediction id reported, and how many requests the server had seen by then. */
export function recordingProgress(server: FakeReplicateServer | null, predictionId: string | null = null, signal?: AbortSignal) {
  const reported: { id: string; requestsSeen: number }[] = [];
  const progress: ClipProgress = {
    predictionId,
    onPrediction: (id) => void reported.push({ id, requestsSeen: server?.requests.length ?? -1 }),
    signal,
  };
  return { progress, reported };
}

/** A temp folder with a tiny MP4 rendered by FFmpeg; `video` is its bytes. */
export async function tinyVideoFixture(): Promise<{ dir: string; video: Buffer; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "reelgraph-replicate-"));
  const path = join(dir, "tiny.mp4");
  await renderTinyMp4(path);
  return { dir, video: readFileSync(path), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function startFake(video: Buffer, options: Partial<FakeReplicateOptions> = {}): Promise<FakeReplicateServer> {
  return FakeReplicateServer.start({ video, token: "r8_test_token", ...options });
}

/** The provider under test: a fake server, a virtual clock, short fixed waits, no jitter. */
export function testProvider(server: FakeReplicateServer, clock: Clock, extra: Partial<ReplicateVideoProviderOptions> = {}) {
  return createReplicateVideoProvider({
    token: "r8_test_token",
    model: "acme/video",
    baseUrl: server.baseUrl,
    clock,
    pollIntervalMs: 1000,
    maxPollIntervalMs: 8000,
    callTimeoutMs: 2000,
    clipTimeoutMs: 600_000,
    random: () => 0.5,
    ...extra,
  });
}

export interface ReplicateHarness {
  /** The tiny MP4 the fake serves as every output (one per test file). */
  readonly fixture: Awaited<ReturnType<typeof tinyVideoFixture>>;
  /** This test's fake Replicate (closed after the test). */
  readonly server: FakeReplicateServer;
  /** This test's virtual clock. */
  readonly vc: ReturnType<typeof virtualClock>;
  /** A fresh fake with these options and a fresh clock (done before each test unless `startEach` is false). */
  start(options?: Partial<FakeReplicateOptions>): Promise<void>;
  /** testProvider on this test's fake and clock. */
  provider(extra?: Partial<ReplicateVideoProviderOptions>): VideoProvider;
}

/** Registers the hooks a provider test file needs and gives their state to the tests. */
export function useReplicateHarness(options: { startEach?: boolean } = {}): ReplicateHarness {
  let fixture: ReplicateHarness["fixture"] | undefined;
  let server: FakeReplicateServer | undefined;
  let vc: ReplicateHarness["vc"] | undefined;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not ready: call start() first`);
    return v;
  };
  const h: ReplicateHarness = {
    get fixture() {
      return need(fixture, "the fixture");
    },
    get server() {
      return need(server, "the fake server");
    },
    get vc() {
      return need(vc, "the virtual clock");
    },
    async start(fakeOptions = {}) {
      server = await startFake(h.fixture.video, fakeOptions);
      vc = virtualClock();
    },
    provider: (extra = {}) => testProvider(h.server, h.vc.clock, extra),
  };
  beforeAll(async () => {
    fixture = await tinyVideoFixture();
  });
  afterAll(() => fixture?.cleanup());
  if (options.startEach ?? true) beforeEach(() => h.start());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return h;
}
