import express, { type Express, type Router } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "pino";
import type { Reelgraph } from "../app/reelgraph.js";
import { docsPage } from "./docs.js";
import { problemHandler, refusePollution, sendProblem } from "./errors.js";
import { apiKeyAuth, clientOf, rateLimit, requestId } from "./middleware.js";
import { openApiDocument } from "./openapi.js";
import { assetsRouter } from "./routes/assets.js";
import { compositionsRouter } from "./routes/compositions.js";
import { generationsRouter } from "./routes/generations.js";
import { webhooksRouter } from "./routes/webhooks.js";

export interface AppDeps {
  app: Reelgraph;
  logger: Logger;
  /** The FFmpeg service's routes (/internal/v1/…), mounted in the same process by default. */
  internal?: Router;
  /** Per-client limits; generous reads so browser polling never trips them. */
  limits?: { writesPerSecond: number; writeBurst: number; readsPerSecond: number; readBurst: number };
  /** Largest JSON body accepted. */
  bodyLimit?: string;
}

/** Builds the HTTP API (no listen): validation at the edge, one router per resource, problem+json errors. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const limits = deps.limits ?? { writesPerSecond: 5, writeBurst: 30, readsPerSecond: 2000, readBurst: 4000 };
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(requestId());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) => (req as unknown as { id: string }).id,
      customProps: (req) => {
        const m = (req as unknown as { originalUrl?: string }).originalUrl?.match(/\/(gen_[A-Za-z0-9_]+|comp_[A-Za-z0-9_]+)/);
        return m ? { [m[1]!.startsWith("gen_") ? "generation_id" : "composition_id"]: m[1] } : {};
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" },
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: String(req.url).split("?")[0] }) },
    }),
  );
  // Before the JSON parser (the signature covers the raw body) and before the API key (the
  // signature is this route's authentication).
  const video = deps.app.config.video;
  if (video.provider === "replicate" && video.webhookSecret) app.use(webhooksRouter({ stores: deps.app.stores, secret: video.webhookSecret, log: deps.logger }));
  app.use(express.json({ limit: deps.bodyLimit ?? "256kb", strict: true, reviver: refusePollution, type: ["application/json", "application/*+json"] }));

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true, runs: deps.app.runner.stats });
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApiDocument());
  });
  app.get("/docs", (_req, res) => {
    res.type("html").send(docsPage());
  });

  if (deps.internal) app.use(deps.internal);

  app.use("/api/v1", apiKeyAuth(deps.app.config.server.apiKey));
  app.use("/api/v1", rateLimit({ rate: limits.writesPerSecond, burst: limits.writeBurst, methods: ["POST", "PUT", "PATCH", "DELETE"] }));
  app.use("/api/v1", rateLimit({ rate: limits.readsPerSecond, burst: limits.readBurst, methods: ["GET", "HEAD"] }));
  app.use(generationsRouter({ app: deps.app, clientOf }));
  app.use(compositionsRouter({ app: deps.app }));
  app.use(assetsRouter({ app: deps.app }));

  app.use((req, res) => sendProblem(res, 404, "Not found", `no route ${req.method} ${req.path}`));
  app.use(problemHandler(deps.logger));
  return app;
}
