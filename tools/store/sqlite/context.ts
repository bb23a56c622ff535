import { openDb, type Db } from "./db.js";

/** Generations whose last write is remembered one by one; beyond that, the oldest count as "everything changed". */
const TRACKED_GENERATIONS = 10_000;

/**
 * One SQLite file shared by the stores of a process. This connection's writes are numbered,
 * each remembered against the generation it touched (or against everything, when a write does
 * not say), and SQLite's data_version counts every other connection's; so a cached read of one
 * generation stays valid while neither its own writes, an unscoped write nor another
 * connection moved — a run writing its progress does not throw away the others' cached views.
 */
export class SqliteContext {
  readonly db: Db;
  private seq = 0;
  /** Number of the last write that did not name its generation. */
  private everything = 0;
  /** Per generation, the number of its last write (least recently written first). */
  private readonly touched = new Map<string, number>();
  private readonly dataVersion;

  constructor(path: string) {
    this.db = openDb(path);
    this.dataVersion = this.db.prepare("PRAGMA data_version").pluck();
  }

  /** Notes a write by this connection: to one generation's rows, or (no id) to anything. */
  wrote(generationId?: string): void {
    const n = ++this.seq;
    if (generationId === undefined) {
      this.everything = n;
      return;
    }
    this.touched.delete(generationId);
    this.touched.set(generationId, n);
    if (this.touched.size > TRACKED_GENERATIONS) {
      this.touched.delete(this.touched.keys().next().value!);
      this.everything = n;
    }
  }

  /**
   * What changes whenever anything that may concern `generationId` was written to the file, by
   * anyone: three numbers written into `into` (other connections' commits, this connection's
   * last unscoped write, its last write to that generation), without allocating — the status
   * poll asks on every request.
   */
  stamp(generationId: string, into: VersionStamp): VersionStamp {
    into.data = this.dataVersion.get() as number;
    into.everything = this.everything;
    into.own = this.touched.get(generationId) ?? 0;
    return into;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface VersionStamp {
  data: number;
  everything: number;
  own: number;
}

export type Row = Record<string, unknown>;
export const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
export const parse = <T>(v: unknown): T => (v == null ? (null as T) : (JSON.parse(String(v)) as T));
