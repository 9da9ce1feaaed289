import { alpineScheme } from './alpine/index.js';
import { cratesIoScheme } from './crates-io/index.js';
import { debianScheme } from './debian/index.js';
import { githubActionsScheme } from './github-actions/index.js';
import { goScheme } from './go/index.js';
import { hexScheme } from './hex/index.js';
import { mavenScheme } from './maven/index.js';
import { npmScheme } from './npm/index.js';
import { nugetScheme } from './nuget/index.js';
import { packagistScheme } from './packagist/index.js';
import { pubScheme } from './pub/index.js';
import { pypiScheme } from './pypi/index.js';
import { rubygemsScheme } from './rubygems/index.js';
import type { VersionScheme } from './types.js';

/** Every version scheme, one folder each, registered here and looked up by OSV ecosystem name. */
const schemes: VersionScheme[] = [
  npmScheme,
  pypiScheme,
  goScheme,
  cratesIoScheme,
  rubygemsScheme,
  mavenScheme,
  nugetScheme,
  packagistScheme,
  pubScheme,
  hexScheme,
  debianScheme,
  alpineScheme,
  githubActionsScheme,
];

/** The registered schemes, in registration order. */
export const registeredSchemes: readonly VersionScheme[] = schemes;

export const versionSchemes: ReadonlyMap<string, VersionScheme> = new Map(
  schemes.flatMap((scheme) => scheme.ecosystems.map((ecosystem) => [ecosystem, scheme] as const)),
);

/**
 * The scheme for an OSV ecosystem. Ecosystem suffixes such as `Debian:12`, `Alpine:v3.18` or
 * `Ubuntu:22.04:LTS` select the base scheme.
 */
export function schemeFor(ecosystem: string): VersionScheme | undefined {
  return versionSchemes.get(ecosystem) ?? versionSchemes.get(ecosystem.split(':')[0] ?? ecosystem);
}
