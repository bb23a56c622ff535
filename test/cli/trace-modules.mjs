// A module hook for test/cli/startup.test.ts: writes every module URL a process resolves to
// the file named by REELGRAPH_TRACE_MODULES, one a line.
import { appendFileSync } from "node:fs";
import { register } from "node:module";

if (process.env.REELGRAPH_TRACE_MODULES) {
  register(import.meta.url, { data: process.env.REELGRAPH_TRACE_MODULES });
}

let out = "";
export function initialize(file) {
  out = file;
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (out) appendFileSync(out, r.url + "\n");
  return r;
}
