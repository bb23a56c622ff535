import { Command, isInterrupted } from "@langchain/langgraph";
import type { GraphDeps } from "./deps.js";
import type { CompiledReelgraph } from "./index.js";
import type { EditRequest } from "./state.js";
import type { GenerationRequest } from "../core/schemas/request.js";
import type { EditPlan } from "../core/schemas/edit.js";
import type { GenerationView, RunError } from "../core/domain.js";

export class RunRejectedError extends Error {
  override readonly name = "RunRejectedError";
  constructor(message: string, readonly code: "shutting_down" | "busy" | "not_ready" | "not_awaiting") {
    super(message);
  }
}

type Job = { generationId: string; kind: "start" | "resume" | "edit" | "decide"; run: (signal: AbortSignal) => Promise<void> };

/**
 * Runs graph threads: at most `concurrency` at once, the rest queued (in the store as
 * `queued`, so a restart picks them up). Every run ends `completed`, `failed` (with a
 * reason), `cancelled` or `awaiting_confirmation`; nothing is left at "running" except by a
 * crash, and start-up resumes those from their checkpoints.
 */
export class RunManager {
  private readonly queue: Job[] = [];
  private readonly active = new Map<string, AbortController>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private accepting = true;

  constructor(
    private readonly deps: GraphDeps,
    private readonly graph: CompiledReelgraph,
    private readonly opts: {
      concurrency: number;
      /** Fetches a song given by URL into the media store (safely); returns its local path. */
      downloadAudio?: (url: string, generationId: string, signal: AbortSignal) => Promise<string>;
    } = { concurrency: deps.config.runConcurrency },
  ) {}

  get stats(): { active: number; queued: number } {
    return { active: this.active.size, queued: this.queue.length };
  }

  /** Queues a new generation (already created in the store). */
  start(generationId: string, input: { request: GenerationRequest; audioPath?: string | null; audioUrl?: string | null }): void {
    this.enqueue({
      generationId,
      kind: "start",
      run: async (signal) => {
        let audioPath = input.audioPath ?? null;
        if (!audioPath && input.audioUrl) {
          audioPath = await this.fetchSong(generationId, input.audioUrl, signal);
          if (!audioPath) return;
        }
        if (audioPath) this.deps.store.appendEvent(generationId, "audio_resolved", { path: audioPath });
        await this.invoke(generationId, { generationId, request: input.request, audioPath }, signal);
      },
    });
  }

  private async fetchSong(generationId: string, url: string, signal: AbortSignal): Promise<string | null> {
    const { store } = this.deps;
    try {
      if (!this.opts.downloadAudio) throw new Error("this runner cannot download songs; upload the file and pass its asset id");
      store.updateGeneration(generationId, { status: "running", stage: "analyze" });
      return await this.opts.downloadAudio(url, generationId, signal);
    } catch (error) {
      if (signal.aborted) return null;
      const runError: RunError = { stage: "analyze", message: `audio.url: ${error instanceof Error ? error.message : String(error)}`, code: "audio_unavailable" };
      store.updateGeneration(generationId, { status: "failed", error: runError });
      store.appendEvent(generationId, "failed", { ...runError });
      return null;
    }
  }

  /** Resumes every run a previous process left queued or running, from its checkpoint. */
  async resumeUnfinished(): Promise<string[]> {
    const ids = this.deps.store.unfinishedGenerations();
    for (const id of ids) {
      const snapshot = await this.graph.getState(this.config(id));
      if (snapshot.values && Object.keys(snapshot.values).length && snapshot.next.length) {
        this.enqueue({ generationId: id, kind: "resume", run: (signal) => this.invoke(id, null, signal) });
      } else if (!snapshot.values || !Object.keys(snapshot.values).length) {
        const g = this.deps.store.getGeneration(id);
        this.deps.log.info({ generation_id: id }, "restarting a run that never reached its first checkpoint");
        const hint = g.request.audio ? this.audioPathHint(id) : null;
        this.start(id, { request: g.request, audioPath: hint, audioUrl: hint ? null : (g.request.audio?.url ?? null) });
      } else {
        await this.finish(id, null);
      }
    }
    return ids;
  }

