// The CLI bundled into one CommonJS file (dist/bundle/reelgraph.cjs) run by dist/reelgraph.js
// (cli/launcher.js) with a V8 code cache: `reelgraph plan` starts in a fraction of the time
// Node takes to resolve, load and compile some 600 separate modules of LangGraph, LangChain and
// zod. Runs after `tsc -p tsconfig.build.json` (npm run build). Packages that load native code
// or read their own files at run time stay outside the bundle and come from node_modules.
import { chmodSync, copyFileSync, rmSync, writeFileSync } from "node:fs";

const EXTERNAL = ["better-sqlite3", "swagger-ui-dist"];

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  esbuild = null;
}

rmSync("dist/bundle", { recursive: true, force: true });
if (esbuild) {
  // The CLI, and the server's run thread (app/run-thread.ts starts it from beside the CLI's bundle).
  for (const [entry, outfile] of [
    ["cli/main.ts", "dist/bundle/reelgraph.cjs"],
    ["app/run-thread-worker.ts", "dist/bundle/run-thread-worker.cjs"],
  ]) {
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      // One tsconfig for every file (not one found beside each package, wherever node_modules lives).
      tsconfig: "tsconfig.json",
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node20",
      minify: true,
      sourcemap: "linked",
      legalComments: "none",
      logLevel: "warning",
      external: EXTERNAL,
      // Modules that find files next to themselves (import.meta.url) see the bundle's own URL.
      define: { "import.meta.url": "__reelgraphModuleUrl" },
      banner: { js: 'var __reelgraphModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    });
  }
  copyFileSync("cli/launcher.js", "dist/reelgraph.js");
} else {
  process.stderr.write("build: esbuild is not installed; the CLI runs from the unbundled dist/cli (slower start)\n");
  writeFileSync("dist/reelgraph.js", '#!/usr/bin/env node\nimport "./cli/main.js";\n');
}
chmodSync("dist/reelgraph.js", 0o755);
