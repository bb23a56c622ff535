import type { EditOperation } from "../../../core/schemas/edit.js";
import { applyOperations, EditRejectedError } from "../../../core/timeline/ops.js";
import type { Timeline } from "../../../core/timeline/schema.js";

/**
 * Consistency checks for a list of operations against a timeline (scene ids exist at the
 * point each operation runs, values in range, the video never empty, the CTA inside), and
 * the small deterministic repairs applied to a model's plan after its repair round.
 */

/** Every problem, one line each ("operation 2 (trim): …"); empty when the list can be applied. */
export function checkOperations(ops: EditOperation[], timeline: Timeline): string[] {
  const problems: string[] = [];
  let t = timeline;
  ops.forEach((op, i) => {
    try {
      t = applyOperations(t, [op]).timeline;
    } catch (error) {
      if (!(error instanceof EditRejectedError)) throw error;
      problems.push(`operation ${i + 1} (${op.op}): ${error.reason}`);
    }
  });
  return problems;
}

export interface Repair {
  ops: EditOperation[];
  /** What was changed, for the plan's warnings. */
  repairs: string[];
}

const REF_KEYS = ["a", "b", "scene", "before", "after"] as const;

/**
 * Fixes what can be fixed without guessing: scene references written as "scene 2", "Scene-2"
 * or "#2" instead of ids, a trim with both a length and a change (the length wins), a move
 * with several targets (the first wins), a CTA window that runs past the end (moved inside).
 */
export function repairOperations(ops: EditOperation[], timeline: Timeline): Repair {
  const repairs: string[] = [];
  let t = timeline;
  const out: EditOperation[] = [];
  ops.forEach((original, i) => {
    const op = { ...original } as Record<string, unknown> & EditOperation;
    for (const key of REF_KEYS) {
      const value = op[key];
      if (typeof value !== "string" || t.scenes.some((s) => s.id === value)) continue;
      const fixed = fixRef(value, t, timeline);
      if (fixed) {
        op[key] = fixed;
        repairs.push(`operation ${i + 1}: read scene reference “${value}” as ${fixed}`);
      }
    }
    if (op.op === "trim" && op.duration_s !== undefined && op.delta_s !== undefined) {
      delete (op as { delta_s?: number }).delta_s;
      repairs.push(`operation ${i + 1}: a trim had both a length and a change; kept the length (${op.duration_s} s)`);
    }
    if (op.op === "move") {
      const keys = (["position", "to", "before", "after"] as const).filter((k) => op[k] !== undefined);
      for (const k of keys.slice(1)) delete (op as Record<string, unknown>)[k];
      if (keys.length > 1) repairs.push(`operation ${i + 1}: a move had ${keys.length} targets; kept “${keys[0]}”`);
    }
    if (op.op === "cta" && op.action === "set") {
      const length = op.duration_s ?? t.cta?.duration_s;
      if (op.start_s !== undefined && length !== undefined && length <= t.duration_s && op.start_s + length > t.duration_s) {
        const start = Math.round((t.duration_s - length) * 1000) / 1000;
        repairs.push(`operation ${i + 1}: the CTA ran past the end (${op.start_s} s + ${length} s); it now starts at ${start} s`);
        op.start_s = start;
      }
    }
    out.push(op);
    try {
      t = applyOperations(t, [op]).timeline;
    } catch (error) {
      if (!(error instanceof EditRejectedError)) throw error;
    }
  });
  return { ops: out, repairs };
}

function fixRef(value: string, current: Timeline, original: Timeline): string | null {
  const asId = /^\s*scene[\s_#-]*(\d+)\s*$/i.exec(value);
  if (asId && current.scenes.some((s) => s.id === `scene_${asId[1]}`)) return `scene_${asId[1]}`;
  const position = /^\s*(?:#|no\.?\s*|position\s*)?(\d+)\s*$/i.exec(value);
  if (position) return original.scenes[Number(position[1]) - 1]?.id ?? null;
  return null;
}
