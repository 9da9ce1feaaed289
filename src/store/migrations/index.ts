import * as initial from './0001-initial.js';
import * as triage from './0002-triage.js';
import * as notifications from './0003-notifications.js';
import * as judged from './0004-judged.js';
import * as alerts from './0005-alerts.js';
import * as knownExploited from './0006-known-exploited.js';
import * as targetState from './0007-target-state.js';

/**
 * Schema versions in order; PRAGMA user_version records how many have been applied.
 * Append new files here, never edit an applied one.
 */
export const migrations: ReadonlyArray<{ name: string; sql: string }> = [
  { name: '0001-initial', sql: initial.sql },
  { name: '0002-triage', sql: triage.sql },
  { name: '0003-notifications', sql: notifications.sql },
  { name: '0004-judged', sql: judged.sql },
  { name: '0005-alerts', sql: alerts.sql },
  { name: '0006-known-exploited', sql: knownExploited.sql },
  { name: '0007-target-state', sql: targetState.sql },
];
