import { Command } from "@langchain/langgraph";
import type { GenerationView } from "../core/domain.js";
import type { EditPlan } from "../core/schemas/edit.js";
import type { GenerationRequest } from "../core/schemas/request.js";
import type { Stores } from "../core/stores.js";
import type { CompiledReelgraph } from "../graph/index.js";
import type { Log } from "../graph/ports.js";
import type { EditRequest, State } from "../graph/state.js";
import type { RunDispatcher, RunJob } from "./jobs.js";
import { RUN_WRITE, type Projector } from "./projector.js";

export class RunRejectedError extends Error {
  override readonly name = "RunRejectedError";
  constructor(message: string, readonly code: "shutting_down" | "busy" | "not_ready" | "not_awaiting") {
    super(message);
  }
}


export interface RunManagerOptions {
  /** Pipelines run at once; the rest wait in the read model as `queued`. */
  concurrency: number;
  /** Budget of one run (start, resume or edit), in seconds. */
  runTimeoutS: number;
  /**
   * Where jobs go. Absent: this process runs them (at most `concurrency` at once, edits ahead).
   * A queue (app/queue.ts): worker processes run them, and this process only reads.
   */
  dispatcher?: RunDispatcher;
  /** Told when a job this process ran has ended (the run thread reports it to the API's thread). */
  onJobEnd?: (job: RunJob) => void;
}

/**
 * Runs graph threads (thread id = generation id): at most `concurrency` at once, the rest
 * queued (in the read model as `queued`, so a restart picks them up). Each run's stream goes
 * through the projector, so every run ends `completed`, `failed` (with a reason), `cancelled`
 * or `awaiting_confirmation`; nothing is left at "running" except by a crash, and start-up
 * resumes those from their checkpoints.
 */
export class RunManager {
  private readonly queue: RunJob[] = [];
  private readonly active = new Map<string, AbortController>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private accepting = true;
  private readonly offCancel: () => void;

  constructor(
    private readonly stores: Stores,
    private readonly graph: CompiledReelgraph,
    private readonly projector: Projector,
    private readonly log: Log,
    private readonly opts: RunManagerOptions,
  ) {
    // A cancel may be said by another process (an API process); the run stops wherever it runs.
    this.offCancel = stores.events.subscribe("*", (e) => {
      if (e.type === "cancelled") this.active.get(e.generation_id)?.abort(new Error("cancelled by the user"));
    });
  }

  get stats(): { active: number; queued: number } {
    return this.opts.dispatcher?.stats?.() ?? { active: this.active.size, queued: this.queue.length };
  }

  /** Resolves when runs can be taken (a run thread has started); rejects when they never can. */
  async ready(): Promise<void> {
    await this.opts.dispatcher?.ready?.();
  }

  /**
   * Takes a job sent from elsewhere (the API's thread, to the run thread) as if it had been
   * submitted here: edits and decisions at once, runs through the queue. False when it was not
   * taken (the same run is already in hand, or this manager is shutting down); onJobEnd is told
   * only of jobs taken.
   */
  accept(job: RunJob): boolean {
    // A start or resume of a run already in hand here is the same work sent twice (a thread
    // replaced while a job was on its way, then every unfinished run resumed): run it once.
    const id = job.generationId;
    if ((job.kind === "start" || job.kind === "resume") && (this.active.has(id) || this.queue.some((j) => j.generationId === id))) return false;
    if (!this.accepting) return false;
    void this.submit(job).catch((err: unknown) => this.log.warn({ generation_id: id, err: err instanceof Error ? err.message : String(err) }, "a job could not be taken"));
    return true;
  }

