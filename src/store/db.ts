import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrate.js';

/** Opens (creating when needed) and migrates the store. */
export function openDatabase(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // WAL with NORMAL is durable across application crashes, which is what a nightly job needs.
  db.pragma('synchronous = NORMAL');
  migrate(db, path);
  return db;
}
