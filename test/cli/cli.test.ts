import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkTimeline } from "../../core/timeline/invariants.js";
import { endChild, spawnChild } from "../helpers/processes.js";

const dataDir = mkdtempSync(join(tmpdir(), "rg-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the CLI to its end; past the deadline its whole process group is ended and the test fails. */
async function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnChild(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    env: { ...process.env, REELGRAPH_DATA_DIR: dataDir, REELGRAPH_SHORT_SIDE: "180", OPENAI_API_KEY: "", REPLICATE_API_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 120_000)));
  try {
    const code = await Promise.race([closed, late]);
    if (code === "late") throw new Error(`reelgraph ${args[0]} did not finish within 120 s: ${stderr.slice(-2000)}`);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    await endChild(child);
  }
}

describe("reelgraph CLI", () => {
  let timelinePath = "";

  it("plan --json prints analysis, plan, style and timeline", async () => {
    const r = await cli("plan", "--pipeline", "ad", "--prompt", "45s ad for Volt e-bikes, bold, city commuters", "--duration", "45", "--brand-colors", "#111827,#FACC15", "--cta", "Ride today", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(["analysis", "plan", "style", "timeline"]));
    expect(out.timeline.duration_s).toBe(45);
    expect(checkTimeline(out.timeline)).toEqual([]);
    expect(out.style.palette.slice(0, 2)).toEqual(["#111827", "#FACC15"]);
    expect(out.timeline.cta).toMatchObject({ text: "Ride today", start_s: 42, duration_s: 3 });
    timelinePath = join(dataDir, "timeline.json");
    writeFileSync(timelinePath, JSON.stringify(out.timeline));
  });

  it("edit --json prints the edit plan for a timeline file", async () => {
    const r = await cli("edit", "--timeline", timelinePath, "--instruction", "swap the second and third scenes", "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ status: "proposed", operations: [{ op: "swap", a: "scene_2", b: "scene_3" }] });
    expect(plan.timeline_after.scenes.map((s: { id: string }) => s.id).slice(0, 3)).toEqual(["scene_1", "scene_3", "scene_2"]);
    expect(plan.diff.length).toBeGreaterThan(0);
  });

  it("exits non-zero with a one-line reason on bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["plan", "--pipeline", "ad", "--prompt", "an ad", "--duration", "5"], /duration.*15–60/],
      [["plan", "--pipeline", "film", "--prompt", "an ad"], /--pipeline/],
      [["plan", "--prompt", "an ad"], /--pipeline is required/],
      [["generate", "--pipeline", "music_video", "--prompt", "a video", "--audio", "/nope.mp3"], /--audio: no such file/],
      [["edit", "--timeline", "/nope.json", "--instruction", "swap 1 and 2"], /--timeline: no such file/],
      [["plan", "--pipeline", "ad", "--prompt", "an ad", "--aspect", "4:3"], /--aspect/],
      // the request's field names in a message are the flags at the command line
      [["plan", "--pipeline", "music_video", "--prompt", "a video"], /^reelgraph: --audio: a music video needs a song: give --audio$/m],
      [["plan", "--bogus"], /bogus/],
      [["frobnicate"], /unknown command/],
    ];
    for (const [args, why] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(why);
      expect(r.stdout).toBe("");
    }
  });
});
