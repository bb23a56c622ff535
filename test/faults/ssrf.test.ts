import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySaver } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGeneration, testApp } from "../helpers/app.js";
import { compileGraph } from "../../graph/index.js";
import { GenerationRequestSchema } from "../../core/schemas/request.js";
import { isForbiddenAddress } from "../../tools/net/address.js";
import { downloadToFile } from "../../tools/http/download.js";
import { checkUrlShape, UnsafeUrlError, type NetPolicy } from "../../tools/net/policy.js";
import { startHttpTarget, type HttpTarget } from "../fakes/http-target.js";
import { silentLog, testConfig } from "../helpers/env.js";
import { startFaultApi, type FaultApi } from "./api.js";

/**
 * Server-side request forgery: a song URL is fetched by the server, so it must never reach
 * the server's own network. "internal" is a service on 127.0.0.1 and [::1] that records
 * every request: after each test it must have seen none. "public" stands for a host on the
 * internet: it listens on 127.0.0.2, which the test policy (and only it) treats as public,
 * and a test resolver maps names to addresses without a DNS server.
 */

let internal: HttpTarget;
let internal6: HttpTarget;
let pub: HttpTarget;
let dir: string;

const testPolicy = (names: Record<string, string[]> = {}): NetPolicy => ({
  isForbidden: (a) => a !== "127.0.0.2" && isForbiddenAddress(a),
  resolve: async (hostname) => {
    const list = names[hostname];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  },
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rg-ssrf-"));
  internal = await startHttpTarget("127.0.0.1");
  internal6 = await startHttpTarget("::1", undefined);
  pub = await startHttpTarget("127.0.0.2", (req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const to = u.searchParams.get("to");
    if (u.pathname === "/redirect" && to) {
      res.writeHead(302, { location: to });
      return void res.end();
    }
    if (u.pathname === "/loop") {
      res.writeHead(301, { location: "/loop" });
      return void res.end();
    }
    if (u.pathname === "/page") {
      res.writeHead(200, { "content-type": "text/html" });
      return void res.end("<html>");
    }
    if (u.pathname === "/huge-declared") {
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(10_000_000) });
      return void res.end();
    }
    if (u.pathname === "/huge-chunked") {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    if (u.pathname === "/drip") {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write("x")), 100);
      res.on("close", () => clearInterval(t));
      return;
    }
    res.writeHead(200, { "content-type": "audio/mpeg" });
    res.end("ID3 song bytes");
  });
});

