import { Ajv, type ErrorObject } from 'ajv';
import { describeSchemaError, type TargetConfig } from '../config/load.js';
import { ParseError } from '../model/errors.js';
import type { ScanBundle, TargetEvidence } from './scan.js';

/**
 * `bundle.json`, what a shard run hands to `sieve merge`. Bundles are copied between machines
 * and kept as CI artifacts, so they carry no secrets: no notification settings (webhook URLs
 * carry their own token) and no credentials in repository URLs. `merge` takes notification
 * settings from the configuration file it is given, and validates a bundle before reading it.
 */

/** Bundles are read whole; one larger than this is refused before parsing. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

const strings = { type: 'array', items: { type: 'string' } } as const;
const objects = { type: 'array', items: { type: 'object' } } as const;

/** The shape `merge` relies on. Evidence items stay open to new fields; secrets are refused by name. */
export const BUNDLE_SCHEMA = {
  type: 'object',
  required: ['format', 'runId', 'startedAt', 'finishedAt', 'targets'],
  additionalProperties: false,
  properties: {
    format: { const: 'sieve-bundle/1' },
    runId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    shard: {
      type: 'object',
      required: ['index', 'count'],
      additionalProperties: false,
      properties: { index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 } },
    },
    warnings: strings,
    errors: strings,
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['target', 'startedAt', 'finishedAt', 'packages', 'lockfiles', 'findings', 'failures', 'warnings', 'tools', 'toolVersions'],
        properties: {
          target: {
            type: 'object',
            required: ['name', 'key', 'kind'],
            not: { required: ['notify'] },
            properties: {
              name: { type: 'string' },
              key: { type: 'string', minLength: 1 },
              kind: { enum: ['repo', 'directory', 'sbom'] },
              repo: { type: 'string', not: { pattern: '^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]+@' } },
              ref: { type: 'string' },
              path: { type: 'string' },
            },
          },
          startedAt: { type: 'string' },
          finishedAt: { type: 'string' },
          commit: { type: 'string' },
          ref: { type: 'string' },
          packages: objects,
          lockfiles: strings,
          findings: { type: 'array', items: { type: 'object', required: ['finding'], properties: { finding: { type: 'object' } } } },
          failures: objects,
          keepOpen: objects,
          warnings: strings,
          tools: strings,
          toolVersions: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

const REWRITE = 'write the bundle again with this version of Sieve';

function explain(error: ErrorObject): string {
  const at = describeSchemaError(error).split(':')[0];
  if (error.keyword === 'not' && error.instancePath.endsWith('/repo')) return `${at}: a repository URL with credentials in it; ${REWRITE}`;
  if (error.keyword === 'not' || (error.keyword === 'additionalProperties' && (error.params as { additionalProperty?: string }).additionalProperty === 'notify')) {
    return `${at}: notification settings (webhook URLs are secrets) do not belong in a bundle; ${REWRITE}`;
  }
  return describeSchemaError(error);
}

/** Checks a parsed bundle; a ParseError names the file and every JSON path that is wrong. */
export function validateBundle(value: unknown, file: string): ScanBundle {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(BUNDLE_SCHEMA);
  if (!validator(value)) {
    const issues = [...new Set((validator.errors ?? []).map(explain))];
    throw new ParseError(file, `not a valid Sieve bundle (sieve-bundle/1):\n${issues.slice(0, 20).map((issue) => `  - ${issue}`).join('\n')}`);
  }
  return value as unknown as ScanBundle;
}

/** Drops the user name and password from a URL (`https://TOKEN@host/…`). */
function withoutCredentials(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@\s]+@/, '$1');
}

function shareableTarget(target: TargetConfig): TargetConfig {
  const { notify: _notify, ...rest } = target;
  return rest.repo === undefined ? rest : { ...rest, repo: withoutCredentials(rest.repo) };
}

/** The bundle as written to bundle.json: the same evidence, without secrets. */
export function shareableBundle(bundle: ScanBundle): ScanBundle {
  const { notify: _notify, ...rest } = bundle;
  return { ...rest, targets: rest.targets.map((evidence: TargetEvidence) => ({ ...evidence, target: shareableTarget(evidence.target) })) };
}
