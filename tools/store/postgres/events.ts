import type { StoredEvent } from "../../../core/domain.js";
import type { EventListener, EventLog } from "../../../core/stores.js";
import { iso, jsonb, type PgContext, type Row } from "./context.js";
import { NotificationListener } from "./listen.js";
import { EVENTS_CHANNEL } from "./migrations.js";

const PAGE = 500;

/**
 * The event log on Postgres, shared by every process on the database. An append commits the
 * event and a notification (reelgraph_append_event); each process LISTENs on one dedicated
 * connection and hands new events to its own subscribers.
 *
 * What a subscriber gets: the events of its generation appended after it subscribed, each
 * once, in seq order, whichever process wrote them. A notification only says "generation g
 * has an event n": the log is read after the last event delivered, so a lost, merged or
 * reordered notification loses nothing, and after a dropped LISTEN connection every feed
 * catches up. Events this process appends reach its subscribers before `append` resolves.
 *
 * A subscription starts after the generation's last event appended before it was made (read
 * from the database, by the events' times, so a slow read loses nothing written meanwhile);
 * an `append` or `after` called once subscribe has returned waits for that read, so
 * "subscribe, then replay with after()" misses nothing and an append that follows a
 * subscribe is always heard.
 */
export class PgEventLog implements EventLog {
  private readonly feeds = new Map<string, Feed>();
  private readonly listener: NotificationListener;
  private readonly onError: (err: unknown) => void;
  /** The last seq this process appended, per generation (the newest few thousand) and overall. */
  private readonly appendedHere = new Map<string, number>();
  private appendedHereAny = 0;

  constructor(
    private readonly ctx: PgContext,
    opts: { onError?: (err: unknown) => void; listenRetry?: { initialMs: number; maxMs: number } } = {},
  ) {
    this.onError = opts.onError ?? (() => undefined);
    this.listener = new NotificationListener({
      url: ctx.url,
      channel: EVENTS_CHANNEL,
      onNotify: (payload) => this.notified(payload),
      onListening: () => {
        for (const feed of this.feeds.values()) void feed.catchUp();
      },
      onError: opts.onError,
      retry: opts.listenRetry,
    });
  }

  async append(generationId: string, type: string, data: Record<string, unknown>): Promise<StoredEvent> {
    // A feed still taking its starting point takes it before this event exists, so it hears it.
    await Promise.all(this.feedsFor(generationId).map((f) => f.started));
    const created = new Date();
    const [r] = await this.ctx.query("SELECT out_seq, out_prev FROM reelgraph_append_event($1, $2, $3::jsonb, $4)", [generationId, type, jsonb(data), created]);
    const event: StoredEvent = { seq: Number(r!.out_seq), generation_id: generationId, type, data, created_at: created.toISOString() };
    const prev = r!.out_prev == null ? 0 : Number(r!.out_prev);
    this.noteAppended(event);
    await Promise.all(this.feedsFor(generationId).map((f) => f.appended(event, prev)));
    return event;
  }

  async after(generationId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    // Subscribe-then-replay (the SSE route) stays gapless: the replay reads after the new feed took its starting point.
    await Promise.all(this.feedsFor(generationId).map((f) => f.started));
    return this.read(generationId, afterSeq, limit);
  }

