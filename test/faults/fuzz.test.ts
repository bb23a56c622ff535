import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killGroup, seededRandom, startServerChild, type ServerChild } from "./child.js";
import { nextRequest, type FuzzIds, type FuzzRequest } from "./fuzz-gen.js";

/**
 * The API fuzz: a seeded stream of hostile requests (fuzz-gen.ts) over raw TCP, so any
 * method, path and header reaches the server as written, against the server running as its
 * own process (a crash is a dead process, not an error some test runner catches). Real ids
 * of a finished generation, its composition, a clip and a proposed edit are mixed in so the
 * requests reach past the id checks. No answer may be a 5xx, and afterwards the server
 * must be alive and healthy.
 */

const SEED = Number(process.env.REELGRAPH_FUZZ_SEED ?? 7_331);
const BUDGET_MS = Number(process.env.REELGRAPH_FUZZ_MS ?? 15_000);
const MAX_REQUESTS = 6_000;
const WORKERS = 4;
const TOKEN = "fuzz-internal-token";

let dir: string;
let child: ServerChild;
let ids: FuzzIds;

interface Outcome {
  status: number | null;
  error: string | null;
}

/** Writes the request as bytes and reads the status line; the socket is dropped after it. */
function send(port: number, q: FuzzRequest, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let buf = "";
    let done = false;
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ status: null, error: "no answer" }), timeoutMs);
    socket.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      const line = buf.indexOf("\r\n");
      if (line < 0) return;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(buf.slice(0, line));
      finish(m ? { status: Number(m[1]), error: null } : { status: null, error: `not HTTP: ${buf.slice(0, 80)}` });
    });
    socket.on("error", (e: NodeJS.ErrnoException) => finish({ status: null, error: e.code ?? e.message }));
    socket.on("close", () => finish({ status: null, error: "closed without an answer" }));
    socket.on("connect", () => {
      const lines = [`${q.method} ${q.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close", ...q.headers.map(([k, v]) => `${k}: ${v}`)];
      if (q.chunked) lines.push("Transfer-Encoding: chunked");
      else if (q.body.length || ["POST", "PUT", "PATCH"].includes(q.method)) lines.push(`Content-Length: ${q.body.length}`);
      socket.write(Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8"));
      if (!q.chunked) socket.write(q.body);
      else {
        for (let at = 0; at < q.body.length; at += 7_919) {
          const part = q.body.subarray(at, at + 7_919);
          socket.write(`${part.length.toString(16)}\r\n`);
          socket.write(part);
          socket.write("\r\n");
        }
        socket.write("0\r\n\r\n");
      }
    });
  });
}

async function json(path: string, init: RequestInit = {}): Promise<any> {
  const r = await fetch(child.url + path, { ...init, headers: { "content-type": "application/json", ...(init.headers ?? {}) } });
  return { status: r.status, body: await r.json().catch(() => null) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rg-fuzz-"));
  child = await startServerChild({
    REELGRAPH_DATA_DIR: join(dir, "data"),
    REELGRAPH_SHORT_SIDE: "180",
    REELGRAPH_INTERNAL_TOKEN: TOKEN,
    REELGRAPH_RUN_CONCURRENCY: "1",
    REELGRAPH_FFMPEG_CONCURRENCY: "1",
    REELGRAPH_TEST_LIMITS: "100000,100000,100000,100000",
  });
  const started = await json("/api/v1/generations", { method: "POST", body: JSON.stringify({ pipeline: "ad", prompt: "15 second ad for Nimbus umbrellas, witty", duration_s: 15 }) });
  const id = started.body.id as string;
  let g: any;
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 150))) {
    g = (await json(`/api/v1/generations/${id}`)).body;
    if (!["queued", "running"].includes(g.status)) break;
  }
  expect(g.status).toBe("completed");
  const edit = await json(`/api/v1/compositions/${g.composition.id}/edit`, { method: "POST", body: JSON.stringify({ instruction: "swap the first and second scenes" }) });
  expect(edit.status).toBe(201);
  ids = { generation: id, composition: g.composition.id, clip: g.clips[0].id, edit: edit.body.id, internalToken: TOKEN };
}, 90_000);

afterAll(() => {
  if (child) killGroup(child.child);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("API fuzz", () => {
  it(`answers every hostile request below 500 and stays healthy (seed ${SEED})`, { timeout: BUDGET_MS + 60_000 }, async () => {
    const random = seededRandom(SEED);
    const port = Number(new URL(child.url).port);
    const fiveHundreds: string[] = [];
    const silent: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    let withBody = 0;
    const end = Date.now() + BUDGET_MS;
    const worker = async () => {
      while (Date.now() < end && sent < MAX_REQUESTS) {
        const q = nextRequest(random, ids);
        sent++;
        if (q.body.length) withBody++;
        const o = await send(port, q);
        if (o.status !== null) {
          statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
          if (o.status >= 500) fiveHundreds.push(`${o.status} ${q.label}`);
        } else if (o.error === "ECONNREFUSED") {
          throw new Error(`the server stopped answering after: ${q.label}\n${child.stderr().slice(-3000)}`);
        } else if (!(q.huge || q.body.length > 0) || o.error === "no answer") {
          silent.push(`${o.error}: ${q.label}`);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));

    expect(fiveHundreds, child.stderr().slice(-3000)).toEqual([]);
    // A bodiless request always gets an answer; one with a body the server refuses early may
    // see the connection reset before the answer arrives (it closes with the body unread).
    expect(silent).toEqual([]);
    expect(sent).toBeGreaterThan(300);
    expect(withBody).toBeGreaterThan(100);
    // The requests reached the routes, not only the door: successes, refusals and not-founds.
    for (const s of [200, 400, 401, 404]) expect(statuses.get(s) ?? 0, `no ${s} among ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);

    expect(child.child.exitCode).toBeNull();
    const health = await json("/healthz");
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
    expect((await json(`/api/v1/generations/${ids.generation}`)).body.status).not.toBe("failed");
    const fresh = await json("/api/v1/generations", { method: "POST", body: JSON.stringify({ pipeline: "ad", prompt: "after the fuzz: an ad for tea", duration_s: 15 }) });
    expect(fresh.status).toBe(202);
    console.info(`fuzz seed ${SEED}: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  });
});