  /** Drops a job of `generationId` still waiting in this process's queue; false when none was. */
  drop(generationId: string): boolean {
    const i = this.queue.findIndex((j) => j.generationId === generationId);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  /** Queues a new generation (already created in the read model). `audioPath`: a song already on disk. */
  start(generationId: string, input: { request: GenerationRequest; audioPath?: string | null }): Promise<void> {
    return this.submit({ kind: "start", generationId, request: input.request, audioPath: input.audioPath ?? null });
  }

  /** Resumes every run a previous process left queued or running, from its checkpoint. */
  async resumeUnfinished(): Promise<string[]> {
    const ids = await this.stores.generations.unfinished();
    for (const id of ids) {
      const snapshot = await this.graph.getState(this.config(id));
      const values = snapshot.values as Partial<State> | undefined;
      if (values && Object.keys(values).length) {
        // From its checkpoint (a no-op when it had in fact finished: then it is marked so).
        await this.submit({ kind: "resume", generationId: id });
      } else {
        const g = await this.stores.generations.get(id);
        this.log.info({ generation_id: id }, "restarting a run that never reached its first checkpoint");
        await this.start(id, { request: g.request });
      }
    }
    return ids;
  }

  /**
   * Interprets an edit on a finished generation. Resolves with the plan once it is proposed
   * or rejected, or, when it is applied at once, once it is applied (recomposition goes on).
   */
  async edit(generationId: string, edit: EditRequest): Promise<EditPlan> {
    const g = await this.stores.generations.get(generationId);
    if (this.active.has(generationId) || g.status === "running" || g.status === "queued")
      throw new RunRejectedError("the composition is still rendering; try again when it is ready", "busy");
    if (!g.composition) throw new RunRejectedError("there is no composition to edit yet", "not_ready");
    if (g.status === "awaiting_confirmation") await this.supersede(generationId, edit.id);
    const settled = this.editSettled(generationId, edit.id, edit.apply_immediately ? ["edit_applied"] : []);
    await this.stores.generations.update(generationId, { status: "running", stage: "edit", error: null });
    await this.submit({ kind: "edit", generationId, edit });
    return settled;
  }

  /** Confirms or rejects the edit the thread is waiting on; resolves with the plan as it then stands. */
  async decide(generationId: string, editId: string, decision: "confirm" | "reject", reason?: string): Promise<EditPlan> {
    const snapshot = await this.graph.getState(this.config(generationId));
    const g = await this.stores.generations.get(generationId);
    const waitingOn = (snapshot.values as Partial<State>).editPlan;
    if (this.active.has(generationId) || g.status !== "awaiting_confirmation" || !hasInterrupt(snapshot) || waitingOn?.id !== editId || waitingOn.status !== "proposed")
      throw new RunRejectedError(`edit ${editId} is not waiting for confirmation`, "not_awaiting");
    const settled = this.editSettled(generationId, editId, ["edit_applied", "edit_rejected"]);
    await this.stores.generations.update(generationId, { status: "running", stage: "edit" });
    await this.submit({ kind: "decide", generationId, decision: { decision, reason } });
    const plan = await settled;
    if (decision === "reject") await this.waitFor(generationId);
    return plan;
  }

  /** A new edit replaces the plan that is waiting: that plan becomes `superseded`, naming the new one. */
  private async supersede(generationId: string, byEditId: string): Promise<void> {
    const snapshot = await this.graph.getState(this.config(generationId));
    const waiting = (snapshot.values as Partial<State>).editPlan;
    if (!hasInterrupt(snapshot) || waiting?.status !== "proposed") throw new RunRejectedError("the waiting edit could not be found; try again", "not_awaiting");
    const done = this.editSettled(generationId, waiting.id, ["edit_superseded"]);
    await this.stores.generations.update(generationId, { status: "running", stage: "edit" });
    await this.submit({ kind: "decide", generationId, decision: { decision: "supersede", by: byEditId } });
    await done;
    await this.waitFor(generationId);
  }

  /**
   * Makes an old version current again as a new version: its render is reused, nothing is
   * composed. The graph's state is written (so the next edit starts from it) and projected.
   */
  async revert(generationId: string, version: number): Promise<{ version: number }> {
    const g = await this.stores.generations.get(generationId);
    if (this.active.has(generationId) || g.status === "running" || g.status === "queued")
      throw new RunRejectedError("the composition is still rendering; try again when it is ready", "busy");
    if (g.status === "awaiting_confirmation") throw new RunRejectedError("an edit is waiting for confirmation: confirm or reject it first", "busy");
    if (!g.composition) throw new RunRejectedError("there is no composition to revert yet", "not_ready");
    const compositionId = g.composition.id;
    const old = await this.stores.compositions.version(compositionId, version);
    const values = (await this.graph.getState(this.config(generationId))).values as Partial<State>;
    const next = Math.max(values.latestVersion ?? 0, await this.stores.compositions.latestVersionNumber(compositionId)) + 1;
    const timeline = { ...old.timeline, version: next };
    const composition = { id: compositionId, version: next, edit_id: null, video: { path: old.video.path ?? "", duration_s: old.video.duration_s ?? timeline.duration_s } };
    await this.graph.updateState(this.config(generationId), { timeline, composition, latestVersion: next, editRequest: null }, "compose");
    await this.stores.compositions.saveVersion({ generationId, timeline, videoPath: old.video.path, duration_s: old.video.duration_s, revertedFrom: version });
    await this.stores.events.append(generationId, "reverted", { composition_id: compositionId, version: next, reverted_from: version });
    return { version: next };
  }

  /**
   * Resolves with the stored plan when the edit reaches one of `events` (or is planned as
   * rejected, or proposed when no event is awaited); rejects if the run fails or stops first.
   */
  private editSettled(generationId: string, editId: string, events: string[]): Promise<EditPlan> {
    return new Promise<EditPlan>((resolve, reject) => {
      const off = this.stores.events.subscribe(generationId, (e) => {
        const mine = e.data.edit_id === editId;
        const planned = e.type === "edit_planned" && mine && (events.length === 0 || e.data.status === "rejected");
        if (planned || (mine && events.includes(e.type))) {
          off();
          this.stores.compositions.getEdit(editId).then((s) => resolve(s.plan), reject);
        } else if (e.type === "failed" || e.type === "cancelled" || e.type === "stopped") {
          off();
          reject(new RunRejectedError(`the edit did not finish: ${String((e.data as { message?: string }).message ?? e.type)}`, "not_ready"));
        }
      });
    });
  }

  /** Stops a run; its checkpoint stays, its status becomes `cancelled`. */
  async cancel(generationId: string): Promise<GenerationView> {
    const { generations, events } = this.stores;
    const g = await generations.get(generationId);
    if (["completed", "failed", "cancelled"].includes(g.status)) return g;
    if (g.status === "awaiting_confirmation") {
      // Cancelling a waiting edit drops the edit, not the finished video.
      const pending = (await this.stores.compositions.listEdits(g.composition!.id)).find((e) => e.status === "proposed");
      if (pending) void this.decide(generationId, pending.id, "reject", "cancelled by the user").catch(() => undefined);
      return g;
    }
    this.drop(generationId);
    await this.opts.dispatcher?.drop(generationId);
    this.active.get(generationId)?.abort(new Error("cancelled by the user"));
    // Guarded: a run that ended while the cancel was on its way (in a run thread or a worker)
    // stays completed or failed, and no cancel is announced for it.
    await generations.update(generationId, { status: "cancelled" }, { unlessStatus: ["completed", "failed", "awaiting_confirmation"] });
    const after = await generations.get(generationId);
    if (after.status === "cancelled") await events.append(generationId, "cancelled", { status: "cancelled" });
    await this.wake(generationId);
    return after;
  }

  /** Resolves when the generation is no longer queued or running (here or in any worker). */
  async waitFor(generationId: string): Promise<void> {
    const settled = async () => {
      const g = await this.stores.generations.get(generationId);
      return !this.active.has(generationId) && !this.queue.some((j) => j.generationId === generationId) && !["queued", "running"].includes(g.status);
    };
    if (await settled()) return;
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        off();
        resolve();
      };
      const list = this.waiters.get(generationId) ?? [];
      list.push(finish);
      this.waiters.set(generationId, list);
      // A run executed by another process ends with an event this process hears.
      const off = this.stores.events.subscribe(generationId, () => void settled().then((yes) => yes && finish()));
      void settled().then((yes) => yes && finish());
    });
  }

  /** Stops taking work; runs in flight keep their checkpoints and resume on the next start. */
  async shutdown(graceMs = 5000): Promise<void> {
    this.accepting = false;
    this.offCancel();
    this.queue.length = 0;
    await this.opts.dispatcher?.shutdown?.(graceMs);
    const deadline = Date.now() + graceMs;
    while (this.active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const c of this.active.values()) c.abort(new Error("shutting down"));
    while (this.active.size) await new Promise((r) => setTimeout(r, 10));
  }

  private config(generationId: string) {
    return { configurable: { thread_id: generationId } };
  }

  /** Sends a job to where runs happen: this process, or the queue the workers take from. */
  private async submit(job: RunJob): Promise<void> {
    if (!this.accepting) throw new RunRejectedError("the server is shutting down", "shutting_down");
    if (this.opts.dispatcher) return this.opts.dispatcher.dispatch(job);
    // Edits and decisions are short and a person waits on them: they skip the queue.
    if (job.kind === "edit" || job.kind === "decide") void this.execute(job);
    else {
      this.queue.push(job);
      this.pump();
    }
  }

  private pump(): void {
    while (this.accepting && this.queue.length && this.active.size < this.opts.concurrency) {
      void this.execute(this.queue.shift()!);
    }
  }

  /**
   * Runs one job to its end here: what a worker calls for each job it takes. A job taken over
   * from a worker that died finds the thread where that worker left it and goes on from there.
   */
  async process(job: RunJob): Promise<void> {
    await this.execute(job);
  }

  private async execute(job: RunJob): Promise<void> {
    const controller = new AbortController();
    this.active.set(job.generationId, controller);
    try {
      await this.run(job, controller.signal);
    } finally {
      this.active.delete(job.generationId);
      await this.wake(job.generationId).catch(() => undefined);
      this.opts.onJobEnd?.(job);
      this.pump();
    }
  }

  private async run(job: RunJob, signal: AbortSignal): Promise<void> {
    const id = job.generationId;
    const g = await this.stores.generations.get(id);
    if (g.status === "cancelled") return;
    // A start or resume that arrives after its run ended (a queue's redelivery, a list of
    // unfinished runs read just before one finished) has nothing to do: running it again
    // would announce the end a second time.
    if ((job.kind === "start" || job.kind === "resume") && g.status !== "queued" && g.status !== "running") return;
    const snapshot = await this.graph.getState(this.config(id));
    const values = (snapshot.values ?? {}) as Partial<State>;
    const started = Object.keys(values).length > 0;
    const waiting = hasInterrupt(snapshot);
    // A worker that died between a checkpoint and its projection left the read model behind.
    if (started) await this.projector.sync(id, values);
    // `invoke(null)` goes on from the checkpoint — also past writes a killed process saved
    // without their checkpoint (then `next` reads empty), and it is a no-op on a finished thread.
    switch (job.kind) {
      case "start":
        return this.invoke(id, started ? null : { generationId: id, request: job.request, audioPath: job.audioPath }, signal);
      case "resume":
        return this.invoke(id, null, signal);
      case "edit":
        return this.invoke(id, values.editPlan?.id === job.edit.id || waiting ? null : { editRequest: job.edit, editPlan: null, error: null }, signal);
      case "decide":
        return this.invoke(id, waiting ? new Command({ resume: job.decision }) : null, signal);
    }
  }

  private async wake(generationId: string): Promise<void> {
    const current = (await this.stores.generations.get(generationId)).status;
    if (["queued", "running"].includes(current) && (this.active.has(generationId) || this.queue.some((j) => j.generationId === generationId))) return;
    for (const w of this.waiters.get(generationId) ?? []) w();
    this.waiters.delete(generationId);
  }

  /** Runs the graph on a thread, every chunk of its stream through the projector. */
  private async invoke(generationId: string, input: unknown, signal: AbortSignal): Promise<void> {
    const { generations, events } = this.stores;
    try {
      await generations.update(generationId, { status: "running" }, RUN_WRITE);
      const config = { configurable: { thread_id: generationId, run_deadline_ms: Date.now() + this.opts.runTimeoutS * 1000 }, signal, durability: "sync" as const, streamMode: ["updates", "custom"] as ("updates" | "custom")[] };
      const stream = await this.graph.stream(input as never, config);
      for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) await this.projector.apply(generationId, mode, chunk);
      const snapshot = await this.graph.getState(this.config(generationId));
      await this.projector.finish(generationId, { interrupted: hasInterrupt(snapshot), values: snapshot.values as Partial<State> });
    } catch (error) {
      if (signal.aborted) {
        await events.append(generationId, "stopped", { message: signal.reason instanceof Error ? signal.reason.message : "stopped" });
        const g = await generations.get(generationId);
        if (g.status !== "cancelled") this.log.info({ generation_id: generationId }, "run stopped; it resumes from its checkpoint on the next start");
        return;
      }
      const g = await generations.get(generationId);
      await this.projector.fail(generationId, { stage: g.stage, message: error instanceof Error ? error.message : String(error), code: (error as { name?: string }).name ?? "error" });
    }
  }
}

function hasInterrupt(snapshot: { tasks?: { interrupts?: unknown[] }[] }): boolean {
  return !!snapshot.tasks?.some((t) => t.interrupts?.length);
}