  /**
   * Interprets an edit on a finished generation. Resolves with the plan once it is proposed
   * or rejected, or, when it is applied at once, once it is applied (recomposition goes on).
   */
  async edit(generationId: string, edit: EditRequest): Promise<EditPlan> {
    const g = this.deps.store.getGeneration(generationId);
    if (this.active.has(generationId) || g.status === "running" || g.status === "queued")
      throw new RunRejectedError("the composition is still rendering; try again when it is ready", "busy");
    if (g.status === "awaiting_confirmation") throw new RunRejectedError("another edit is waiting for confirmation: confirm or reject it first", "busy");
    if (!g.composition) throw new RunRejectedError("there is no composition to edit yet", "not_ready");
    const settled = this.editSettled(generationId, edit.id, edit.apply_immediately ? ["edit_applied"] : []);
    this.runNow({ generationId, kind: "edit", run: (signal) => this.invoke(generationId, { editRequest: edit, editPlan: null, error: null }, signal) });
    this.deps.store.updateGeneration(generationId, { status: "running", stage: "edit", error: null });
    return settled;
  }

  /** Confirms or rejects the edit the thread is waiting on; resolves with the plan as it then stands. */
  async decide(generationId: string, editId: string, decision: "confirm" | "reject", reason?: string): Promise<EditPlan> {
    const snapshot = await this.graph.getState(this.config(generationId));
    const g = this.deps.store.getGeneration(generationId);
    const waitingOn = (snapshot.values as { editPlan?: EditPlan | null }).editPlan;
    const interrupted = snapshot.tasks?.some((t) => t.interrupts?.length);
    if (this.active.has(generationId) || g.status !== "awaiting_confirmation" || !interrupted || waitingOn?.id !== editId || waitingOn.status !== "proposed")
      throw new RunRejectedError(`edit ${editId} is not waiting for confirmation`, "not_awaiting");
    const settled = this.editSettled(generationId, editId, ["edit_applied", "edit_rejected"]);
    this.runNow({ generationId, kind: "decide", run: (signal) => this.invoke(generationId, new Command({ resume: { decision, reason } }), signal) });
    this.deps.store.updateGeneration(generationId, { status: "running", stage: "edit" });
    const plan = await settled;
    if (decision === "reject") await this.waitFor(generationId);
    return plan;
  }

  /**
   * Resolves with the stored plan when the edit reaches one of `events` (or is planned as
   * rejected, or proposed when no event is awaited); rejects if the run fails or stops first.
   */
  private editSettled(generationId: string, editId: string, events: string[]): Promise<EditPlan> {
    return new Promise<EditPlan>((resolve, reject) => {
      const off = this.deps.store.subscribe(generationId, (e) => {
        const mine = e.data.edit_id === editId;
        const planned = e.type === "edit_planned" && mine && (events.length === 0 || e.data.status === "rejected");
        if (planned || (mine && events.includes(e.type))) {
          off();
          resolve(this.deps.store.getEdit(editId).plan);
        } else if (e.type === "failed" || e.type === "cancelled" || e.type === "stopped") {
          off();
          reject(new RunRejectedError(`the edit did not finish: ${String((e.data as { message?: string }).message ?? e.type)}`, "not_ready"));
        }
      });
    });
  }

  /** Stops a run; its checkpoint stays, its status becomes `cancelled`. */
  cancel(generationId: string): GenerationView {
    const g = this.deps.store.getGeneration(generationId);
    if (["completed", "failed", "cancelled"].includes(g.status)) return g;
    if (g.status === "awaiting_confirmation") {
      // Cancelling a waiting edit drops the edit, not the finished video.
      const pending = this.deps.store.listEdits(g.composition!.id).find((e) => e.status === "proposed");
      if (pending) void this.decide(generationId, pending.id, "reject", "cancelled by the user").catch(() => undefined);
      return g;
    }
    const i = this.queue.findIndex((j) => j.generationId === generationId);
    if (i >= 0) this.queue.splice(i, 1);
    this.active.get(generationId)?.abort(new Error("cancelled by the user"));
    this.deps.store.updateGeneration(generationId, { status: "cancelled" });
    this.deps.store.appendEvent(generationId, "cancelled", { status: "cancelled" });
    this.wake(generationId);
    return this.deps.store.getGeneration(generationId);
  }

