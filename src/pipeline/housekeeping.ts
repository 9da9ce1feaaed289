import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorPath, TEMP_PREFIX } from '../checkout/clone.js';
import type { TargetConfig } from '../config/load.js';
import { errorMessage } from '../model/errors.js';

export interface HousekeepingResult {
  runsRemoved: string[];
  mirrorsRemoved: string[];
  debrisRemoved: string[];
  problems: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a run started, from its id (`20260102T030405Z-abc123`), else from its folder's time. */
function runStarted(runsDir: string, id: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  if (match) return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
  return statSync(join(runsDir, id)).mtimeMs;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Prunes a home while its lock is held (so nothing else uses it): run folders older than the
 * retention (the newest and the current run are always kept), mirrors no target of the
 * configuration uses any more, and what killed runs left behind (half-made mirror clones,
 * worktrees, analyzer temp folders). The store is untouched: findings outlive their run folders.
 */
export function houseKeep(options: {
  home: string;
  keepRunsDays: number;
  now: Date;
  targets: readonly TargetConfig[];
  currentRun?: string;
}): HousekeepingResult {
  const result: HousekeepingResult = { runsRemoved: [], mirrorsRemoved: [], debrisRemoved: [], problems: [] };
  const remove = (path: string, into: string[], name: string) => {
    try {
      rmSync(path, { recursive: true, force: true });
      into.push(name);
    } catch (error) {
      result.problems.push(`${path}: ${errorMessage(error)}`);
    }
  };

  const runsDir = join(options.home, 'runs');
  const runs = entries(runsDir).sort();
  const newest = runs.at(-1);
  const cutoff = options.now.getTime() - options.keepRunsDays * DAY_MS;
  for (const id of runs) {
    if (id === newest || id === options.currentRun) continue;
    try {
      if (runStarted(runsDir, id) < cutoff) remove(join(runsDir, id), result.runsRemoved, id);
    } catch (error) {
      result.problems.push(`${join(runsDir, id)}: ${errorMessage(error)}`);
    }
  }

  const cache = join(options.home, 'cache');
  const gitDir = join(cache, 'git');
  const used = new Set(options.targets.filter((target) => target.kind === 'repo' && target.repo).map((target) => mirrorPath(cache, target.repo as string)));
  for (const name of entries(gitDir)) {
    const path = join(gitDir, name);
    if (name.startsWith(TEMP_PREFIX)) remove(path, result.debrisRemoved, `cache/git/${name}`);
    else if (name.endsWith('.git') && !used.has(path)) remove(path, result.mirrorsRemoved, name);
  }
  for (const name of entries(join(cache, 'worktrees'))) remove(join(cache, 'worktrees', name), result.debrisRemoved, `cache/worktrees/${name}`);
  for (const name of entries(join(cache, 'tmp'))) {
    if (name !== options.currentRun) remove(join(cache, 'tmp', name), result.debrisRemoved, `cache/tmp/${name}`);
  }
  removeEmptyFolders(cache, ['worktrees', 'tmp']);
  return result;
}

/** Removes these folders of `parent` when they are empty (a run leaves no empty temp folders). */
export function removeEmptyFolders(parent: string, names: readonly string[]): void {
  for (const name of names) {
    try {
      rmdirSync(join(parent, name));
    } catch {
      // not empty, or not there
    }
  }
}
