import type { Severity } from '../model/types.js';

export type { Severity };

/** The fields of a StoredFinding that ordering helpers need. */
export interface StoredFindingLike {
  id: string;
  severity: Severity;
  score?: number;
}
