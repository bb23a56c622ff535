import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Reelgraph } from "../../app/reelgraph.js";

/**
 * A run-thread setup (startServer's `runThreadSetup`) that kills its thread once: the first
 * time a clip is done, an uncaught error is thrown in the thread (as a bug or a failed
 * assertion in a dependency would). A marker in the data folder keeps the thread started in
 * its place from doing it again, so the test sees one death and one restart.
 */
export default function setup(): void {}

export function withApp(app: Reelgraph): void {
  const marker = join(app.config.dataDir, "run-thread-crashed");
  app.stores.events.subscribe("*", (e) => {
    if (e.type !== "clip_done" || existsSync(marker)) return;
    writeFileSync(marker, e.generation_id);
    setImmediate(() => {
      throw new Error("run thread test: an uncaught error after the first clip");
    });
  });
}
