import { describe, expect, it } from "vitest";
import { endChild, processesMarked, RUN_MARKER_ENV, spawnChild } from "./processes.js";

describe("the process guard the whole suite relies on", () => {
  it("marks the run, finds a child and its grandchild by the marker, and ends both", async () => {
    const marker = process.env[RUN_MARKER_ENV];
    expect(marker, "the global setup marks the workers' environment").toMatch(/^[0-9a-f-]{36}$/);
    // sh leads its group and leaves a grandchild that outlives an exec'd parent's death.
    const child = spawnChild("sh", ["-c", "sleep 60 & echo $!; wait"], { stdio: ["ignore", "pipe", "ignore"] });
    const grandchild = await new Promise<number>((resolve) => child.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
    const mine = () => processesMarked(marker!).map((p) => p.pid).filter((pid) => pid === child.pid || pid === grandchild);
    expect(mine().sort()).toEqual([child.pid, grandchild].sort());
    await endChild(child, 500);
    for (const until = Date.now() + 2_000; mine().length && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(mine()).toEqual([]);
  });
});
