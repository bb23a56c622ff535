import { readFileSync } from "node:fs";
import type { EditOperation } from "../../core/schemas/edit.js";
import { TimelineSchema, type Timeline } from "../../core/timeline/schema.js";

/** The fixture timelines and the instruction table (evals/datasets/edits), typed. */

export interface Fixture {
  timeline: Timeline;
  clipDurations: Record<string, number>;
}

export interface InstructionCase {
  id: string;
  timeline: string;
  instruction: string;
  expect: {
    status: "proposed" | "rejected";
    ops?: EditOperation[];
    scenes?: Array<Record<string, unknown> & { id: string; duration_s: number }>;
    cta?: { text: string; start_s: number; duration_s: number } | null;
    output?: { width: number; height: number };
    warnings_contains?: string[];
    reason_contains?: string;
    diff_contains?: Array<{ kind: string; scene_id: string | null }>;
  };
}

const dir = new URL("./edits/", import.meta.url);

export function loadTimelines(): Record<string, Fixture> {
  const raw = JSON.parse(readFileSync(new URL("timelines.json", dir), "utf8")) as Record<string, { timeline: unknown; clipDurations: Record<string, number> }>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, { timeline: TimelineSchema.parse(v.timeline), clipDurations: v.clipDurations }]));
}

export function loadCases(): InstructionCase[] {
  return (JSON.parse(readFileSync(new URL("instructions.json", dir), "utf8")) as { cases: InstructionCase[] }).cases;
}
