import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkTimeline } from "../../core/timeline/invariants.js";

const dataDir = mkdtempSync(join(tmpdir(), "rg-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
    env: { ...process.env, REELGRAPH_DATA_DIR: dataDir, REELGRAPH_SHORT_SIDE: "180", OPENAI_API_KEY: "", REPLICATE_API_TOKEN: "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("reelgraph CLI", () => {
  let timelinePath = "";

  it("plan --json prints analysis, plan, style and timeline", () => {
    const r = cli("plan", "--pipeline", "ad", "--prompt", "45s ad for Volt e-bikes, bold, city commuters", "--duration", "45", "--brand-colors", "#111827,#FACC15", "--cta", "Ride today", "--json");
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

  it("edit --json prints the edit plan for a timeline file", () => {
    const r = cli("edit", "--timeline", timelinePath, "--instruction", "swap the second and third scenes", "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ status: "proposed", operations: [{ op: "swap", a: "scene_2", b: "scene_3" }] });
    expect(plan.timeline_after.scenes.map((s: { id: string }) => s.id).slice(0, 3)).toEqual(["scene_1", "scene_3", "scene_2"]);
    expect(plan.diff.length).toBeGreaterThan(0);
  });

  it("exits non-zero with a one-line reason on bad input", () => {
    const cases: [string[], RegExp][] = [
      [["plan", "--pipeline", "ad", "--prompt", "an ad", "--duration", "5"], /duration.*15–60/],
      [["plan", "--pipeline", "film", "--prompt", "an ad"], /--pipeline/],
      [["plan", "--prompt", "an ad"], /--pipeline is required/],
      [["generate", "--pipeline", "music_video", "--prompt", "a video", "--audio", "/nope.mp3"], /--audio: no such file/],
      [["edit", "--timeline", "/nope.json", "--instruction", "swap 1 and 2"], /--timeline: no such file/],
      [["plan", "--pipeline", "ad", "--prompt", "an ad", "--aspect", "4:3"], /--aspect/],
      [["plan", "--bogus"], /bogus/],
      [["frobnicate"], /unknown command/],
    ];
    for (const [args, why] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(why);
      expect(r.stdout).toBe("");
    }
  });
});
