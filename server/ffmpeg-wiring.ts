import type { Logger } from "pino";
import type { Configuration } from "../graph/configuration.js";
import type { GraphDeps, MediaStore } from "../graph/ports.js";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { composeTimeline } from "../tools/compose/index.js";
import type { JobStore } from "../core/jobs.js";
import { createInternalRouter, type InternalRouter } from "./internal/router.js";
import { remoteFfmpegFromConfig } from "./internal/gateway.js";

/**
 * The FFmpeg service in this process: its internal routes are always mounted (behind the
 * bearer token); with REELGRAPH_FFMPEG_SERVICE_URL the graph composes and analyses through
 * the remote service instead of in-process, and this router receives its callbacks.
 */
export function mountFfmpegService(input: { config: Configuration; media: MediaStore; jobs: JobStore; logger: Logger }): { router: InternalRouter; overrides: Partial<GraphDeps> } {
  const { config, media, jobs, logger } = input;
  const remote = remoteFfmpegFromConfig(config, { jobs, media, log: logger });
  const router = createInternalRouter({
    token: config.server.internalToken,
    media,
    jobs,
    log: logger,
    compose: composeTimeline,
    analyzeAudio: analyzeAudioFile,
    publicUrl: config.server.publicUrl,
    composeTimeoutS: config.ffmpeg.timeoutS,
    onProcessingComplete: remote?.onProcessingComplete,
  });
  return { router, overrides: remote ? { composer: remote.composer, audio: remote.audio } : {} };
}
