#!/usr/bin/env node
import { parseFlags, USAGE, UsageError } from "./args.js";
import { summarizeEdit, summarizeGeneration, summarizePlan } from "./summary.js";

/**
 * Entry point: `reelgraph <command> …` (the built dist/cli/main.js), or from a checkout
 * `npm run --silent reelgraph -- <command> …` (tsx). Each command's module is imported when it
 * is chosen, so `plan` never loads the server, the providers or the FFmpeg service.
 */
async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!command) throw new UsageError("say which command: plan, generate, edit, serve, worker or ffmpeg-service (--help lists them)");
  const print = (value: unknown, summary: (v: any) => string) => process.stdout.write((flags.json ? JSON.stringify(value, null, 2) : summary(value)) + "\n");
  switch (command) {
    case "plan": {
      const { planCommand } = await import("./plan.js");
      print(await planCommand(flags), summarizePlan);
      return 0;
    }
    case "edit": {
      const { editCommand } = await import("./edit.js");
      print(await editCommand(flags), summarizeEdit);
      return 0;
    }
    case "generate": {
      const { generateCommand } = await import("./generate.js");
      const { result, ok } = await generateCommand(flags);
      print(result, summarizeGeneration);
      return ok ? 0 : 1;
    }
    case "serve": {
      const { serveCommand } = await import("./serve.js");
      await serveCommand(flags);
      return -1;
    }
    case "worker": {
      const { workerCommand } = await import("./serve.js");
      await workerCommand(flags);
      return -1;
    }
    case "ffmpeg-service": {
      const { ffmpegServiceCommand } = await import("./serve.js");
      await ffmpegServiceCommand(flags);
      return -1;
    }
    default:
      throw new UsageError(`unknown command "${command}" (plan, generate, edit, serve, worker, ffmpeg-service)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const bad = error instanceof UsageError || (error instanceof Error && error.name === "ConfigurationError");
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`reelgraph: ${message.split("\n")[0]}\n`);
    process.exitCode = bad ? 2 : 1;
  },
);
