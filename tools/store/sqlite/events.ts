import type { StoredEvent } from "../../../core/domain.js";
import type { EventListener, EventLog } from "../../../core/stores.js";
import { nowIso } from "./db.js";
import { parse, type Row, type SqliteContext } from "./context.js";

function rowToEvent(r: Row): StoredEvent {
  return { seq: Number(r.seq), generation_id: String(r.generation_id), type: String(r.type), data: parse(r.data), created_at: String(r.created_at) };
}

/** Listeners by generation id ("*" for all): the in-process half of every event log. */
export class Listeners {
  private readonly byId = new Map<string, Set<EventListener>>();

  add(generationId: string, listener: EventListener): () => void {
    let set = this.byId.get(generationId);
    if (!set) this.byId.set(generationId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (!set!.size) this.byId.delete(generationId);
    };
  }

  emit(event: StoredEvent): void {
    for (const l of this.byId.get(event.generation_id) ?? []) l(event);
    for (const l of this.byId.get("*") ?? []) l(event);
  }
}

/**
 * The event log on SQLite; subscribers in this process hear each event as it is written.
 * Another thread on the same file (the server's run thread, app/run-thread.ts) is joined with
 * `relay` (each event this log writes is also handed to the sink) and `deliver` (an event the
 * other side wrote, already committed, is told to this side's subscribers without writing it).
 */
export class SqliteEventLog implements EventLog {
  private readonly listeners = new Listeners();
  private readonly stmts;
  private sink: ((event: StoredEvent) => void) | null = null;

  constructor(private readonly ctx: SqliteContext) {
    this.stmts = {
      insert: ctx.db.prepare("INSERT INTO events (generation_id, type, data, created_at) VALUES (?, ?, ?, ?)"),
      after: ctx.db.prepare("SELECT * FROM events WHERE generation_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
      since: ctx.db.prepare("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?"),
      last: ctx.db.prepare("SELECT coalesce(max(seq), 0) FROM events").pluck(),
    };
  }

  async append(generationId: string, type: string, data: Record<string, unknown>): Promise<StoredEvent> {
    const created_at = nowIso();
    const r = this.stmts.insert.run(generationId, type, JSON.stringify(data), created_at);
    const event: StoredEvent = { seq: Number(r.lastInsertRowid), generation_id: generationId, type, data, created_at };
    this.listeners.emit(event);
    this.sink?.(event);
    return event;
  }

  /** Hands every event written from now on through this log to `sink` too (one sink; null stops). */
  relay(sink: ((event: StoredEvent) => void) | null): void {
    this.sink = sink;
  }

  /** Tells this side's subscribers of an event written (and committed) by another connection. */
  deliver(event: StoredEvent): void {
    this.listeners.emit(event);
  }

  async after(generationId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    return (this.stmts.after.all(generationId, afterSeq, limit) as Row[]).map(rowToEvent);
  }

  /** The seq of the last event written (0 when none). */
  lastSeq(): number {
    return Number(this.stmts.last.get());
  }

  /** Every generation's events after `afterSeq`, in order (at most `limit`): what another connection wrote since. */
  since(afterSeq: number, limit = 10_000): StoredEvent[] {
    return (this.stmts.since.all(afterSeq, limit) as Row[]).map(rowToEvent);
  }

  subscribe(generationId: string, listener: EventListener): () => void {
    return this.listeners.add(generationId, listener);
  }
}
