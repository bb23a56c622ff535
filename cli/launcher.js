#!/usr/bin/env node
// The installed entry point (package.json "bin" → dist/reelgraph.js), copied by npm run build.
// It runs the bundled CLI (dist/bundle/reelgraph.cjs) with a V8 code cache kept beside it, so
// a command starts without parsing and compiling most of LangGraph, LangChain and zod again.
// The cache is written after the first run for this Node version; where dist/ is read-only the
// CLI runs the same, only without it. Plain JavaScript: it is not compiled or bundled.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const file = join(dirname(fileURLToPath(import.meta.url)), "bundle", "reelgraph.cjs");
const cacheFile = `${file}.${process.version}.v8cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(readFileSync(file, "utf8").replace(/^#!.*/, "")), {
  filename: file,
  cachedData,
  ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
});
if (cachedData === undefined || script.cachedDataRejected) {
  process.once("exit", () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only install: no cache, same behaviour
    }
  });
}
const module = { exports: {}, filename: file, id: file };
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
