import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { configurationForRun, type Configuration } from "./configuration.js";
import type { AudioAnalyzer, Brain, Composer, GraphDeps, VideoProvider } from "./deps.js";
import { createModelBrain, createOfflineBrain, withFallback } from "../tools/llm/brain.js";
import { createLanguageModel } from "../tools/llm/structured.js";
import { createMediaStore } from "../tools/media/store.js";
import { RunStore } from "../tools/store/run-store.js";
import { createLocalVideoProvider } from "../tools/render/local-provider.js";
import { createReplicateVideoProvider } from "../tools/replicate/provider.js";
import { composeTimeline } from "../tools/compose/index.js";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { setFfmpegConcurrency } from "../tools/ffmpeg/run.js";
import { createLogger } from "../tools/log/index.js";
import { replicateWebhookUrl } from "../server/routes/webhooks.js";

/** The in-process composer: the compose tool on this machine's FFmpeg. */
export function createInProcessComposer(deps: { media: GraphDeps["media"]; timeoutS: number }): Composer {
  return {
    async compose(input) {
      const r = await composeTimeline({ timeline: input.timeline, clips: input.clips, outPath: input.outPath, media: deps.media, timeoutS: deps.timeoutS, signal: input.signal });
      return {
        path: r.path,
        duration_s: r.duration_s,
        reused: r.segments.filter((s) => s.reused).length,
        encoded: r.segments.filter((s) => !s.reused).length,
        warnings: r.warnings,
      };
    },
  };
}

export function createInProcessAudioAnalyzer(): AudioAnalyzer {
  return { analyze: (path, signal) => analyzeAudioFile(path, { signal }) };
}

/**
 * Builds the dependencies from configuration: the store and media folders under the data
 * dir, the brain and video provider chosen per run, the in-process composer and analyser.
 * Any part can be replaced (tests pass fakes; the server passes a remote composer).
 */
export function createDeps(config: Configuration, overrides: Partial<GraphDeps> = {}): GraphDeps {
  mkdirSync(config.dataDir, { recursive: true });
  setFfmpegConcurrency(config.ffmpeg.concurrency);
  const store = overrides.store ?? new RunStore(join(config.dataDir, "reelgraph.db"));
  const media = overrides.media ?? createMediaStore(config.dataDir);
  const log = overrides.log ?? createLogger(config.logLevel);
  const offline = createOfflineBrain({ fps: config.render.fps });
  const brains = new Map<string, Brain>();
  const videos = new Map<string, VideoProvider>();
  const local = createLocalVideoProvider({ timeoutS: config.ffmpeg.timeoutS });
  return {
    config,
    store,
    media,
    log,
    brainFor(options) {
      const llm = configurationForRun(config, options).llm;
      if (llm.provider === "offline") return offline;
      const key = `${llm.baseURL ?? ""}|${llm.model}|${llm.api}`;
      let brain = brains.get(key);
      if (!brain) {
        brain = withFallback(createModelBrain(createLanguageModel(llm), llm.model, { fps: config.render.fps, timeoutMs: llm.timeoutMs }), offline, (task, error) =>
          log.warn({ node: task, err: error instanceof Error ? error.message : String(error) }, "model call failed; offline fallback"),
        );
        brains.set(key, brain);
      }
      return brain;
    },
    videoFor(options) {
      const video = configurationForRun(config, options).video;
      if (video.provider === "local") return local;
      let provider = videos.get(video.model);
      if (!provider) {
        provider = createReplicateVideoProvider({
          token: video.token,
          model: video.model,
          baseUrl: video.baseUrl,
          clipTimeoutMs: config.clip.timeoutS * 1000,
          // Polling drives completion; the webhook only tells us sooner (server/routes/webhooks.ts).
          webhookUrl: config.server.publicUrl && video.webhookSecret ? replicateWebhookUrl(config.server.publicUrl) : undefined,
        });
        videos.set(video.model, provider);
      }
      return provider;
    },
    composer: createInProcessComposer({ media, timeoutS: config.ffmpeg.timeoutS }),
    audio: createInProcessAudioAnalyzer(),
    ...overrides,
  };
}

/** The durable checkpointer: a SQLite file beside the run store. */
export function openCheckpointer(config: Configuration): SqliteSaver {
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteSaver.fromConnString(join(config.dataDir, "checkpoints.db"));
}
