/**
 * Package names as each ecosystem compares them, so that a name from a lockfile and the name in
 * an OSV record meet in the same index key.
 */

/** The OSV ecosystem without its release suffix: `Debian:12` → `Debian`, `Alpine:v3.18` → `Alpine`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * OSV ecosystem names as Sieve files them (`npm`, `crates.io`, `Red Hat`, `GitHub Actions`):
 * a letter, then letters, digits, spaces and `._+-`, no `..`. A record's ecosystem becomes an
 * index file name and an object key, so `..`, `__proto__` or a slash must never get that far.
 */
const SAFE_ECOSYSTEM = /^[A-Za-z][A-Za-z0-9 ._+-]{0,63}$/;

export function isSafeEcosystemName(ecosystem: string): boolean {
  return SAFE_ECOSYSTEM.test(ecosystem) && !ecosystem.includes('..');
}

/**
 * The name an ecosystem considers equal for every spelling of it.
 * - PyPI: PEP 503 (lowercase, runs of `-`, `_`, `.` become one `-`).
 * - Packagist and NuGet: names are case-insensitive, so lowercase.
 * - Maven: `group:artifact` with surrounding spaces trimmed (coordinates are case-sensitive).
 * - Everything else (npm with its scopes, Go module paths, crates.io, RubyGems, Hex, Pub,
 *   Debian, Ubuntu, Alpine, GitHub Actions): as is.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const trimmed = name.trim();
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'Packagist':
    case 'NuGet':
      return trimmed.toLowerCase();
    case 'Maven':
      return trimmed
        .split(':')
        .map((part) => part.trim())
        .join(':');
    default:
      return trimmed;
  }
}
