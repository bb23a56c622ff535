import { openDb, type Db } from "./db.js";

/**
 * One SQLite file shared by the stores of a process. `writes` counts this connection's
 * writes and SQLite's data_version counts every other connection's, so a cached read is valid
 * while neither moved.
 */
export class SqliteContext {
  readonly db: Db;
  private writes = 0;
  private readonly dataVersion;

  constructor(path: string) {
    this.db = openDb(path);
    this.dataVersion = this.db.prepare("PRAGMA data_version").pluck();
  }

  wrote(): void {
    this.writes++;
  }

  /** Changes whenever anything was written to the file, by anyone. */
  version(): string {
    return `${this.dataVersion.get()}:${this.writes}`;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type Row = Record<string, unknown>;
export const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
export const parse = <T>(v: unknown): T => (v == null ? (null as T) : (JSON.parse(String(v)) as T));
