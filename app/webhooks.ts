import { randomUUID } from "node:crypto";
import { backoffDelay } from "../core/backoff.js";
import type { StoredEvent } from "../core/domain.js";
import type { Stores } from "../core/stores.js";
import { signWebhook, WEBHOOK_HEADERS } from "../core/webhook.js";
import type { Log } from "../graph/ports.js";

/** Sends one signed POST; resolves with the receiver's status (tools/http/post.ts in production). */
export type WebhookPost = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;

export interface WebhookOptions {
  stores: Stores;
  /** REELGRAPH_WEBHOOK_SECRET: every delivery is signed with it (core/webhook.ts). */
  secret: string;
  post: WebhookPost;
  log: Log;
  /** Attempts per delivery (default 6: about a minute and a half of retries). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  backoff?: { initialMs: number; maxMs: number };
}

/** What a webhook says, by the event that triggers it. */
const TRIGGERS: Record<string, string> = { completed: "generation.completed", failed: "generation.failed", edit_planned: "edit.plan_ready" };

/**
 * Tells the caller's `webhook_url` when a generation completes or fails and when an edit plan
 * is ready: a signed POST, retried with backoff on a network error, a 5xx, 408 or 429 (never on
 * another 4xx). Each delivery happens once across processes (an idempotency key per event), and
 * its outcome is recorded in the generation's events (`webhook_delivered` / `webhook_failed`).
 */
export class WebhookNotifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly off: () => void;

  constructor(private readonly o: WebhookOptions) {
    this.off = o.stores.events.subscribe("*", (e) => {
      if (!TRIGGERS[e.type]) return;
      const p = this.handle(e).catch((error) => o.log.warn({ generation_id: e.generation_id, err: String(error) }, "webhook not sent"));
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    });
  }

  /** Stops listening; resolves when deliveries under way have finished. */
  async close(): Promise<void> {
    this.off();
    await Promise.allSettled([...this.pending]);
  }

  private async handle(e: StoredEvent): Promise<void> {
    const { stores } = this.o;
    const payload = await this.payloadFor(e);
    if (!payload) return;
    const claim = await stores.idempotency.claim(`webhook:${e.generation_id}:${e.seq}`, "sending");
    if (!claim.claimed) return;
    await this.deliver(e.generation_id, payload.url, { id: `whk_${randomUUID().replace(/-/g, "").slice(0, 20)}`, type: TRIGGERS[e.type]!, created_at: e.created_at, data: payload.data });
  }

  private async payloadFor(e: StoredEvent): Promise<{ url: string; data: Record<string, unknown> } | null> {
    const { generations, compositions } = this.o.stores;
    if (e.type === "edit_planned") {
      const edit = await compositions.getEdit(String(e.data.edit_id)).catch(() => null);
      const url = edit?.plan.webhook_url;
      if (!edit || !url) return null;
      return { url, data: { generation_id: e.generation_id, composition_id: edit.composition_id, edit_id: edit.id, status: edit.plan.status, reason: edit.plan.reason ?? null, diff: edit.plan.diff } };
    }
    const g = await generations.get(e.generation_id).catch(() => null);
    const url = (g?.request as { webhook_url?: string } | undefined)?.webhook_url;
    if (!g || !url) return null;
    return {
      url,
      data: {
        generation_id: g.id,
        status: g.status,
        error: g.error,
        composition: g.composition ? { id: g.composition.id, version: g.composition.version, video: { url: g.composition.video.url, duration_s: g.composition.video.duration_s } } : null,
      },
    };
  }

  private async deliver(generationId: string, url: string, message: { id: string; type: string; created_at: string; data: Record<string, unknown> }): Promise<void> {
    const { post, secret, stores, log } = this.o;
    const attempts = this.o.attempts ?? 6;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const body = JSON.stringify(message);
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const ts = Math.floor(Date.now() / 1000);
      const headers = { [WEBHOOK_HEADERS.id]: message.id, [WEBHOOK_HEADERS.timestamp]: String(ts), [WEBHOOK_HEADERS.signature]: signWebhook(secret, ts, body) };
      let retry = true;
      try {
        const r = await post(url, body, headers);
        if (r.status >= 200 && r.status < 300) {
          await stores.events.append(generationId, "webhook_delivered", { webhook_id: message.id, type: message.type, status: r.status, attempts: attempt });
          return;
        }
        last = `the receiver answered ${r.status}`;
        retry = r.status >= 500 || r.status === 408 || r.status === 429;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
        retry = !/private or reserved|local host name|only http|not a valid URL|credentials/.test(last);
      }
      log.warn({ generation_id: generationId, webhook_id: message.id, attempt, err: last }, "webhook delivery failed");
      if (!retry || attempt === attempts) break;
      await sleep(backoffDelay(attempt - 1, { initialMs: this.o.backoff?.initialMs ?? 1000, maxMs: this.o.backoff?.maxMs ?? 60_000 }));
    }
    await stores.events.append(generationId, "webhook_failed", { webhook_id: message.id, type: message.type, error: last.slice(0, 300) });
  }
}
