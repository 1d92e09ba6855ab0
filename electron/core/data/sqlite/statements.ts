import type { Database as Db, Statement } from 'better-sqlite3';

/** A prepared statement for `sql`, compiled once per connection and shared by its repositories. */
export type Prepare = (sql: string) => Statement;

/** One connection's prepared statements: the repositories share them, the store drops them on close. */
export interface StatementCache {
  q: Prepare;
  clear(): void;
}

export function statementCache(db: Db): StatementCache {
  const statements = new Map<string, Statement>();
  return {
    q: (sql) => {
      let s = statements.get(sql);
      if (!s) {
        s = db.prepare(sql);
        statements.set(sql, s);
      }
      return s;
    },
    clear: () => statements.clear(),
  };
}