  /** Resolves when the generation is no longer queued or running. */
  waitFor(generationId: string): Promise<void> {
    const g = this.deps.store.getGeneration(generationId);
    if (!this.active.has(generationId) && !this.queue.some((j) => j.generationId === generationId) && !["queued", "running"].includes(g.status))
      return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(generationId) ?? [];
      list.push(resolve);
      this.waiters.set(generationId, list);
    });
  }

  /** Stops taking work; runs in flight keep their checkpoints and resume on the next start. */
  async shutdown(graceMs = 5000): Promise<void> {
    this.accepting = false;
    this.queue.length = 0;
    const deadline = Date.now() + graceMs;
    while (this.active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const c of this.active.values()) c.abort(new Error("shutting down"));
  }

  private config(generationId: string) {
    return { configurable: { thread_id: generationId } };
  }

  private audioPathHint(generationId: string): string | null {
    const e = this.deps.store.eventsAfter(generationId, 0).find((x) => x.type === "audio_resolved");
    return (e?.data.path as string | undefined) ?? null;
  }

  private enqueue(job: Job): void {
    if (!this.accepting) throw new RunRejectedError("the server is shutting down", "shutting_down");
    this.queue.push(job);
    this.pump();
  }

  /** Edits and decisions are short and a person waits on them: they skip the queue. */
  private runNow(job: Job): void {
    if (!this.accepting) throw new RunRejectedError("the server is shutting down", "shutting_down");
    void this.execute(job);
  }

  private pump(): void {
    while (this.accepting && this.queue.length && this.active.size < this.opts.concurrency) {
      void this.execute(this.queue.shift()!);
    }
  }

  private async execute(job: Job): Promise<void> {
    const controller = new AbortController();
    this.active.set(job.generationId, controller);
    try {
      await job.run(controller.signal);
    } finally {
      this.active.delete(job.generationId);
      this.wake(job.generationId);
      this.pump();
    }
  }

  private wake(generationId: string): void {
    const current = this.deps.store.getGeneration(generationId).status;
    if (["queued", "running"].includes(current) && (this.active.has(generationId) || this.queue.some((j) => j.generationId === generationId))) return;
    for (const w of this.waiters.get(generationId) ?? []) w();
    this.waiters.delete(generationId);
  }

  private async invoke(generationId: string, input: unknown, signal: AbortSignal): Promise<void> {
    const { store, log } = this.deps;
    try {
      store.updateGeneration(generationId, { status: "running" });
      const budget = AbortSignal.timeout(this.deps.config.runTimeoutS * 1000);
      const result = await this.graph.invoke(input as never, { ...this.config(generationId), signal: AbortSignal.any([signal, budget]), durability: "sync" });
      await this.finish(generationId, isInterrupted(result) ? "interrupted" : null);
    } catch (error) {
      if (signal.aborted) {
        store.appendEvent(generationId, "stopped", { message: signal.reason instanceof Error ? signal.reason.message : "stopped" });
        const g = store.getGeneration(generationId);
        if (g.status !== "cancelled") log.info({ generation_id: generationId }, "run stopped; it resumes from its checkpoint on the next start");
        return;
      }
      const g = store.getGeneration(generationId);
      const message = budgetExceeded(error, this.deps.config.runTimeoutS, g.stage) ?? (error instanceof Error ? error.message : String(error));
      const runError: RunError = { stage: g.stage, message, code: (error as { name?: string }).name ?? "error" };
      store.updateGeneration(generationId, { status: "failed", error: runError });
      store.appendEvent(generationId, "failed", { ...runError });
      log.error({ generation_id: generationId, node: g.stage, err: message }, "run failed");
    }
  }

  private async finish(generationId: string, interrupted: "interrupted" | null): Promise<void> {
    const { store } = this.deps;
    const snapshot = await this.graph.getState(this.config(generationId));
    const values = snapshot.values as { error?: RunError | null; editPlan?: EditPlan | null };
    if (interrupted || snapshot.tasks?.some((t) => t.interrupts?.length)) {
      store.updateGeneration(generationId, { status: "awaiting_confirmation", stage: "edit" });
      store.appendEvent(generationId, "awaiting_confirmation", { edit_id: values.editPlan?.id ?? null });
      return;
    }
    if (values.error) {
      store.updateGeneration(generationId, { status: "failed", error: values.error });
      store.appendEvent(generationId, "failed", { ...values.error });
      return;
    }
    store.updateGeneration(generationId, { status: "completed", percent: 100 });
    store.appendEvent(generationId, "completed", { status: "completed" });
  }
}

/** A run that outlived its budget fails saying so (and where), not with a bare abort. */
function budgetExceeded(error: unknown, budgetS: number, stage: string | null): string | null {
  const name = (error as { name?: string } | null)?.name;
  if (name !== "TimeoutError" && !(error instanceof Error && /timeout|aborted/i.test(error.message) && (error.cause as { name?: string } | undefined)?.name === "TimeoutError")) return null;
  return `the run exceeded its ${budgetS} s budget (REELGRAPH_RUN_TIMEOUT_S) during ${stage ?? "start-up"}`;
}
