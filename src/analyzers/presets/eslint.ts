import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AnalyzerPreset, PresetCommand } from '../types.js';
import { eslintJsonToSarif } from './eslint-sarif.js';

/**
 * ESLint with Sieve's own security rules. The repository's own eslint.config.* is never loaded:
 * a flat config is JavaScript that ESLint would execute, and its plugins come from the repository's
 * node_modules. So Sieve runs the eslint binary from its own installation, with an explicit
 * `--config` it writes into a temp directory. ESLint writes its built-in JSON format, which Sieve
 * turns into SARIF itself (eslint-sarif.ts), keeping only the messages of the rules it configured.
 */
export const ESLINT_RULES: Record<string, 'error'> = {
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-script-url': 'error',
};

const FLAT_CONFIG = `// Written by Sieve for one run; the scanned repository's config is not used.
const rules = ${JSON.stringify(ESLINT_RULES)};
// no-implied-eval only recognises these when they are known globals.
const globals = { setTimeout: 'readonly', setInterval: 'readonly', execScript: 'readonly', window: 'readonly', globalThis: 'readonly', self: 'readonly' };
export default [
  { ignores: ['**/node_modules/**', '**/*.min.js'] },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.jsx'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals, parserOptions: { ecmaFeatures: { jsx: true } } },
    rules,
  },
  { files: ['**/*.cjs'], languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs', globals }, rules },
];
`;

function sieveEslint(): { eslintBin: string; version: string } {
  const require = createRequire(import.meta.url);
  let eslintPackage: string;
  try {
    eslintPackage = require.resolve('eslint/package.json');
  } catch (error) {
    throw new Error(`the eslint preset needs eslint installed with Sieve (${(error as Error).message})`, { cause: error });
  }
  const manifest = require(eslintPackage) as { bin?: string | Record<string, string>; version: string };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin?.eslint ?? 'bin/eslint.js');
  return { eslintBin: path.join(path.dirname(eslintPackage), bin), version: manifest.version };
}

export const eslint: AnalyzerPreset = {
  id: 'eslint',
  sources: ['eslint'],
  description: "JavaScript eval-like calls with Sieve's own ESLint config (never the repository's)",
  build: async ({ args, outputPath, workDir, checkoutDir }): Promise<PresetCommand> => {
    const { eslintBin, version } = sieveEslint();
    const configPath = path.join(workDir, 'eslint.config.mjs');
    await writeFile(configPath, FLAT_CONFIG, 'utf8');
    return {
      file: process.execPath,
      args: [
        eslintBin,
        '--config',
        configPath,
        '--no-error-on-unmatched-pattern',
        '--no-warn-ignored',
        '--format',
        'json',
        '--output-file',
        outputPath,
        ...args,
        '.',
      ],
      output: { kind: 'file', path: outputPath },
      convert: (text) => eslintJsonToSarif(text, { checkoutDir, rules: Object.keys(ESLINT_RULES), version }),
    };
  },
};
