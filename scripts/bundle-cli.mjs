// The CLI as a few ESM files (dist/bundle/): `reelgraph plan` starts in a fraction of the time
// Node takes to resolve and load some 600 separate modules of LangGraph, LangChain and zod.
// Runs after `tsc -p tsconfig.build.json` (npm run build). Packages that load native code or
// read their own files at run time stay outside the bundle and come from node_modules.
import { chmodSync, rmSync, writeFileSync } from "node:fs";

const EXTERNAL = ["better-sqlite3", "swagger-ui-dist"];
const launcher = (target) => `#!/usr/bin/env node\n// Installed entry point (package.json "bin"); built by npm run build.\nimport "${target}";\n`;

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  esbuild = null;
}

if (esbuild) {
  rmSync("dist/bundle", { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { main: "cli/main.ts" },
    // One tsconfig for every file (not one found beside each package, wherever node_modules lives).
    tsconfig: "tsconfig.json",
    outdir: "dist/bundle",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    external: EXTERNAL,
    // CommonJS packages inside an ESM bundle still call require().
    banner: { js: 'import { createRequire as __reelgraphRequire } from "node:module"; const require = __reelgraphRequire(import.meta.url);' },
  });
  writeFileSync("dist/reelgraph.js", launcher("./bundle/main.js"));
} else {
  process.stderr.write("build: esbuild is not installed; the CLI runs from the unbundled dist/cli (slower start)\n");
  writeFileSync("dist/reelgraph.js", launcher("./cli/main.js"));
}
chmodSync("dist/reelgraph.js", 0o755);
