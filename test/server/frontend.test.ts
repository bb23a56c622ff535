import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhook, WEBHOOK_HEADERS } from "../../core/webhook.js";
import { startApi, type ApiHarness } from "./harness.js";

const SECRET = "test-webhook-secret-0123456789";
const brief = { pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas, calm", duration_s: 15 };

/** A webhook receiver on 127.0.0.1 that answers each delivery with the next status in line (200 when the line is empty). */
function receiver(statuses: number[]) {
  const got: { headers: Record<string, string | string[] | undefined>; body: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const status = statuses.shift() ?? 200;
      got.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  return {
    got,
    url: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("what a frontend gets: webhooks, ETA, absolute URLs", () => {
  let api: ApiHarness;
  const hooks = receiver([500]);
  let hookUrl: string;

  beforeAll(async () => {
    hookUrl = await hooks.url();
    // The receiver is on loopback, so this server may call private addresses; the guard itself is tested below and in test/faults/ssrf.test.ts.
    api = await startApi({ allowPrivateUrls: true, env: { REELGRAPH_WEBHOOK_SECRET: SECRET, REELGRAPH_PUBLIC_URL: "https://video.example.com/base/" } });
  });
  afterAll(async () => {
    await api.close();
    await hooks.close();
  });

  it("signs the completion webhook, retries it after a 5xx, and reports ETA and absolute URLs", async () => {
    const r = await api.req("POST", "/api/v1/generations", { ...brief, webhook_url: hookUrl });
    expect(r.status).toBe(202);
    const etas: (number | null)[] = [];
    const g = await api.waitFor(r.json.id, (x) => {
      etas.push(x.progress.eta_s);
      return ["completed", "failed"].includes(x.status);
    });
    expect(g.status).toBe("completed");
    expect(g.progress.eta_s).toBe(0);
    expect(etas[0]).toBeNull();
    expect(g.composition.video.url).toMatch(/^https:\/\/video\.example\.com\/base\/api\/v1\/compositions\/comp_\w+\/video\?version=1$/);
    expect(g.composition.video.path.startsWith("/")).toBe(true);
    for (const c of g.clips) expect(c.url).toMatch(/^https:\/\/video\.example\.com\/base\/api\/v1\/clips\//);

    const until = Date.now() + 15_000;
    while (hooks.got.length < 2 && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    expect(hooks.got.map((h) => h.status)).toEqual([500, 200]);
    const [first, second] = hooks.got;
    expect(second!.headers[WEBHOOK_HEADERS.id]).toBe(first!.headers[WEBHOOK_HEADERS.id]);
    const message = JSON.parse(second!.body);
    expect(message).toMatchObject({ type: "generation.completed", data: { generation_id: r.json.id, status: "completed", composition: { version: 1 } } });
    const check = (body: string, secret = SECRET) =>
      verifyWebhook({ secret, body, timestamp: String(second!.headers[WEBHOOK_HEADERS.timestamp]), signature: String(second!.headers[WEBHOOK_HEADERS.signature]) });
    expect(check(second!.body)).toBe(true);
    expect(check(second!.body.replace("completed", "failed"))).toBe(false);
    expect(check(second!.body, "another-secret-0123456789")).toBe(false);
    const events = await api.server.app.stores.events.after(r.json.id, 0);
    expect(events.find((e) => e.type === "webhook_delivered")?.data).toMatchObject({ type: "generation.completed", attempts: 2 });

    // An edit can ask for its own webhook when its plan is ready.
    const before = hooks.got.length;
    const edit = await api.req("POST", `/api/v1/compositions/${g.composition.id}/edit`, { instruction: "swap the first and second scenes", webhook_url: hookUrl });
    expect(edit.status).toBe(201);
    while (hooks.got.length === before && Date.now() < until + 15_000) await new Promise((res) => setTimeout(res, 100));
    expect(JSON.parse(hooks.got[before]!.body)).toMatchObject({ type: "edit.plan_ready", data: { edit_id: edit.json.id, status: "proposed" } });
  });
});

describe("webhook URLs that cannot be used", () => {
  it("refuses a private address and a server that cannot sign, naming the field", async () => {
    const guarded = await startApi({ env: { REELGRAPH_WEBHOOK_SECRET: SECRET } });
    const unsigned = await startApi();
    try {
      const priv = await guarded.req("POST", "/api/v1/generations", { ...brief, webhook_url: "http://127.0.0.1:9/hooks" });
      expect(priv.status).toBe(400);
      expect(priv.json.errors[0]).toMatchObject({ path: "body.webhook_url" });
      expect(priv.json.detail).toMatch(/private or reserved/);
      const ftp = await guarded.req("POST", "/api/v1/generations", { ...brief, webhook_url: "ftp://example.com/x" });
      expect(ftp.status).toBe(400);
      const none = await unsigned.req("POST", "/api/v1/generations", { ...brief, webhook_url: "https://example.com/hooks" });
      expect(none.status).toBe(400);
      expect(none.json.detail).toMatch(/REELGRAPH_WEBHOOK_SECRET/);
      // Nothing was started by a refused request.
      expect((await guarded.req("GET", "/api/v1/generations")).json.items).toEqual([]);
    } finally {
      await guarded.close();
      await unsigned.close();
    }
  });
});
