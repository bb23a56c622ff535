import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import Database from "better-sqlite3";
import { openConnection } from "./db.js";

/**
 * LangGraph's SQLite checkpointer on a connection set up like the run store's (openConnection in ./db.ts): WAL,
 * `synchronous = NORMAL`, a busy timeout. `SqliteSaver.fromConnString` leaves SQLite's default
 * `synchronous = FULL`, which syncs the WAL to disk on every commit — two commits per graph
 * step, ~0.4 ms each on this machine against ~0.05 ms. With NORMAL a commit survives a crash
 * of the process (what a resumed run needs); only an OS crash or power cut can lose the last
 * commits, as it can for the run store beside it — and a step whose checkpoint is lost is run
 * again from the one before, with the clip ledger (also NORMAL, written before any payment)
 * making sure no prediction is paid twice. The busy timeout lets a CLI and a server share the
 * file without SQLITE_BUSY.
 */
export function openSqliteCheckpointer(path: string): SqliteSaver {
  return new SqliteSaver(withStatementCache(openConnection(path)));
}

/**
 * The connection as SqliteSaver sees it: `prepare` returns the statement made the first time
 * for the same SQL. SqliteSaver prepares its INSERT again on every put and putWrites (two
 * or three per graph step); preparing is parsing and planning the SQL each time — about
 * 0.4 ms of a pipeline's 4.6 ms on LangGraph alone here. Reusing a statement is safe: every
 * call SqliteSaver makes (run, get, all) finishes before it returns.
 */
function withStatementCache(db: Database.Database): Database.Database {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
