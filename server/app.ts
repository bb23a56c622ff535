import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Router } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "pino";
import type { Reelgraph } from "../app/reelgraph.js";
import { generationRequestSchema } from "../core/schemas/request.js";
import { docsRouter } from "./docs.js";
import { problemHandler, refusePollution, sendProblem } from "./errors.js";
import { apiKeyAuth, assignRequestId, clientOf, hasApiKey, requestId, takeRequestId } from "./middleware.js";
import { openApiDocument } from "./openapi.js";
import { rateLimiters, syncLimiters, trustsNoProxy, type RateLimitPolicy, type RateLimitStoreFactory } from "./rate-limit.js";
import { assetsRouter } from "./routes/assets.js";
import { compositionsRouter } from "./routes/compositions.js";
import { generationsRouter, statusFastPath } from "./routes/generations.js";
import { webhooksRouter } from "./routes/webhooks.js";

export interface AppDeps {
  app: Reelgraph;
  logger: Logger;
  /** The FFmpeg service's routes (/internal/v1/…), mounted in the same process by default. */
  internal?: Router;
  /** Per-client limits; configuration's (REELGRAPH_RATE_LIMIT_*) when absent. A rate of 0 turns that limit off. */
  limits?: RateLimitPolicy;
  /** The rate limiters' hit-counter stores (express-rate-limit Store API); in memory when absent. A store shared by several processes goes here. */
  rateLimitStore?: RateLimitStoreFactory;
  /** Largest JSON body accepted (bytes, or a size such as "256kb"); by default room for the longest prompt allowed. */
  bodyLimit?: string | number;
}

const fastAnswers = new WeakMap<Express, (req: IncomingMessage, res: ServerResponse) => boolean>();

/**
 * The app as node:http's request listener: the status poll is answered before Express sees the
 * request (statusFastPath's `answer`: the same bytes and headers as its middleware, which stays
 * first in the chain for whatever it leaves), everything else goes to the app.
 */
export function requestListener(app: Express): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = fastAnswers.get(app);
  if (!answer) return app;
  return (req, res) => {
    try {
      if (answer(req, res)) return;
    } catch (error) {
      // Nothing answered yet: the app takes it (its fast-path middleware meets the same error,
      // which goes to the error handler as a problem). Half answered: the connection goes.
      if (res.headersSent) return void res.destroy(error as Error);
    }
    app(req, res);
  };
}

/** Builds the HTTP API (no listen): validation at the edge, one router per resource, problem+json errors. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const server = deps.app.config.server;
  const limits = deps.limits ?? server.rateLimit;
  app.disable("x-powered-by");
  app.set("trust proxy", server.trustProxy);
  app.set("query parser", "simple");
  const requestLogger = pinoHttp({
    logger: deps.logger,
    genReqId: (req) => (req as unknown as { id: string }).id,
    customProps: (req) => {
      const m = (req as unknown as { originalUrl?: string }).originalUrl?.match(/\/(gen_[A-Za-z0-9_]+|comp_[A-Za-z0-9_]+)/);
      return m ? { [m[1]!.startsWith("gen_") ? "generation_id" : "composition_id"]: m[1] } : {};
    },
    autoLogging: { ignore: (req) => req.url === "/healthz" },
    customLogLevel: logLevelOf,
    serializers: { req: (req) => ({ id: req.id, method: req.method, url: String(req.url).split("?")[0] }) },
  });
  const limiters = rateLimiters({ policy: limits, apiKey: server.apiKey, store: deps.rateLimitStore, logger: deps.logger, trustProxy: server.trustProxy });
  // The status poll answers ahead of the chain when that changes nothing a caller sees.
  const fastPath = statusFastPath({
      app: deps.app,
      logsPolls: () => deps.logger.isLevelEnabled("debug"),
      authorized: (req) => hasApiKey(req, server.apiKey),
      assignRequestId,
      takeRequestId,
      limiters,
      syncLimiters: syncLimiters(limiters),
      requestLogger,
      // The limiters key a request by its API key, or by the peer when no proxy is trusted.
      bare: Boolean(server.apiKey) || trustsNoProxy(server.trustProxy),
    });
  app.use(fastPath);
  // `answer` reads only what node:http gives a request (method, url, headers, socket).
  if (fastPath.answer) fastAnswers.set(app, fastPath.answer as unknown as (req: IncomingMessage, res: ServerResponse) => boolean);
  app.use(requestId());
  app.use(requestLogger);
  // Before the JSON parser (the signature covers the raw body) and before the API key (the
  // signature is this route's authentication).
  const video = deps.app.config.video;
  if (video.provider === "replicate" && video.webhookSecret) app.use(webhooksRouter({ stores: deps.app.stores, secret: video.webhookSecret, log: deps.logger }));
  // Room for the longest prompt allowed (up to 4 bytes a character) and the rest of a request.
  const bodyLimit = deps.bodyLimit ?? Math.max(256 * 1024, deps.app.config.maxPromptChars * 4 + 64 * 1024);
  app.use(express.json({ limit: bodyLimit, strict: true, reviver: refusePollution, type: ["application/json", "application/*+json"] }));

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true, runs: { ...deps.app.runner.stats, in: deps.app.runsIn } });
  });
  const openapi = openApiDocument({ maxPromptChars: deps.app.config.maxPromptChars, apiKeyRequired: Boolean(server.apiKey) });
  app.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.use(docsRouter());

  if (deps.internal) app.use(deps.internal);

  app.use("/api/v1", apiKeyAuth(server.apiKey));
  for (const limiter of limiters) app.use("/api/v1", limiter);
  app.use(generationsRouter({ app: deps.app, clientOf, requestSchema: generationRequestSchema({ maxPromptChars: deps.app.config.maxPromptChars }) }));
  app.use(compositionsRouter({ app: deps.app }));
  app.use(assetsRouter({ app: deps.app }));

  app.use((req, res) => sendProblem(res, 404, "Not found", `no route ${req.method} ${req.path}`));
  app.use(problemHandler(deps.logger));
  return app;
}

/** Polling a generation (GET, and the SSE stream with its keep-alives) is debug; the info log is about work. */
const POLL = /^\/api\/v1\/generations(?:\/[^/?]+(?:\/events)?)?\/?(?:\?|$)/;

function logLevelOf(req: { method?: string; originalUrl?: string; url?: string }, res: { statusCode: number }, err?: Error): "error" | "warn" | "info" | "debug" {
  if (err || res.statusCode >= 500) return "error";
  if (res.statusCode === 429) return "warn";
  const url = req.originalUrl ?? req.url ?? "";
  if ((req.method === "GET" || req.method === "HEAD") && res.statusCode < 400 && POLL.test(url)) return "debug";
  return "info";
}
