import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the README and CI agree', () => {
  it('.ci/run runs exactly the README\'s test command', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```sh\n([^`]+?)\n```/g)].map((match) => match[1]!.trim());
    const testCommand = blocks.find((block) => block.includes('npm test'));
    expect(testCommand).toBeDefined();
    const ci = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8').split('\n').map((line) => line.trim());
    expect(ci).toContain(testCommand);
  });
});
