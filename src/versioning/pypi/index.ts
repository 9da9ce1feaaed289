import { parse as parsePep440 } from '@renovatebot/pep440';
import type { Pep440Version } from '@renovatebot/pep440';
import { defineScheme } from '../define.js';

/** A PEP 440 sort key, computed once per version string (the library recomputes it per compare). */
interface Pep440Key {
  readonly epoch: number;
  /** Release numbers with trailing zeros dropped: 1.0 == 1.0.0. */
  readonly release: readonly number[];
  /** -1 for a dev-only release (sorts before its pre-releases), 0 a, 1 b, 2 rc, 3 none. */
  readonly preKind: number;
  readonly preNumber: number;
  /** -1 when there is no post-release. */
  readonly post: number;
  /** Infinity when there is no dev release. */
  readonly dev: number;
  /** Local segments (`+ubuntu.1`), or null; numbers sort after strings. */
  readonly local: readonly (string | number)[] | null;
}

const PRE_KINDS: Record<string, number> = { a: 0, b: 1, rc: 2 };

function keyOf(version: Pep440Version): Pep440Key {
  const release = [...version.release];
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  const pre = version.pre as (string | number)[] | null;
  const post = version.post as (string | number)[] | null;
  const dev = version.dev as (string | number)[] | null;
  // The library types `local` as a string, but hands back the already split segments.
  const local = version.local as unknown as (string | number)[] | null;
  let preKind = 3;
  let preNumber = 0;
  if (pre) {
    preKind = PRE_KINDS[String(pre[0])] ?? 3;
    preNumber = Number(pre[1]);
  } else if (!post && dev) {
    preKind = -1;
  }
  return {
    epoch: version.epoch,
    release,
    preKind,
    preNumber,
    post: post ? Number(post[1]) : -1,
    dev: dev ? Number(dev[1]) : Infinity,
    local,
  };
}

function compareLocal(a: readonly (string | number)[] | null, b: readonly (string | number)[] | null): number {
  if (a === null || b === null) return (a === null ? 0 : 1) - (b === null ? 0 : 1);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compareKeys(a: Pep440Key, b: Pep440Key): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  const length = Math.min(a.release.length, b.release.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.release[i] as number) - (b.release[i] as number);
    if (diff !== 0) return diff;
  }
  if (a.release.length !== b.release.length) return a.release.length - b.release.length;
  if (a.preKind !== b.preKind) return a.preKind - b.preKind;
  if (a.preNumber !== b.preNumber) return a.preNumber - b.preNumber;
  if (a.post !== b.post) return a.post - b.post;
  if (a.dev !== b.dev) return a.dev < b.dev ? -1 : 1;
  return compareLocal(a.local, b.local);
}

/**
 * PyPI: PEP 440. @renovatebot/pep440 parses and normalises (`1.0.0a1` == `1.0.0-alpha1`, `1.0-1`
 * is a post-release, epochs `1!2.0`, local `+ubuntu1`); the sort key is PEP 440's, kept per string.
 */
export const pypiScheme = defineScheme({
  name: 'PyPI',
  ecosystems: ['PyPI'],
  parse: (version) => {
    const parsed = parsePep440(version);
    return parsed ? keyOf(parsed) : null;
  },
  compare: compareKeys,
});
