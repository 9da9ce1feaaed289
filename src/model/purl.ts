import { PackageURL } from 'packageurl-js';
import type { Ecosystem } from './types.js';

/** purl type for each OSV ecosystem (purl-spec PURL-TYPES). */
const PURL_TYPES: Record<Ecosystem, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  'crates.io': 'cargo',
  RubyGems: 'gem',
  Packagist: 'composer',
  Maven: 'maven',
  NuGet: 'nuget',
  Pub: 'pub',
  Hex: 'hex',
  'GitHub Actions': 'github',
  Debian: 'deb',
  Ubuntu: 'deb',
  Alpine: 'apk',
};

/** Where the ecosystem's name carries a namespace, and how it splits. */
function splitName(ecosystem: Ecosystem, name: string): { namespace?: string; name: string } {
  switch (ecosystem) {
    case 'npm':
      if (name.startsWith('@') && name.includes('/')) {
        const slash = name.indexOf('/');
        return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
      }
      return { name };
    case 'Maven': {
      const colon = name.indexOf(':');
      return colon > 0 ? { namespace: name.slice(0, colon), name: name.slice(colon + 1) } : { name };
    }
    case 'Go':
    case 'Packagist':
    case 'GitHub Actions': {
      const slash = name.lastIndexOf('/');
      return slash > 0 ? { namespace: name.slice(0, slash), name: name.slice(slash + 1) } : { name };
    }
    case 'Debian':
      return { namespace: 'debian', name };
    case 'Ubuntu':
      return { namespace: 'ubuntu', name };
    case 'Alpine':
      return { namespace: 'alpine', name };
    default:
      return { name };
  }
}

/** The package URL of a package, built by packageurl-js so encoding follows the spec. */
export function purlFor(
  ecosystem: Ecosystem,
  name: string,
  version?: string,
  qualifiers?: Record<string, string>,
): string {
  const parts = splitName(ecosystem, name);
  const build = (withVersion: string | undefined) =>
    new PackageURL(
      PURL_TYPES[ecosystem],
      parts.namespace,
      parts.name,
      withVersion,
      qualifiers && Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
      undefined,
    ).toString();
  try {
    return build(version || undefined);
  } catch (error) {
    // packageurl-js's golang check throws a ReferenceError (a bug in the library) for versions
    // like `v1.9` that start with "v" but are not semver; such versions exist in go.mod files.
    if (ecosystem !== 'Go' || !version || !(error instanceof ReferenceError)) throw error;
    const [base, ...rest] = build(undefined).split('?');
    return [`${base}@${encodeURIComponent(version)}`, ...rest].join('?');
  }
}

/** purl type → OSV ecosystem, for SBOM inputs that carry purls only. */
export function ecosystemOfPurlType(type: string, namespace?: string): Ecosystem | undefined {
  if (type === 'deb') return namespace === 'ubuntu' ? 'Ubuntu' : 'Debian';
  const entry = Object.entries(PURL_TYPES).find(([eco, purlType]) => purlType === type && eco !== 'Ubuntu');
  return entry?.[0] as Ecosystem | undefined;
}
