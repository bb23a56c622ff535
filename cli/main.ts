import { ConfigurationError } from "../graph/configuration.js";
import { parseFlags, USAGE, UsageError } from "./args.js";
import { editCommand, generateCommand, planCommand } from "./commands.js";

/** Entry point: `npm run --silent reelgraph -- <command> …`. */
async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseFlags(argv);
  if (flags.help || !command) {
    process.stdout.write(USAGE + "\n");
    return command || flags.help ? 0 : 2;
  }
  const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, flags.json ? 2 : 2) + "\n");
  switch (command) {
    case "plan":
      print(await planCommand(flags));
      return 0;
    case "edit":
      print(await editCommand(flags));
      return 0;
    case "generate": {
      const { result, ok } = await generateCommand(flags);
      print(result);
      return ok ? 0 : 1;
    }
    case "serve": {
      const { serveCommand } = await import("./serve.js");
      await serveCommand(flags);
      return -1;
    }
    case "ffmpeg-service": {
      const { ffmpegServiceCommand } = await import("./serve.js");
      await ffmpegServiceCommand(flags);
      return -1;
    }
    default:
      throw new UsageError(`unknown command "${command}" (plan, generate, edit, serve, ffmpeg-service)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const bad = error instanceof UsageError || error instanceof ConfigurationError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`reelgraph: ${message.split("\n")[0]}\n`);
    process.exitCode = bad ? 2 : 1;
  },
);