afterAll(async () => {
  expect(internal.requests, "the internal service was reached").toEqual([]);
  expect(internal6.requests, "the internal IPv6 service was reached").toEqual([]);
  await Promise.all([internal.close(), internal6.close(), pub.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const PRIVATE_FORMS = (port: number) => [
  `http://127.0.0.1:${port}/song.mp3`,
  `http://10.0.0.5/song.mp3`,
  `http://172.16.3.4/song.mp3`,
  `http://192.168.1.1/song.mp3`,
  `http://169.254.169.254/latest/meta-data/`,
  `http://100.64.0.1/x`,
  `http://0.0.0.0:${port}/`,
  `http://[::1]:${port}/song.mp3`,
  `http://[::ffff:127.0.0.1]:${port}/song.mp3`,
  `http://[::ffff:7f00:1]:${port}/song.mp3`,
  `http://[::ffff:169.254.169.254]/`,
  `http://[fd00::1]/`,
  `http://[fe80::1]/`,
  `http://[64:ff9b::a9fe:a9fe]/`,
  `http://0x7f000001:${port}/song.mp3`,
  `http://2130706433:${port}/song.mp3`,
  `http://017700000001:${port}/song.mp3`,
  `http://127.1:${port}/song.mp3`,
  `http://0/song.mp3`,
  `http://localhost:${port}/song.mp3`,
  `http://LOCALHOST./song.mp3`,
  `http://api.localhost/song.mp3`,
  `http://metadata.google.internal/computeMetadata/v1/`,
];

describe("the address rule (pure)", () => {
  it("refuses loopback, private, link-local, CGNAT, reserved and IPv6 forms that embed them", () => {
    for (const a of ["127.0.0.1", "127.255.255.254", "10.1.2.3", "172.31.0.1", "192.168.0.1", "169.254.169.254", "100.100.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "::1", "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::127.0.0.1", "fc00::1", "fe80::1%eth0", "ff02::1", "64:ff9b::7f00:1", "2002:7f00:1::", "2001:db8::1", "not-an-ip"])
      expect(isForbiddenAddress(a), a).toBe(true);
    for (const a of ["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isForbiddenAddress(a), a).toBe(false);
  });

  it("refuses every literal, numeric and local-name form of a private host before any network", () => {
    for (const u of PRIVATE_FORMS(internal.port)) expect(() => checkUrlShape(u), u).toThrow(UnsafeUrlError);
    for (const u of ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/a.mp3", "http://user:pw@example.com/a.mp3", "not a url", "data:audio/mpeg;base64,AAAA"])
      expect(() => checkUrlShape(u), u).toThrow(UnsafeUrlError);
    expect(checkUrlShape("https://cdn.example.com/song.mp3?sig=1").hostname).toBe("cdn.example.com");
  });
});

describe("guarded downloads over real HTTP", () => {
  const dest = () => join(dir, `song-${Math.random().toString(36).slice(2)}.mp3`);
  const base = { maxBytes: 1024 * 1024, accept: ["audio/"], timeoutMs: 5_000 };

  it("fetches from a public host", async () => {
    const d = dest();
    const r = await downloadToFile(`${pub.origin}/song.mp3`, d, { ...base, ...testPolicy() });
    expect(readFileSync(d, "utf8")).toBe("ID3 song bytes");
    expect(r.contentType).toBe("audio/mpeg");
  });

  it("refuses a name that resolves to loopback, or to a public and a private address at once", async () => {
    const policy = testPolicy({ "rebind.test": ["127.0.0.1"], "mixed.test": ["127.0.0.2", "10.0.0.1"], "six.test": ["::1"] });
    for (const host of ["rebind.test", "mixed.test", "six.test"]) {
      await expect(downloadToFile(`http://${host}:${internal.port}/song.mp3`, dest(), { ...base, ...policy }), host).rejects.toThrow(/resolves to a private or reserved address/);
      await expect(downloadToFile(`http://${host}:${internal.port}/song.mp3`, dest(), { ...base, ...policy }), host).rejects.toMatchObject({ context: { kind: "forbidden" } });
    }
  });

  it("checks every redirect hop: loopback literals, numeric forms, IPv6, names, other schemes", async () => {
    const policy = testPolicy({ "rebind.test": ["127.0.0.1"] });
    const targets = [
      `${internal.origin}/secret`,
      `http://2130706433:${internal.port}/secret`,
      `http://0x7f.1:${internal.port}/secret`,
      `${internal6.origin}/secret`,
      `http://[::ffff:127.0.0.1]:${internal.port}/secret`,
      `http://localhost:${internal.port}/secret`,
      `http://rebind.test:${internal.port}/secret`,
      "file:///etc/passwd",
    ];
    for (const to of targets) {
      const before = pub.requests.length;
      await expect(downloadToFile(`${pub.origin}/redirect?to=${encodeURIComponent(to)}`, dest(), { ...base, ...policy }), to).rejects.toMatchObject({ name: "DownloadError", context: { kind: "forbidden" } });
      expect(pub.requests.length, "the public hop itself was fetched").toBe(before + 1);
    }
    await expect(downloadToFile(`${pub.origin}/loop`, dest(), { ...base, ...policy })).rejects.toThrow(/more than 3 redirects/);
  });

  it("limits type, size (declared and streamed) and total time, and leaves no partial file", async () => {
    const p = testPolicy();
    await expect(downloadToFile(`${pub.origin}/page`, dest(), { ...base, ...p })).rejects.toThrow(/text\/html, expected audio/);
    await expect(downloadToFile(`${pub.origin}/huge-declared`, dest(), { ...base, ...p })).rejects.toThrow(/10000000 bytes, more than/);
    const d = dest();
    await expect(downloadToFile(`${pub.origin}/huge-chunked`, d, { ...base, ...p })).rejects.toThrow(/larger than the 1048576 bytes/);
    const started = Date.now();
    await expect(downloadToFile(`${pub.origin}/drip`, d, { ...base, ...p, timeoutMs: 700 })).rejects.toThrow(/did not finish within 0.7 s/);
    expect(Date.now() - started).toBeLessThan(3_000);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(new Error("cancelled by the user")), 200);
    await expect(downloadToFile(`${pub.origin}/drip`, d, { ...base, ...p, signal: cancel.signal })).rejects.toThrow(/cancelled by the user/);
    expect(readdirSync(dir).filter((f) => f.includes(".part"))).toEqual([]);
    expect(existsSync(d)).toBe(false);
  });
});

describe("song URLs given to the API", () => {
  let api: FaultApi;
  beforeAll(async () => {
    api = await startFaultApi();
  });
  afterAll(() => api.close());

  it("answers 400 naming body.audio.url for every private form, and fetches nothing", async () => {
    for (const url of [...PRIVATE_FORMS(internal.port), "file:///etc/passwd", "/etc/passwd", "../reelgraph.db", "asset_doesnotexist", "asset_../../reelgraph.db", "ftp://example.com/song.mp3", "http://user:pw@example.com/a.mp3"]) {
      const r = await api.req("POST", "/api/v1/generations", { pipeline: "music_video", prompt: "a music video for a synthwave track", audio: { url } }, { "X-Forwarded-For": url });
      expect(r.status, url).toBe(400);
      expect(r.json.errors?.[0]?.path ?? r.json.detail, url).toContain("body.audio.url");
    }
  });

  it("fails the run with the reason when a name resolves to loopback or a public URL redirects there", async () => {
    const t = testConfig();
    try {
      const policy = testPolicy({ "rebind.test": ["127.0.0.1"], "cdn.public.test": ["127.0.0.2"] });
      const app = testApp(t.config, {
        songs: { resolve: async (url, id) => (await downloadToFile(url, join(dir, `${id}.mp3`), { maxBytes: 1024 * 1024, accept: ["audio/"], timeoutMs: 5_000, ...policy })) && join(dir, `${id}.mp3`) },
      });
      const urls = [`http://rebind.test:${internal.port}/song.mp3`, `http://cdn.public.test:${pub.port}/redirect?to=${encodeURIComponent(`${internal.origin}/song.mp3`)}`];
      for (const url of urls) {
        const request = GenerationRequestSchema.parse({ pipeline: "music_video", prompt: "a music video for a synthwave track", audio: { url } });
        const id = await startGeneration(app, request);
        await app.runner.waitFor(id);
        const g = await app.stores.generations.get(id);
        expect(g.status, url).toBe("failed");
        expect(g.error).toMatchObject({ stage: "analyze", code: "audio_unavailable" });
        expect(g.error!.message).toMatch(/^audio\.url: .*private or reserved address/);
      }
      await app.close(0);
    } finally {
      t.cleanup();
    }
  });
});