  private async read(generationId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.ctx.query(
      `SELECT seq, generation_id, type, data, ${iso("created_at")} AS created_at FROM events WHERE generation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [generationId, afterSeq, limit],
    );
    return rows.map(rowToEvent);
  }

  subscribe(generationId: string, listener: EventListener): () => void {
    let feed = this.feeds.get(generationId);
    if (!feed) {
      const all = generationId === "*";
      const before = { at: new Date(), seq: all ? this.appendedHereAny : (this.appendedHere.get(generationId) ?? 0) };
      feed = new Feed(this.ctx, all ? null : generationId, before, (gen, after) => this.read(gen, after, PAGE), this.onError);
      this.feeds.set(generationId, feed);
      void this.listener.start();
    }
    const f = feed;
    f.listeners.add(listener);
    return () => {
      f.listeners.delete(listener);
      if (!f.listeners.size && this.feeds.get(generationId) === f) this.feeds.delete(generationId);
    };
  }

  /** Whether this process is LISTENing right now (false while a dropped connection is reopened). */
  get listening(): boolean {
    return this.listener.listening;
  }

  async close(): Promise<void> {
    this.feeds.clear();
    await this.listener.close();
  }

  private noteAppended(event: StoredEvent): void {
    this.appendedHere.delete(event.generation_id);
    this.appendedHere.set(event.generation_id, event.seq);
    if (this.appendedHere.size > 5_000) this.appendedHere.delete(this.appendedHere.keys().next().value!);
    this.appendedHereAny = Math.max(this.appendedHereAny, event.seq);
  }

  private feedsFor(generationId: string): Feed[] {
    const out: Feed[] = [];
    const own = this.feeds.get(generationId);
    const all = this.feeds.get("*");
    if (own) out.push(own);
    if (all) out.push(all);
    return out;
  }

  private notified(payload: string): void {
    const cut = payload.lastIndexOf(" ");
    const generationId = payload.slice(0, cut);
    const seq = Number(payload.slice(cut + 1));
    if (cut <= 0 || !Number.isFinite(seq)) return;
    for (const f of this.feedsFor(generationId)) void f.notified(generationId, seq);
  }
}

/**
 * The subscribers of one generation (`only`) or of all ("*"), and how far each generation has
 * been delivered to them. Every step runs after the one before (one chain), so deliveries
 * never overlap or reorder. `floor` is the starting point: the last event appended before the
 * subscription was made (by its time), read once; events at or below it came before. For one generation that is exact (its events commit in seq order);
 * across generations numbers may commit out of order, so the all-feed starts a generation it
 * has not seen yet at the first event it is told about when that lies below the floor.
 */
class Feed {
  readonly listeners = new Set<EventListener>();
  readonly started: Promise<void>;
  private readonly cursors = new Map<string, number>();
  private floor: number | null = null;
  private chain: Promise<void>;

  constructor(
    private readonly ctx: PgContext,
    private readonly only: string | null,
    /** When the subscription was made, and the last seq this process had appended by then. */
    private readonly before: { at: Date; seq: number },
    private readonly read: (generationId: string, afterSeq: number) => Promise<StoredEvent[]>,
    private readonly onError: (err: unknown) => void,
  ) {
    this.started = this.ensureFloor().then(() => undefined, () => undefined);
    this.chain = this.started;
  }

  /** An event this process appended; `prev` is the generation's last seq before it. */
  appended(event: StoredEvent, prev: number): Promise<void> {
    return this.step(async () => {
      await this.ensureFloor();
      const gen = event.generation_id;
      const at = this.cursorOf(gen, prev);
      if (event.seq <= at) return;
      if (prev <= at) {
        this.cursors.set(gen, event.seq);
        this.emit(event);
      } else {
        await this.deliver(gen, at);
      }
    });
  }

  /** Another process (or this one) says generation `gen` has event `seq`. */
  notified(gen: string, seq: number): Promise<void> {
    return this.step(async () => {
      await this.ensureFloor();
      const at = this.cursorOf(gen, seq - 1);
      if (seq > at) await this.deliver(gen, at);
    });
  }

  /** After LISTEN was (re)established: whatever was written meanwhile. */
  catchUp(): Promise<void> {
    return this.step(async () => {
      const floor = await this.ensureFloor();
      const rows = await this.ctx.query(
        `SELECT generation_id, max(seq) AS last FROM events WHERE seq > $1 ${this.only === null ? "" : "AND generation_id = $2"} GROUP BY generation_id`,
        this.only === null ? [floor] : [floor, this.only],
      );
      for (const r of rows) {
        const gen = String(r.generation_id);
        const at = this.cursorOf(gen, floor);
        if (Number(r.last) > at) await this.deliver(gen, at);
      }
    });
  }

  private cursorOf(gen: string, belowFirstHeard: number): number {
    const known = this.cursors.get(gen);
    if (known !== undefined) return known;
    const floor = this.floor ?? 0;
    return this.only === null ? Math.min(floor, belowFirstHeard) : floor;
  }

  private async ensureFloor(): Promise<number> {
    if (this.floor !== null) return this.floor;
    // The last event appended before the subscription, however long this query waited for a connection.
    const [r] = await this.ctx.query(
      this.only === null
        ? "SELECT coalesce(max(seq), 0) AS s FROM events WHERE created_at < $1"
        : "SELECT coalesce(max(seq), 0) AS s FROM events WHERE generation_id = $2 AND created_at < $1",
      this.only === null ? [this.before.at] : [this.before.at, this.only],
    );
    return (this.floor = Math.max(Number(r!.s), this.before.seq));
  }

  private async deliver(gen: string, from: number): Promise<void> {
    let at = from;
    for (;;) {
      const batch = await this.read(gen, at);
      for (const e of batch) {
        at = e.seq;
        this.cursors.set(gen, at);
        this.emit(e);
      }
      if (batch.length < PAGE) return;
    }
  }

  private emit(event: StoredEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // one listener's failure is its own; the others still hear the event
      }
    }
  }

  /** Runs `fn` after every earlier step. A failed step (the database away) is reported and retried by a catch-up soon after. */
  private step(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch((err: unknown) => {
      this.onError(err);
      this.retrySoon();
    });
    this.chain = next;
    return next;
  }

  private retrying = false;

  private retrySoon(): void {
    if (this.retrying || !this.listeners.size) return;
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      if (this.listeners.size) void this.catchUp();
    }, 1_000).unref();
  }
}

function rowToEvent(r: Row): StoredEvent {
  return { seq: Number(r.seq), generation_id: String(r.generation_id), type: String(r.type), data: r.data as Record<string, unknown>, created_at: String(r.created_at) };
}
