import { readFileSync } from "node:fs";
import { loadConfiguration } from "../graph/configuration.js";
import { modelChooser } from "../app/reelgraph.js";
import { newEditId } from "../core/ids.js";
import { planEdit } from "../graph/nodes/edit/index.js";
import { TimelineSchema } from "../core/timeline/schema.js";
import { UsageError, type Flags } from "./args.js";
import { describeIssue } from "./request.js";

/** `reelgraph edit`: an instruction against a timeline file → the edit plan. Renders nothing. */
export async function editCommand(flags: Flags): Promise<unknown> {
  if (!flags.timeline) throw new UsageError("--timeline is required: a timeline JSON file (or a generation JSON with composition.timeline)");
  if (!flags.instruction?.trim()) throw new UsageError('--instruction is required, e.g. --instruction "swap the second and third scenes"');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(flags.timeline, "utf8"));
  } catch (error) {
    throw new UsageError(`--timeline: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON"}: ${flags.timeline}`);
  }
  const candidate = (raw as { composition?: { timeline?: unknown }; timeline?: unknown })?.composition?.timeline ?? (raw as { timeline?: unknown })?.timeline ?? raw;
  const parsed = TimelineSchema.safeParse(candidate);
  if (!parsed.success) throw new UsageError(`--timeline: ${describeIssue(parsed.error)}`);
  const config = loadConfiguration();
  const plan = await planEdit({ id: newEditId(), compositionId: null, instruction: flags.instruction, timeline: parsed.data }, modelChooser(config)(undefined));
  if (plan.status === "rejected") process.stderr.write(`rejected: ${plan.reason}\n`);
  return plan;
}
