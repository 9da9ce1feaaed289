import { compareDigits, defineScheme, isDigits } from '../define.js';

/*
 * Hand-written: NuGet's ordering (NuGet.Versioning's VersionComparer) is SemVer 2.0 plus a fourth
 * number and case-insensitive labels; the one npm port of it is little used.
 */

interface NuGetVersion {
  /** Always four numbers, padded with zeros: `1.0` == `1.0.0.0`. */
  readonly numbers: readonly string[];
  /** Pre-release labels, lower-cased (labels compare case-insensitively). */
  readonly labels: readonly string[];
}

const NUGET = /^(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function parseNuGet(version: string): NuGetVersion | null {
  const match = NUGET.exec(version.trim());
  if (!match) return null;
  const numbers = (match[1] as string).split('.');
  while (numbers.length < 4) numbers.push('0');
  return { numbers, labels: match[2] ? match[2].toLowerCase().split('.') : [] };
}

function compareLabel(a: string, b: string): number {
  const numericA = isDigits(a);
  const numericB = isDigits(b);
  if (numericA && numericB) return compareDigits(a, b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNuGet(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const diff = compareDigits(a.numbers[i] as string, b.numbers[i] as string);
    if (diff !== 0) return diff;
  }
  // A release sorts after all of its pre-releases.
  if (a.labels.length === 0 || b.labels.length === 0) return b.labels.length - a.labels.length;
  for (let i = 0; i < Math.min(a.labels.length, b.labels.length); i++) {
    const diff = compareLabel(a.labels[i] as string, b.labels[i] as string);
    if (diff !== 0) return diff;
  }
  return a.labels.length - b.labels.length;
}

/**
 * NuGet: SemVer 2.0 with up to four numbers (missing ones are zero, so `1.0` == `1.0.0.0`),
 * pre-release labels compared case-insensitively, build metadata ignored.
 */
export const nugetScheme = defineScheme({
  name: 'NuGet',
  ecosystems: ['NuGet'],
  parse: parseNuGet,
  compare: compareNuGet,
});
