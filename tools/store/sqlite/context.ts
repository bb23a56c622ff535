import { openDb, type Db } from "./db.js";

/** One SQLite file shared by the stores of a process (caches follow generations.view_version, see db.ts). */
export class SqliteContext {
  readonly db: Db;

  constructor(path: string) {
    this.db = openDb(path);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type Row = Record<string, unknown>;
export const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
export const parse = <T>(v: unknown): T => (v == null ? (null as T) : (JSON.parse(String(v)) as T));
