import express, { Router, type Request } from "express";
import { createWebhookDedupe, parseReplicateWebhook, REPLICATE_WEBHOOK_PATH, verifyReplicateWebhook, type WebhookDedupe } from "../../tools/replicate/webhook.js";
import type { ClipLedger, EventLog, IdempotencyStore } from "../../core/stores.js";
import { sendProblem } from "../errors.js";


export interface WebhooksDeps {
  stores: { clips: ClipLedger; events: EventLog; idempotency: IdempotencyStore };
  /** REPLICATE_WEBHOOK_SECRET (`whsec_…`); without it the route answers 503. */
  secret?: string;
  log?: { info(o: Record<string, unknown>, m?: string): void; warn(o: Record<string, unknown>, m?: string): void };
  /** Remembers ids of webhooks for predictions no clip holds; those of known clips are checked in the event log. */
  dedupe?: WebhookDedupe;
  /** Wall clock (ms) for the signature's timestamp window. */
  now?: () => number;
  /** Largest body accepted (default 1 MB: a prediction carries its logs). */
  bodyLimit?: string;
}

/** The event a webhook adds to a generation's log. */
export const PREDICTION_EVENT = "prediction_status";

/**
 * POST /api/v1/webhooks/replicate: Replicate's call when a prediction completes. The body is
 * read raw, because the signature covers its exact bytes, and verified (Standard Webhooks,
 * HMAC-SHA256, 5-minute window) before anything else; a redelivery (same webhook-id) is
 * acknowledged and changes nothing. A verified prediction is recorded as a
 * `prediction_status` event of the generation whose clip holds that prediction id. Polling
 * still decides the clip: the webhook is a record, not a second source of truth.
 *
 * Mount it before the JSON body parser (which would consume the body) and outside the API
 * key and rate limits of /api/v1 (Replicate sends neither key nor predictable traffic): the
 * signature is this route's authentication.
 */
export function webhooksRouter(deps: WebhooksDeps): Router {
  const r = Router();
  const dedupe = deps.dedupe ?? createWebhookDedupe();
  const now = deps.now ?? Date.now;
  const raw = express.raw({ type: () => true, limit: deps.bodyLimit ?? "1mb" });

  r.post(
    REPLICATE_WEBHOOK_PATH,
    (req, res, next) => {
      if (!deps.secret) return sendProblem(res, 503, "Webhooks disabled", "Replicate webhooks are disabled on this server: set REPLICATE_WEBHOOK_SECRET");
      next();
    },
    raw,
    async (req, res) => {
      const body = rawBody(req);
      if (body === null) return sendProblem(res, 400, "Invalid request", "the webhook body was consumed before it could be verified");
      const text = body.toString("utf8");
      if (!verifyReplicateWebhook({ secret: deps.secret!, headers: req.headers, body: text, now: now() })) {
        deps.log?.warn({ webhook_id: String(req.get("webhook-id") ?? "").slice(0, 100) }, "Replicate webhook refused: bad or stale signature");
        return sendProblem(res, 401, "Unauthorized", "the webhook signature is missing, not valid, or outside the 5-minute window");
      }
      const webhookId = req.get("webhook-id")!;
      const prediction = parseReplicateWebhook(text);
      if (!prediction) return sendProblem(res, 400, "Invalid request", "the webhook body is not a Replicate prediction");
      const found = await deps.stores.clips.findByPrediction(prediction.id);
      const clip = found ? { id: found.clip_id, generation_id: found.generation_id, scene_id: found.scene_id } : null;
      if (!clip) {
        const first = dedupe.firstSeen(webhookId);
        if (first) deps.log?.info({ prediction_id: prediction.id, status: prediction.status }, "Replicate webhook for a prediction no clip holds");
        return res.status(200).json({ received: true, duplicate: !first, clip_id: null });
      }
      // Handled webhooks are kept as idempotency keys, so a redelivery after a restart is caught too.
      const claim = await deps.stores.idempotency.claim(`replicate-webhook:${webhookId}`, clip.id);
      if (!claim.claimed) return res.status(200).json({ received: true, duplicate: true, clip_id: clip.id });
      await deps.stores.events.append(clip.generation_id, PREDICTION_EVENT, {
        source: "webhook",
        webhook_id: webhookId,
        clip_id: clip.id,
        scene_id: clip.scene_id,
        prediction_id: prediction.id,
        status: prediction.status,
        error: prediction.error == null ? null : String(typeof prediction.error === "string" ? prediction.error : JSON.stringify(prediction.error)).slice(0, 1000),
      });
      dedupe.firstSeen(webhookId);
      res.status(200).json({ received: true, duplicate: false, clip_id: clip.id });
    },
  );
  return r;
}

function rawBody(req: Request): Buffer | null {
  if (Buffer.isBuffer(req.body)) return req.body;
  const kept = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(kept)) return kept;
  // Nothing was sent at all: verify the empty body (it will fail unless signed as empty).
  return req.body === undefined ? Buffer.alloc(0) : null;
}
