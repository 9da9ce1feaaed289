import type { Extractor } from './types.js';
import { pomXmlExtractor } from './maven/pom-xml.js';
import { workflowExtractor } from './github-actions/workflow.js';
import { cycloneDxJsonExtractor } from './sbom-input/cyclonedx-json.js';
import { cycloneDxXmlExtractor } from './sbom-input/cyclonedx-xml.js';
import { spdxJsonExtractor } from './sbom-input/spdx-json.js';
import { packageLockExtractor } from './npm/package-lock.js';
import { yarnLockExtractor } from './npm/yarn-lock.js';
import { pnpmLockExtractor } from './npm/pnpm-lock.js';
import { bunLockExtractor } from './npm/bun-lock.js';
import { requirementsTxtExtractor } from './pypi/requirements-txt.js';
import { poetryLockExtractor } from './pypi/poetry-lock.js';
import { pipfileLockExtractor } from './pypi/pipfile-lock.js';
import { pdmLockExtractor } from './pypi/pdm-lock.js';
import { uvLockExtractor } from './pypi/uv-lock.js';
import { pylockExtractor } from './pypi/pylock.js';
import { goModExtractor } from './go/go-mod.js';
import { cargoLockExtractor } from './cargo/cargo-lock.js';
import { gemfileLockExtractor } from './rubygems/gemfile-lock.js';
import { composerLockExtractor } from './packagist/composer-lock.js';
import { packagesLockExtractor } from './nuget/packages-lock.js';
import { pubspecLockExtractor } from './pub/pubspec-lock.js';
import { mixLockExtractor } from './hex/mix-lock.js';
import { gradleLockfileExtractor } from './maven/gradle-lockfile.js';

/**
 * Every lockfile and manifest format, one file each, registered here. The walker asks this map
 * which files to read; test/inventory/registry.test.ts checks every extractor file is listed.
 */
const all: Extractor[] = [packageLockExtractor,
  yarnLockExtractor,
  pnpmLockExtractor,
  bunLockExtractor,
  requirementsTxtExtractor,
  poetryLockExtractor,
  pipfileLockExtractor,
  pdmLockExtractor,
  uvLockExtractor,
  pylockExtractor,
  goModExtractor,
  cargoLockExtractor,
  gemfileLockExtractor,
  composerLockExtractor,
  packagesLockExtractor,
  pubspecLockExtractor,
  mixLockExtractor,
  gradleLockfileExtractor,
  pomXmlExtractor,
  workflowExtractor,
  cycloneDxJsonExtractor,
  cycloneDxXmlExtractor,
  spdxJsonExtractor];

export const extractors: ReadonlyMap<string, Extractor> = new Map(all.map((extractor) => [extractor.id, extractor]));
