import type pg from "pg";
import { backoffDelay } from "../../../core/backoff.js";
import { loadPg } from "./driver.js";

export interface NotificationListenerOptions {
  url: string;
  channel: string;
  /** A notification's payload. */
  onNotify(payload: string): void;
  /** Each time LISTEN is in force again (the first time too): whatever was sent meanwhile was not heard. */
  onListening(): void;
  /** A lost connection or a failed attempt (it is retried). */
  onError?(err: unknown): void;
  /** Backoff between attempts to listen again (default 100 ms doubling up to 5 s). */
  retry?: { initialMs: number; maxMs: number };
}

/** A connection attempt that hangs (an unreachable host) gives up after this and is retried. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One dedicated connection that LISTENs on a channel for this process. A dropped connection is
 * opened again with backoff and LISTEN re-issued; `onListening` then lets the caller catch up
 * on what it could not hear in between.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private closed = false;
  private connecting: Promise<void> | null = null;

  constructor(private readonly opts: NotificationListenerOptions) {}

  /** Starts listening (once); the promise settles after the first attempt. */
  start(): Promise<void> {
    return (this.starting ??= this.connecting = this.connect());
  }

  /** Whether LISTEN is in force right now. */
  get listening(): boolean {
    return this.client !== null;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let pg: typeof import("pg").default;
    try {
      pg = await loadPg();
    } catch (err) {
      this.opts.onError?.(err);
      return;
    }
    const client = new pg.Client({ connectionString: this.opts.url, application_name: "reelgraph-events", keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners("notification");
      void client.end().catch(() => undefined);
      if (err) this.opts.onError?.(err);
      this.retry();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (m) => {
      if (m.channel === this.opts.channel && m.payload) this.opts.onNotify(m.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.opts.channel)}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (this.closed || lost) {
      if (!lost) void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.opts.onListening();
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    const delay = backoffDelay(this.attempt++, this.opts.retry ?? { initialMs: 100, maxMs: 5_000 });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connecting = this.connect();
    }, delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners("end");
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
