import type Database from 'better-sqlite3';
import type { Transition } from '../model/types.js';

/** One change of state of one finding: what the trend of open findings is rebuilt from. */
export interface TransitionPoint {
  findingId: string;
  at: string;
  transition: Exclude<Transition, 'unchanged'>;
}

/** Every new, reopened and fixed observation, oldest first; unchanged ones (most rows) are never read. */
export function listTransitions(db: Database.Database): TransitionPoint[] {
  const rows = db
    .prepare("SELECT finding_id, at, transition FROM observations WHERE transition != 'unchanged' ORDER BY at, finding_id")
    .all() as Array<{ finding_id: string; at: string; transition: TransitionPoint['transition'] }>;
  return rows.map((row) => ({ findingId: row.finding_id, at: row.at, transition: row.transition }));
}
