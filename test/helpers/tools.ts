import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Where a tool the tests run for real lives: the variable `SIEVE_<NAME>` (e.g. SIEVE_CHROMIUM,
 * SIEVE_OSV_SCANNER) when set, else the first executable of that name on PATH. Never a fixed path.
 */
export function findTool(name: string, alternatives: string[] = []): string | undefined {
  const variable = `SIEVE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const fromEnv = process.env[variable];
  if (fromEnv) return fromEnv;
  for (const candidate of [name, ...alternatives]) {
    if (isAbsolute(candidate)) {
      if (executable(candidate)) return candidate;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir === '') continue;
      const file = join(dir, candidate);
      if (executable(file)) return file;
    }
  }
  return undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A describe/it that runs when the tool is there. Under CI the tool must be there: a missing tool
 * is a failure, never a silent skip.
 */
export function requireTool(name: string, alternatives: string[] = []): string | undefined {
  const found = findTool(name, alternatives);
  if (found === undefined && process.env.CI) {
    throw new Error(`${name} is not on PATH (nor in SIEVE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}); run scripts/install-test-tools.sh`);
  }
  return found;
}
