import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TargetConfig } from '../config/load.js';

/**
 * The identity of the programs a target's analyzers run, without running them: the file found
 * on PATH, its size and modification time. An upgrade replaces the file, and the target is
 * scanned again. Cached per run (one object per run, not module state).
 */
export class ToolIdentities {
  private readonly cache = new Map<string, string>();

  constructor(private readonly path = process.env.PATH ?? '') {}

  of(program: string): string {
    let identity = this.cache.get(program);
    if (identity === undefined) {
      identity = 'not found';
      const candidates = program.includes('/') ? [program] : this.path.split(delimiter).filter(Boolean).map((dir) => join(dir, program));
      for (const candidate of candidates) {
        try {
          const stat = statSync(candidate);
          if (!stat.isFile()) continue;
          identity = `${candidate}:${stat.size}:${Math.floor(stat.mtimeMs)}`;
          break;
        } catch {
          // not here
        }
      }
      this.cache.set(program, identity);
    }
    return identity;
  }
}

function programOf(entry: TargetConfig['analyzers'][number]): string {
  if (typeof entry === 'string') return entry;
  return entry.command?.[0] ?? entry.preset ?? entry.name;
}

/**
 * A digest of everything a target's findings depend on besides its commit and the OSV data:
 * its configuration (not its display name or notification settings), the analyzers' programs,
 * the policy rules, and Sieve's own version.
 */
export function targetInputs(target: TargetConfig, context: { toolVersion: string; rulesDigest?: string; tools: ToolIdentities; osvSource: string }): string {
  const { name: _name, notify: _notify, ...config } = target;
  const tools = target.analyzers.map((entry) => context.tools.of(programOf(entry)));
  return createHash('sha256')
    .update(JSON.stringify({ config, tools, rules: context.rulesDigest ?? '', sieve: context.toolVersion, osvSource: context.osvSource }))
    .digest('hex')
    .slice(0, 32);
}
