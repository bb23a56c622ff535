import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfiguration, type Configuration } from "../../graph/configuration.js";

/** A configuration on a fresh temporary data folder, small renders, no keys. */
export function testConfig(env: Record<string, string> = {}): { config: Configuration; dataDir: string; cleanup(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), "reelgraph-test-"));
  const config = loadConfiguration({
    REELGRAPH_DATA_DIR: dataDir,
    REELGRAPH_SHORT_SIDE: "180",
    REELGRAPH_FPS: "24",
    LOG_LEVEL: "silent",
    REELGRAPH_CLIP_ATTEMPTS: "2",
    ...env,
  });
  return { config, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

export const silentLog = { info() {}, warn() {}, error() {} };
