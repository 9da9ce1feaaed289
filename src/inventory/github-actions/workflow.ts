/**
 * GitHub Actions workflows (`.github/workflows/*.yml`) and actions (`action.yml`): every `uses:`
 * of a step, of a reusable-workflow job (`jobs.<id>.uses`) and of a composite action's steps.
 *
 * - `owner/repo@ref` and `owner/repo/path@ref` → name `owner/repo` (as written: GitHub shows
 *   names in their own case, and advisories use that), version = ref.
 * - A ref that is a 40-hex commit SHA stays the version, with a warning: advisories give tag
 *   ranges, and a commit cannot be placed in them. A trailing `# v1.2.3` comment is quoted.
 * - Local actions (`./…`), `docker://` images and `${{ … }}` expressions are not packages.
 * - Scope is runtime: an action runs with the workflow's token and secrets, so its flaws matter
 *   as much as a shipped dependency's.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { InputTooLargeError, ParseError } from '../../model/errors.js';
import { purlAt } from '../entry.js';
import type { ExtractResult, Package } from '../../model/types.js';
import type { Extractor } from '../types.js';

const COMMIT_SHA = /^[0-9a-f]{40}$/i;
/** owner/repo[/path]@ref; GitHub owner and repo names are [A-Za-z0-9_.-]. */
const USES = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]*)?)@([^\s@]+)$/;

function get(node: unknown, key: string): unknown {
  return isMap(node) ? node.get(key, true) : undefined;
}

function seqItems(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

/**
 * Workflows and actions are written by hand and small (a few KB). The YAML document parser that
 * gives each `uses:` its line costs about 10 µs a character, so this bound keeps a hostile file
 * near half a second; a larger one is a failed read of that file, never a silent skip.
 */
export const MAX_WORKFLOW_BYTES = 64 * 1024;

export function parseWorkflow(content: string, path: string): ExtractResult {
  // Characters first: cheap, and never fewer than the bytes' count would allow through.
  if (content.length > MAX_WORKFLOW_BYTES || Buffer.byteLength(content, 'utf8') > MAX_WORKFLOW_BYTES) {
    throw new InputTooLargeError(path, Buffer.byteLength(content, 'utf8'), MAX_WORKFLOW_BYTES);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ParseError(path, `not valid YAML at line ${line}: ${error.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new ParseError(path, 'not a GitHub Actions workflow or action: the document is not a mapping');
  const jobs = root.get('jobs', true);
  const runs = root.get('runs', true);
  if (jobs === undefined && runs === undefined) {
    throw new ParseError(path, 'not a GitHub Actions workflow or action: it has neither `jobs` nor `runs`');
  }

  const packages: Package[] = [];
  const warnings: string[] = [];

  const addUses = (node: unknown): void => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const uses = node.value.trim();
    const line = node.range ? lineCounter.linePos(node.range[0]).line : 1;
    if (uses.startsWith('./') || uses.startsWith('.\\') || uses.startsWith('docker://')) return;
    if (uses.includes('${{')) {
      warnings.push(`${path}:${line}: \`uses: ${uses}\` is an expression; the action it runs is not known before the run`);
      return;
    }
    const match = USES.exec(uses);
    if (!match) {
      warnings.push(`${path}:${line}: \`uses: ${uses}\` is not owner/repo[/path]@ref; skipped`);
      return;
    }
    const name = `${match[1]}/${match[2]}`;
    const ref = match[4]!;
    if (COMMIT_SHA.test(ref)) {
      const comment = (node as Node).comment?.trim();
      warnings.push(
        `${path}:${line}: ${name} is pinned to commit ${ref}${comment ? ` (commented ${comment})` : ''}; a commit cannot be matched to the tagged ranges of advisories`,
      );
    }
    packages.push({
      ecosystem: 'GitHub Actions',
      name,
      version: ref,
      purl: purlAt('GitHub Actions', path, line, name, ref),
      direct: true,
      scope: 'runtime',
      location: { path, line },
    });
  };

  const addSteps = (steps: unknown): void => {
    for (const step of seqItems(steps)) addUses(get(step, 'uses'));
  };

  if (isMap(jobs)) {
    for (const pair of jobs.items) {
      addUses(get(pair.value, 'uses'));
      addSteps(get(pair.value, 'steps'));
    }
  }
  if (isMap(runs)) {
    const using = get(runs, 'using');
    if (isScalar(using) && using.value === 'composite') addSteps(get(runs, 'steps'));
  }
  return { packages, warnings };
}

export const workflowExtractor: Extractor = {
  id: 'github-actions/workflow',
  ecosystem: 'GitHub Actions',
  patterns: ['.github/workflows/*.yml', '.github/workflows/*.yaml', 'action.yml', 'action.yaml'],
  parse: (content, path) => parseWorkflow(content, path),
};
