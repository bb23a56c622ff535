import { main } from "./cli.js";

/** Entry point of `npm run eval` (see evals/cli.ts and evals/README.md). */
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
});
process.exitCode = code;
