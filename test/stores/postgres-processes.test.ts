import { afterAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../core/domain.js";
import { ConflictError, type Stores } from "../../core/stores.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { openPostgresStores, type PostgresStores, type PostgresStoresOptions } from "../../tools/store/postgres/index.js";
import { MIGRATIONS } from "../../tools/store/postgres/migrations.js";
import { createTestDatabase } from "../helpers/postgres.js";

/**
 * Several processes on one database, as an API and its workers are: each store set here has a
 * pool and a LISTEN connection of its own, exactly what a second process would have.
 */
const db = await createTestDatabase();
afterAll(() => db?.drop());

const open: PostgresStores[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});
async function processOn(url: string, opts: PostgresStoresOptions = {}): Promise<PostgresStores> {
  const s = openPostgresStores(url, { max: 4, onError: (err) => process.stderr.write(`[pg store] ${String(err)}\n`), ...opts });
  open.push(s);
  await s.ready();
  return s;
}

let n = 0;
const gen = () => `gen_p${Date.now().toString(36)}${n++}`;

async function until(what: string | (() => string), ok: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What an SSE client connected to `s` with Last-Event-ID `last` receives (the route's subscribe-then-replay). */
function sseClient(s: Stores, generationId: string, last: number) {
  const got: StoredEvent[] = [];
  let sent = last;
  const send = (e: StoredEvent) => {
    if (e.seq <= sent) return;
    sent = e.seq;
    got.push(e);
  };
  const buffered: StoredEvent[] = [];
  let replaying = true;
  const off = s.events.subscribe(generationId, (e) => (replaying ? buffered.push(e) : send(e)));
  const done = (async () => {
    for (let batch = await s.events.after(generationId, sent); batch.length; batch = await s.events.after(generationId, sent)) batch.forEach(send);
    replaying = false;
    buffered.forEach(send);
  })();
  return { got, off, done };
}

const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

describe.skipIf(!db)("Postgres across processes", () => {
  it("a subscriber in one process hears every event another appends, in order, once", async () => {
    const url = await db!.freshSchema();
    const [api, worker] = await Promise.all([processOn(url), processOn(url)]);
    const g = gen();
    const heard: StoredEvent[] = [];
    const all: StoredEvent[] = [];
    const off = api.events.subscribe(g, (e) => heard.push(e));
    const offAll = api.events.subscribe("*", (e) => e.generation_id === g && all.push(e));
    await new Promise((r) => setTimeout(r, 50));
    const written: StoredEvent[] = [];
    for (let i = 0; i < 40; i++) written.push(await worker.events.append(g, "clip", { i }));
    await worker.events.append(gen(), "other", {});
    await until(() => `40 events in the API process (heard ${heard.length}, all ${all.length}, listening ${api.events.listening})`, () => heard.length >= 40 && all.length >= 40);
    await new Promise((r) => setTimeout(r, 200));
    expect(seqs(heard)).toEqual(seqs(written));
    expect(seqs(all)).toEqual(seqs(written));
    expect(heard.map((e) => e.data)).toEqual(written.map((e) => e.data));
    expect(heard[0]!.created_at).toBe(written[0]!.created_at);
    off();
    offAll();
  });

  it("an SSE client reconnecting with Last-Event-ID to another process gets what it missed and nothing twice", async () => {
    const url = await db!.freshSchema();
    const [a, b] = await Promise.all([processOn(url), processOn(url)]);
    const g = gen();
    const first = sseClient(a, g, 0);
    for (let i = 0; i < 5; i++) await b.events.append(g, "stage", { i });
    await until("the first 5 on A", () => first.got.length === 5);
    first.off();
    const last = first.got[2]!.seq;
    // Reconnect to B (another process) while A's worker keeps appending.
    const writer = (async () => {
      for (let i = 5; i < 30; i++) await a.events.append(g, "stage", { i });
    })();
    const second = sseClient(b, g, last);
    await writer;
    await second.done;
    await until("every event after Last-Event-ID on B", () => second.got.length === 27);
    await new Promise((r) => setTimeout(r, 200));
    expect(second.got.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 27 }, (_, k) => k + 3));
    expect(increasing(seqs(second.got))).toBe(true);
    second.off();
  });

  it("subscribe-then-replay misses nothing another process writes meanwhile", async () => {
    const url = await db!.freshSchema();
    const [a, b] = await Promise.all([processOn(url), processOn(url)]);
    const rounds = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const g = gen();
        const written: StoredEvent[] = [];
        let client: ReturnType<typeof sseClient> | null = null;
        for (let i = 0; i < 12; i++) {
          // A client connects while the other process is in the middle of writing.
          if (i === 3) client = sseClient(a, g, 0);
          written.push(await b.events.append(g, "race", { i }));
        }
        await client!.done;
        return { client: client!, written };
      }),
    );
    await until("every client's 12 events", () => rounds.every((r) => r.client.got.length >= 12));
    await new Promise((r) => setTimeout(r, 100));
    for (const r of rounds) {
      expect(seqs(r.client.got)).toEqual(seqs(r.written));
      r.client.off();
    }
  });

  it("a subscription whose first read waits for a connection still hears what was written in the meantime", async () => {
    const url = await db!.freshSchema();
    const [a, b] = await Promise.all([processOn(url, { max: 1 }), processOn(url)]);
    const g = gen();
    await b.events.append(g, "before", {});
    const busy = a.context.query("SELECT pg_sleep(0.8)");
    await new Promise((r) => setTimeout(r, 50));
    const heard: StoredEvent[] = [];
    a.events.subscribe(g, (e) => heard.push(e));
    const written: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) written.push(await b.events.append(g, "meanwhile", { i }));
    await busy;
    await until(() => `5 events (heard ${heard.length})`, () => heard.length >= 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(seqs(heard)).toEqual(seqs(written));
  });

  it("two processes appending to one generation at once: both hear all of it, in seq order, once", async () => {
    const url = await db!.freshSchema();
    const [a, b] = await Promise.all([processOn(url), processOn(url)]);
    const g = gen();
    const onA: StoredEvent[] = [];
    const onB: StoredEvent[] = [];
    a.events.subscribe(g, (e) => onA.push(e));
    b.events.subscribe(g, (e) => onB.push(e));
    await new Promise((r) => setTimeout(r, 50));
    await Promise.all([
      Promise.all(Array.from({ length: 25 }, (_, i) => a.events.append(g, "a", { i }))),
      Promise.all(Array.from({ length: 25 }, (_, i) => b.events.append(g, "b", { i }))),
    ]);
    await until("50 events on both", () => onA.length >= 50 && onB.length >= 50);
    await new Promise((r) => setTimeout(r, 200));
    const stored = seqs(await a.events.after(g, 0));
    expect(stored).toHaveLength(50);
    expect(seqs(onA)).toEqual(stored);
    expect(seqs(onB)).toEqual(stored);
  });

  it("after its LISTEN connection is dropped, a process listens again and catches up on what it missed", async () => {
    const url = await db!.freshSchema();
    // A waits long enough before listening again that everything below is written while it is deaf.
    const [a, b] = await Promise.all([processOn(url, { listenRetry: { initialMs: 600, maxMs: 600 } }), processOn(url)]);
    const g = gen();
    const heard: StoredEvent[] = [];
    a.events.subscribe(g, (e) => heard.push(e));
    await until("A listening", () => a.events.listening);
    await b.events.append(g, "before", {});
    await until("the first event", () => heard.length === 1);
    const killed = await db!.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'reelgraph-events'");
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    await until("A notices the drop", () => !a.events.listening);
    const during: StoredEvent[] = [];
    for (let i = 0; i < 10; i++) during.push(await b.events.append(g, "during", { i }));
    expect(a.events.listening).toBe(false);
    // Nothing is appended after A listens again: only its catch-up can bring these.
    await until("the 10 written while A was not listening", () => heard.length >= 11);
    await b.events.append(g, "after", {});
    await until("the one after", () => heard.length >= 12);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.map((e) => e.type)).toEqual(["before", ...Array(10).fill("during"), "after"]);
    expect(increasing(seqs(heard))).toBe(true);
  });

  it("several processes opening a new database at once apply each migration once", async () => {
    const url = await db!.freshSchema();
    const many = await Promise.all(Array.from({ length: 5 }, () => processOn(url)));
    const [r] = await many[0]!.context.query<{ versions: string; n: string }>("SELECT max(version) AS versions, count(*) AS n FROM reelgraph_migrations");
    expect(Number(r!.versions)).toBe(MIGRATIONS.length);
    expect(Number(r!.n)).toBe(MIGRATIONS.length);
    await Promise.all(many.map((s) => s.checkpointer().inner()));
    const [c] = await many[0]!.context.query<{ n: string }>("SELECT count(*) AS n FROM public.checkpoint_migrations");
    expect(Number(c!.n)).toBeGreaterThan(0);
  });

  it("two processes creating the same generation: one creates it, the other gets a ConflictError", async () => {
    const url = await db!.freshSchema();
    const [a, b] = await Promise.all([processOn(url), processOn(url)]);
    const request = GenerationRequestSchema.parse({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas" });
    const results = await Promise.allSettled([a.generations.create({ id: "gen_same", request }), b.generations.create({ id: "gen_same", request })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
  });

  it("one idempotency key claimed by several processes at once has one holder", async () => {
    const url = await db!.freshSchema();
    const procs = await Promise.all(Array.from({ length: 4 }, () => processOn(url)));
    for (let round = 0; round < 5; round++) {
      const key = `client:key${round}`;
      const claims = await Promise.all(procs.flatMap((p, i) => [p.idempotency.claim(key, `gen_${i}a`, "h"), p.idempotency.claim(key, `gen_${i}b`, "h")]));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      expect(new Set(claims.map((c) => c.value)).size).toBe(1);
    }
  });

  it("a restarting FFmpeg service fails only the jobs of a process that is gone", async () => {
    const url = await db!.freshSchema();
    const [live, gone, restarted] = [await processOn(url), await processOn(url), await processOn(url)];
    await live.jobs.create({ id: "job_live", composition_id: "comp_1", version: 1, callback_url: "http://127.0.0.1:1/cb" });
    await gone.jobs.create({ id: "job_gone", composition_id: "comp_2", version: 1, callback_url: "http://127.0.0.1:1/cb" });
    await gone.jobs.markRunning("job_gone");
    await gone.close();
    const failed = await restarted.jobs.failInterrupted("the FFmpeg service restarted before the job finished");
    expect(failed.map((j) => j.id)).toEqual(["job_gone"]);
    expect(await restarted.jobs.get("job_gone")).toMatchObject({ status: "failed", error: "the FFmpeg service restarted before the job finished" });
    expect(await restarted.jobs.get("job_live")).toMatchObject({ status: "queued" });
    expect(await restarted.jobs.failInterrupted("again")).toEqual([]);
  });
});
