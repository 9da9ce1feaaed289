/**
 * What SBOM inputs share: a purl → the Package Sieve reports, and warnings grouped by cause so
 * an image SBOM with 400 file entries gives a few lines, not 400.
 */
import { PackageURL } from 'packageurl-js';
import { ecosystemOfPurlType, purlFor } from '../../model/purl.js';
import type { DependencyScope, Ecosystem, Package } from '../../model/types.js';

/** The ecosystem's name for a purl's namespace + name (see Package.name). */
function ecosystemName(ecosystem: Ecosystem, namespace: string | undefined, name: string): string {
  switch (ecosystem) {
    case 'Maven':
      return namespace ? `${namespace}:${name}` : name;
    case 'PyPI':
      // PEP 503 normalisation.
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'Debian':
    case 'Ubuntu':
    case 'Alpine':
      // The namespace is the distribution, not part of the name.
      return name;
    default:
      return namespace ? `${namespace}/${name}` : name;
  }
}

/** Distro namespaces Sieve can match; others (wolfi, raspbian...) have their own advisories. */
function distroAllowed(ecosystem: Ecosystem, namespace: string | undefined): boolean {
  const ns = namespace?.toLowerCase();
  if (ecosystem === 'Debian') return ns === 'debian';
  if (ecosystem === 'Ubuntu') return ns === 'ubuntu';
  if (ecosystem === 'Alpine') return ns === undefined || ns === 'alpine' || ns === 'alpinelinux';
  return true;
}

export interface PurlEntry {
  purl: string;
  /** The component's own version, used when the purl carries none. */
  version?: string;
  scope: DependencyScope;
  direct: boolean;
  line: number;
  /** A name for warnings. */
  label: string;
}

/** Counts skipped entries by cause and turns them into a few warnings. */
export class SkipLog {
  private readonly causes = new Map<string, string[]>();

  add(cause: string, label: string): void {
    const labels = this.causes.get(cause) ?? [];
    labels.push(label);
    this.causes.set(cause, labels);
  }

  warnings(path: string): string[] {
    return [...this.causes].map(([cause, labels]) => {
      const sample = labels.slice(0, 3).join(', ');
      const more = labels.length > 3 ? `, and ${labels.length - 3} more` : '';
      return `${path}: ${labels.length} ${labels.length === 1 ? 'entry' : 'entries'} skipped, ${cause}: ${sample}${more}`;
    });
  }
}

/** The Package for one SBOM entry, or undefined (and a skip logged) when Sieve cannot match it. */
export function packageFromPurl(entry: PurlEntry, path: string, skips: SkipLog): Package | undefined {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(entry.purl);
  } catch {
    skips.add('with an unreadable purl', entry.label);
    return undefined;
  }
  const namespace = parsed.namespace ?? undefined;
  const ecosystem = ecosystemOfPurlType(parsed.type, namespace?.toLowerCase());
  if (!ecosystem) {
    skips.add(`purl type "${parsed.type}" is not an ecosystem Sieve matches`, entry.label);
    return undefined;
  }
  if (!distroAllowed(ecosystem, namespace)) {
    skips.add(`"${parsed.type}/${namespace}" is not a distribution Sieve matches`, entry.label);
    return undefined;
  }
  const name = ecosystemName(ecosystem, namespace, parsed.name);
  const version = parsed.version ?? entry.version ?? '';
  const qualifiers = parsed.qualifiers ? Object.fromEntries(Object.entries(parsed.qualifiers)) : undefined;
  let purl: string;
  try {
    purl = purlFor(ecosystem, name, version, qualifiers);
  } catch {
    // e.g. a lone surrogate, which no purl can encode
    skips.add('with a name or version no purl can hold', entry.label);
    return undefined;
  }
  const pkg: Package = {
    ecosystem,
    name,
    version,
    purl,
    direct: entry.direct,
    scope: entry.scope,
    location: { path, line: entry.line },
  };
  if (!version) pkg.unpinned = true;
  return pkg;
}
