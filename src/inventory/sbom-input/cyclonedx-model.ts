/**
 * The parts of a CycloneDX document Sieve reads, the same for JSON and XML: the component tree,
 * the metadata component and the dependency graph. cyclonedx-json.ts / cyclonedx-xml.ts fill it.
 */
import type { DependencyScope, ExtractResult, Package } from '../../model/types.js';
import { INPUT_LIMITS } from '../limits.js';
import { packageFromPurl, SkipLog } from './purl-package.js';

export interface CdxComponent {
  bomRef?: string;
  name: string;
  version?: string;
  purl?: string;
  scope?: string;
  line: number;
  components: CdxComponent[];
}

export interface CdxDocument {
  metadataComponent?: { bomRef?: string; name: string; version?: string; group?: string };
  components: CdxComponent[];
  /** ref → the refs it depends on. */
  dependencies: Map<string, string[]>;
}

/** Nested components beyond this depth are not read: a bound against hostile input. */
const MAX_DEPTH = INPUT_LIMITS.maxSbomComponentDepth;

function scopeOf(scope: string | undefined): DependencyScope {
  if (scope === 'excluded') return 'dev';
  if (scope === 'optional') return 'optional';
  return 'runtime';
}

export function packagesFromCdx(doc: CdxDocument, path: string): ExtractResult {
  const rootRef = doc.metadataComponent?.bomRef;
  const direct = new Set(rootRef ? (doc.dependencies.get(rootRef) ?? []) : []);
  const skips = new SkipLog();
  const warnings: string[] = [];
  const byRef = new Map<string, Package>();
  const packages: Package[] = [];

  const visit = (components: CdxComponent[], depth: number): void => {
    if (depth > MAX_DEPTH) {
      warnings.push(`${path}: components nested deeper than ${MAX_DEPTH} levels are not read`);
      return;
    }
    for (const component of components) {
      const label = component.version ? `${component.name}@${component.version}` : component.name;
      if (!component.purl) skips.add('without a purl', label);
      else {
        const pkg = packageFromPurl(
          {
            purl: component.purl,
            version: component.version,
            scope: scopeOf(component.scope),
            direct: component.bomRef !== undefined && direct.has(component.bomRef),
            line: component.line,
            label,
          },
          path,
          skips,
        );
        if (pkg) {
          packages.push(pkg);
          if (component.bomRef) byRef.set(component.bomRef, pkg);
        }
      }
      visit(component.components, depth + 1);
    }
  };
  visit(doc.components, 0);

  for (const [ref, pkg] of byRef) {
    const dependsOn = (doc.dependencies.get(ref) ?? []).flatMap((dep) => {
      const target = byRef.get(dep);
      return target && target !== pkg ? [target.purl] : [];
    });
    if (dependsOn.length > 0) pkg.dependsOn = [...new Set(dependsOn)];
  }
  return { packages, warnings: [...warnings, ...skips.warnings(path)] };
}

/** Lines of each `"key": "value"` in JSON text, by value, in text order (JSON.parse keeps no positions). */
export function jsonValueLines(content: string, key: string): Map<string, number[]> {
  const result = new Map<string, number[]>();
  const pattern = new RegExp(`"${key}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*")`, 'g');
  let line = 1;
  let last = 0;
  for (let match = pattern.exec(content); match; match = pattern.exec(content)) {
    for (let i = last; i < match.index; i++) if (content.charCodeAt(i) === 10) line++;
    last = match.index;
    let value: string;
    try {
      value = JSON.parse(match[1]!) as string;
    } catch {
      continue;
    }
    const lines = result.get(value) ?? [];
    lines.push(line);
    result.set(value, lines);
  }
  return result;
}
