import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * How reelgraph signs the webhooks it sends (and how a receiver checks them). Each delivery
 * carries three headers:
 *
 *   Reelgraph-Webhook-Id:        whk_… (the same on every retry of one delivery: dedupe by it)
 *   Reelgraph-Webhook-Timestamp: seconds since the epoch, when this attempt was signed
 *   Reelgraph-Signature:         v1=<hex HMAC-SHA256 of `${timestamp}.${raw body}`, keyed with
 *                                REELGRAPH_WEBHOOK_SECRET>
 *
 * A receiver recomputes the HMAC over the raw body exactly as received, compares in constant
 * time, and refuses a timestamp more than five minutes from its clock (a replay).
 */
export const WEBHOOK_HEADERS = { id: "reelgraph-webhook-id", timestamp: "reelgraph-webhook-timestamp", signature: "reelgraph-signature" } as const;

export function signWebhook(secret: string, timestampS: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex")}`;
}

/** True when `signature` was made with `secret` over this body and timestamp, and the timestamp is fresh. */
export function verifyWebhook(input: { secret: string; body: string; timestamp: string | null | undefined; signature: string | null | undefined; nowS?: number; toleranceS?: number }): boolean {
  const ts = Number(input.timestamp);
  if (!input.signature || !Number.isInteger(ts)) return false;
  const now = input.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (input.toleranceS ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, ts, input.body));
  return input.signature.split(/\s*,\s*/).some((candidate) => {
    const got = Buffer.from(candidate);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
