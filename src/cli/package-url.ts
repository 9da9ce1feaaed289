import { UsageError } from '../model/errors.js';
import { splitPurl } from '../policy/rules.js';

/** `pkg:npm/%40scope/name@1.0.0` → ecosystem-style name `@scope/name` and version, for npm-like purls. */
export function packageFromPurl(purl: string, ecosystemHint?: string): { ecosystem: string; name: string; version?: string } {
  const split = splitPurl(purl);
  if (!split) throw new UsageError(`--package: "${purl}" is not a package URL (expected e.g. pkg:npm/lodash)`);
  const [, type, ...rest] = split.base.split(/[:/]/);
  const ecosystems: Record<string, string> = { npm: 'npm', pypi: 'PyPI', golang: 'Go', cargo: 'crates.io', gem: 'RubyGems', composer: 'Packagist', maven: 'Maven', nuget: 'NuGet', pub: 'Pub', hex: 'Hex', github: 'GitHub Actions' };
  const ecosystem = ecosystemHint ?? ecosystems[type ?? ''];
  if (!ecosystem) throw new UsageError(`--package: no ecosystem is known for purl type "${type}"`);
  const name = ecosystem === 'Maven' ? rest.join(':') : rest.join('/');
  return { ecosystem, name, version: split.version };
}
