import { createHmac, randomBytes } from "node:crypto";
import { validateWebhook } from "replicate";
import { describe, expect, it } from "vitest";
import { createWebhookDedupe, parseReplicateWebhook, signReplicateWebhook, verifyReplicateWebhook } from "../../../tools/replicate/webhook.js";

const secret = `whsec_${randomBytes(24).toString("base64")}`;
const body = JSON.stringify({ id: "pred_1", status: "succeeded", output: "https://replicate.delivery/x.mp4" });
const now = Date.parse("2025-03-01T12:00:00Z");
const ts = Math.floor(now / 1000);

/** Signed here independently of the module under test. */
function sign(id: string, timestamp: number, payload: string, key = secret): string {
  const raw = Buffer.from(key.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", raw).update(`${id}.${timestamp}.${payload}`).digest("base64")}`;
}

function headers(id: string, timestamp: number, signature: string) {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

describe("verifyReplicateWebhook", () => {
  it("accepts a correctly signed, fresh webhook (plain or fetch Headers, any case)", () => {
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", ts, sign("msg_1", ts, body)), body, now })).toBe(true);
    const h = new Headers(headers("msg_1", ts, sign("msg_1", ts, body)));
    expect(verifyReplicateWebhook({ secret, headers: h, body, now })).toBe(true);
    expect(verifyReplicateWebhook({ secret, headers: { "Webhook-Id": "msg_1", "Webhook-Timestamp": String(ts), "Webhook-Signature": sign("msg_1", ts, body) }, body, now })).toBe(true);
  });

  it("accepts when any of several signatures matches (key rotation)", () => {
    const both = `v1,${randomBytes(32).toString("base64")} ${sign("msg_1", ts, body)}`;
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", ts, both), body, now })).toBe(true);
  });

  it("rejects a tampered body, another id, a wrong secret, a wrong scheme and missing headers", () => {
    const sig = sign("msg_1", ts, body);
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", ts, sig), body: body.replace("succeeded", "failed"), now })).toBe(false);
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_2", ts, sig), body, now })).toBe(false);
    const other = `whsec_${randomBytes(24).toString("base64")}`;
    expect(verifyReplicateWebhook({ secret: other, headers: headers("msg_1", ts, sig), body, now })).toBe(false);
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", ts, sig.replace("v1,", "v2,")), body, now })).toBe(false);
    expect(verifyReplicateWebhook({ secret, headers: { "webhook-id": "msg_1", "webhook-timestamp": String(ts) }, body, now })).toBe(false);
    expect(verifyReplicateWebhook({ secret: "whsec_", headers: headers("msg_1", ts, sig), body, now })).toBe(false);
  });

  it("rejects an expired or far-future timestamp, even when correctly signed", () => {
    const old = ts - 301;
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", old, sign("msg_1", old, body)), body, now })).toBe(false);
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", old, sign("msg_1", old, body)), body, now, toleranceS: 400 })).toBe(true);
    const future = ts + 301;
    expect(verifyReplicateWebhook({ secret, headers: headers("msg_1", future, sign("msg_1", future, body)), body, now })).toBe(false);
  });

  it("agrees with the replicate client's own validator", async () => {
    const sig = signReplicateWebhook(secret, "msg_9", ts, body);
    expect(sig).toBe(sign("msg_9", ts, body));
    expect(await validateWebhook({ id: "msg_9", timestamp: String(ts), signature: sig, body, secret })).toBe(true);
  });
});

describe("webhook replay protection", () => {
  it("handles a webhook id once, then forgets it after the retention window", () => {
    let t = now;
    const dedupe = createWebhookDedupe({ retainMs: 600_000, now: () => t });
    const h = headers("msg_1", ts, sign("msg_1", ts, body));
    const accept = () => verifyReplicateWebhook({ secret, headers: h, body, now: t }) && dedupe.firstSeen(h["webhook-id"]);
    expect(accept()).toBe(true);
    expect(accept()).toBe(false);
    t += 601_000;
    expect(dedupe.firstSeen("msg_2")).toBe(true);
    expect(dedupe.size).toBe(1);
    expect(accept()).toBe(false);
  });

  it("keeps at most max ids", () => {
    const dedupe = createWebhookDedupe({ max: 3 });
    for (const id of ["a", "b", "c", "d"]) expect(dedupe.firstSeen(id)).toBe(true);
    expect(dedupe.size).toBe(3);
    expect(dedupe.firstSeen("d")).toBe(false);
  });

  it("parses a webhook body into a prediction", () => {
    expect(parseReplicateWebhook(body)).toMatchObject({ id: "pred_1", status: "succeeded" });
    expect(parseReplicateWebhook("{}")).toBeNull();
    expect(parseReplicateWebhook("not json")).toBeNull();
  });
});
