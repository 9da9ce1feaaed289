import * as initial from './0001-initial.js';

/**
 * Schema versions in order; PRAGMA user_version records how many have been applied.
 * Append new files here, never edit an applied one.
 */
export const migrations: ReadonlyArray<{ name: string; sql: string }> = [{ name: '0001-initial', sql: initial.sql }];
