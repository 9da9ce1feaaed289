import type Database from 'better-sqlite3';
import { SieveError } from '../model/errors.js';
import { migrations } from './migrations/index.js';

export class DatabaseFromFutureError extends SieveError {
  constructor(path: string, found: number, known: number) {
    super('SIEVE_STORE', `${path}: store schema version ${found} is newer than this Sieve knows (${known}); upgrade Sieve`);
    this.name = 'DatabaseFromFutureError';
  }
}

/** Brings the schema up to date in one transaction; an interrupted upgrade leaves the old schema. */
export function migrate(db: Database.Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new DatabaseFromFutureError(path, current, migrations.length);
  if (current === migrations.length) return;
  db.transaction(() => {
    for (const migration of migrations.slice(current)) db.exec(migration.sql);
    db.pragma(`user_version = ${migrations.length}`);
  })();
}
