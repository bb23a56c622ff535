// A preload for test/cli/startup.test.ts (node --require): at exit, writes every CommonJS module
// the process loaded from a file (the bundle's externals come from node_modules this way) to
// the file named by REELGRAPH_TRACE_REQUIRES, one a line.
const { writeFileSync } = require("node:fs");
const Module = require("node:module");

const out = process.env.REELGRAPH_TRACE_REQUIRES;
if (out) process.once("exit", () => writeFileSync(out, Object.keys(Module._cache).join("\n") + "\n"));
