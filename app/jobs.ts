import type { GenerationRequest } from "../core/schemas/request.js";
import type { EditDecision, EditRequest } from "../graph/state.js";

/**
 * One unit of work on a generation's thread, as plain data: the run manager executes it here,
 * or a queue carries it to a worker process (app/queue.ts).
 */
export type RunJob =
  /** A new generation from its request (audioPath: a song already on this machine). */
  | { kind: "start"; generationId: string; request: GenerationRequest; audioPath: string | null }
  /** Whatever the thread's checkpoint says is next (after a crash or a restart). */
  | { kind: "resume"; generationId: string }
  /** An instruction to interpret on the finished composition. */
  | { kind: "edit"; generationId: string; edit: EditRequest }
  /** The answer to the edit the thread waits on. */
  | { kind: "decide"; generationId: string; decision: EditDecision };

/** Where run jobs go: executed in this process, or put on a queue that worker processes take from. */
export interface RunDispatcher {
  /** Edits and decisions are short and a person waits on them: they go ahead of new runs. */
  dispatch(job: RunJob): Promise<void>;
  /** Drops a job that has not started; false when none was waiting. */
  drop(generationId: string): Promise<boolean>;
  /** Resolves when the dispatcher can take jobs; rejects, saying why, when it never will. */
  ready?(): Promise<void>;
  /** Runs in hand and waiting where the jobs went, when the dispatcher knows (the run thread does). */
  stats?(): { active: number; queued: number };
  /** Lets runs in hand reach a checkpoint (up to `graceMs`) and stops taking jobs; close() follows. */
  shutdown?(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A stable id per job, so a job sent twice (a retried request) is queued once. */
export function jobIdOf(job: RunJob): string {
  switch (job.kind) {
    case "start":
      return `${job.generationId}.start`;
    case "resume":
      return `${job.generationId}.resume.${Date.now()}`;
    case "edit":
      return `${job.generationId}.edit.${job.edit.id}`;
    case "decide":
      return `${job.generationId}.decide.${job.decision.decision}.${job.decision.by ?? ""}${Date.now()}`;
  }
}

/**
 * The run queue (app/queue.ts: BullMQ on Postgres), loaded and opened on first use, so a
 * process that never queues anything does not load it.
 */
export function lazyRunQueue(o: { databaseUrl: string; leaseMs?: number; log: import("../graph/ports.js").Log }): RunDispatcher {
  let opened: Promise<RunDispatcher> | null = null;
  const open = () => (opened ??= import("./queue.js").then((q) => q.openRunQueue(o)));
  return {
    dispatch: async (job) => (await open()).dispatch(job),
    drop: async (generationId) => (await open()).drop(generationId),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}
