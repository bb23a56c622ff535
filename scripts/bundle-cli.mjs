// The CLI bundled into one CommonJS file (dist/bundle/reelgraph.cjs) run by dist/reelgraph.js
// (cli/launcher.js) with a V8 code cache: `reelgraph plan` starts in a fraction of the time
// Node takes to resolve, load and compile some 600 separate modules of LangGraph, LangChain and
// zod. Runs after `tsc -p tsconfig.build.json` (npm run build). Packages that load native code
// or read their own files at run time stay outside the bundle and come from node_modules.
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const EXTERNAL = ["better-sqlite3", "swagger-ui-dist"];
/**
 * Packages the CLI reaches only through a command or an option that imports them when chosen
 * (serve: Express and Busboy; scale-out: BullMQ and pg; S3 media; Replicate and the AI SDK with
 * their keys). Left out of the CLI's bundle they come from node_modules when a command needs
 * them, and `reelgraph plan` no longer reads and deserialises their 3 MB (of 5.3) at every
 * start: about 35 ms of its 0.42 s here. The run thread's bundle keeps them: it is started once
 * per server, and its runs reach Replicate and the AI SDK.
 */
const CLI_LAZY_EXTERNAL = ["express", "busboy", "bullmq", "pg", "@aws-sdk/client-s3", "replicate", "ai", "@ai-sdk/openai"];

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  esbuild = null;
}

/**
 * Our sources with every non-ASCII character escaped (\uXXXX, one per UTF-16 unit) as esbuild
 * reads them, so the bundle is pure ASCII and V8 holds it at one byte a character (with a few
 * hundred non-ASCII characters left in, the 5 MB bundle was held at two and `reelgraph plan`
 * took ~20 ms longer to start). esbuild escapes such text itself where it can, but not in regular
 * expression literals (the offline brain's lexicons) nor in String.raw templates (the FFmpeg
 * launcher's script). There an escape matches and runs the same; only a regex's `.source`
 * reads differently, and reelgraph uses `.source` only to build other regexes. Lines stay
 * where they are, so the source map still points at the right line.
 */
const asciiSources = {
  name: "ascii-sources",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const text = readFileSync(args.path, "utf8");
      return { contents: text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`), loader: "ts" };
    });
  },
};

rmSync("dist/bundle", { recursive: true, force: true });
if (esbuild) {
  // The CLI, and the server's run thread (app/run-thread.ts starts it from beside the CLI's bundle).
  for (const [entry, outfile, external] of [
    ["cli/main.ts", "dist/bundle/reelgraph.cjs", [...EXTERNAL, ...CLI_LAZY_EXTERNAL]],
    ["app/run-thread-worker.ts", "dist/bundle/run-thread-worker.cjs", EXTERNAL],
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
      external,
      // An import() of a package left outside becomes a require() (each is CommonJS-loadable):
      // the launcher runs the bundle as a vm.Script, where Node 20 has no loader for import().
      supported: { "dynamic-import": false },
      // Modules that find files next to themselves (import.meta.url) see the bundle's own URL.
      define: { "import.meta.url": "__reelgraphModuleUrl" },
      banner: { js: 'var __reelgraphModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
      plugins: [asciiSources],
    });
    if (/[^\x00-\x7f]/.test(readFileSync(outfile, "utf8"))) process.stderr.write(`build: ${outfile} is not pure ASCII; the CLI starts a little slower\n`);
  }
  copyFileSync("cli/launcher.js", "dist/reelgraph.js");
} else {
  process.stderr.write("build: esbuild is not installed; the CLI runs from the unbundled dist/cli (slower start)\n");
  writeFileSync("dist/reelgraph.js", '#!/usr/bin/env node\nimport "./cli/main.js";\n');
}
chmodSync("dist/reelgraph.js", 0o755);
