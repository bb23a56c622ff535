/** The internal API (FFmpeg service ↔ gateway): what the app, the CLI and tests import. */
export { requireBearer, bearerToken } from "./auth.js";
export { createInternalRouter, type InternalRouter, type InternalRouterDeps } from "./router.js";
export { createFfmpegServiceApp, startFfmpegService, type RunningFfmpegService, type StartFfmpegServiceOptions } from "./service.js";
export { createRemoteFfmpeg, remoteFfmpegFromConfig, type RemoteFfmpeg, type RemoteFfmpegOptions } from "./gateway.js";
export { HttpError, problemType, sendProblem, type Problem } from "../errors.js";
