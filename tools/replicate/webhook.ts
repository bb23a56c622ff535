import { createHmac, timingSafeEqual } from "node:crypto";
import { PredictionSchema, type Prediction } from "./schema.js";

/**
 * Replicate signs webhooks with the Standard Webhooks scheme: HMAC-SHA256, keyed with the
 * base64 secret after `whsec_`, over `${webhook-id}.${webhook-timestamp}.${body}`; the
 * `webhook-signature` header lists space-separated `v1,<base64>` signatures.
 */

/** Where the API receives Replicate's webhooks. */
export const REPLICATE_WEBHOOK_PATH = "/api/v1/webhooks/replicate";

/** The URL to give Replicate (`webhookUrl` of the provider) for a server reachable at `publicUrl`. */
export function replicateWebhookUrl(publicUrl: string): string {
  return new URL(REPLICATE_WEBHOOK_PATH.slice(1), publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`).toString();
}

type HeaderValue = string | string[] | undefined | null;

export interface WebhookVerification {
  /** The signing secret as Replicate gives it (`whsec_…`). */
  secret: string;
  /** Request headers: a plain object (any case) or a fetch Headers. */
  headers: Headers | Record<string, HeaderValue>;
  /** The raw request body, exactly as received. */
  body: string;
  /** Current time in ms (default Date.now()). */
  now?: number;
  /** Largest accepted distance between the signed timestamp and now, in seconds (default 300). */
  toleranceS?: number;
}

/**
 * True when the body was signed with `secret` and the timestamp is within tolerance.
 * Comparison is constant-time. It does not detect replays within the window: pair it with
 * createWebhookDedupe.
 */
export function verifyReplicateWebhook(v: WebhookVerification): boolean {
  const id = header(v.headers, "webhook-id");
  const timestamp = header(v.headers, "webhook-timestamp");
  const signatures = header(v.headers, "webhook-signature");
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  const nowS = Math.floor((v.now ?? Date.now()) / 1000);
  if (Math.abs(nowS - Number(timestamp)) > (v.toleranceS ?? 300)) return false;
  const key = secretKey(v.secret);
  if (!key) return false;
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${v.body}`).digest();
  let ok = false;
  for (const entry of signatures.split(" ")) {
    const [version, sig] = entry.split(",", 2);
    if (version !== "v1" || !sig) continue;
    const given = Buffer.from(sig, "base64");
    // keep looping after a match so timing does not reveal which entry matched
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** The signature header value for a payload; used by tests and by anything that must sign like Replicate. */
export function signReplicateWebhook(secret: string, id: string, timestampS: number, body: string): string {
  const key = secretKey(secret);
  if (!key) throw new Error("webhook secret is not base64 after the whsec_ prefix");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampS}.${body}`).digest("base64")}`;
}

/** Parses a verified webhook body into a prediction; null when it is not one. */
export function parseReplicateWebhook(body: string): Prediction | null {
  try {
    const p = PredictionSchema.safeParse(JSON.parse(body));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}

export interface WebhookDedupe {
  /** True the first time an id is seen within the retention window, false for a repeat. */
  firstSeen(webhookId: string): boolean;
  readonly size: number;
}

/**
 * Remembers webhook ids so a redelivered or replayed webhook is handled once. Ids are kept
 * for `retainMs` (default 2 × 300 s tolerance: an older replay already fails the timestamp
 * check) and at most `max` of them.
 */
export function createWebhookDedupe(options: { retainMs?: number; max?: number; now?: () => number } = {}): WebhookDedupe {
  const retainMs = options.retainMs ?? 600_000;
  const max = options.max ?? 100_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  const prune = (t: number) => {
    for (const [id, at] of seen) {
      if (t - at < retainMs && seen.size < max) break;
      seen.delete(id);
    }
  };
  return {
    firstSeen(webhookId) {
      const t = now();
      prune(t);
      if (seen.has(webhookId)) return false;
      seen.set(webhookId, t);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

function secretKey(secret: string): Buffer | null {
  const b64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  return Buffer.from(b64, "base64");
}

function header(headers: Headers | Record<string, HeaderValue>, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const record = headers as Record<string, HeaderValue>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
