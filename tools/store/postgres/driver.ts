import type pg from "pg";

let loaded: Promise<typeof pg> | null = null;

/**
 * node-postgres, loaded on first use: a process that never opens Postgres (the CLI's plan,
 * SQLite deployments) does not pay for loading it.
 */
export function loadPg(): Promise<typeof pg> {
  return (loaded ??= import("pg").then((m) => m.default));
}
