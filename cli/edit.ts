import { readFileSync } from "node:fs";
import { loadConfiguration } from "../graph/configuration.js";
import { modelChooser, videoChooser } from "../app/reelgraph.js";
import { estimateEdit } from "../graph/nodes/generate/shots.js";
import { catalogProfile } from "../tools/replicate/catalog/index.js";
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
  if (plan.status === "rejected") {
    process.stderr.write(`rejected: ${plan.reason}\n`);
    return plan;
  }
  // What the clips this edit would regenerate cost, on the configured video model.
  const provider = videoChooser(config)(undefined);
  const local = !provider.describe;
  const described = local ? null : await provider.describe!(AbortSignal.timeout(15_000)).catch(() => null);
  // Offline (no schema could be read): the catalog's profile of the configured model, when it has one.
  const profile = described?.profile ?? (local ? null : catalogProfile(provider.name.replace(/^replicate:/, "")));
  if (!local && !profile) return { ...plan, cost: null, warnings: [...plan.warnings, `the cost of ${provider.name} is not known here: its schema could not be read and it is not in the catalog`] };
  return { ...plan, cost: estimateEdit({ provider: provider.name, profile, chain: false }, plan.timeline_before, plan.timeline_after) };
}
