// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Which src/ folders each stage may import. Imports only point down towards model/, and
 * pipeline/ is the one folder that sees every stage (see docs/architecture.md).
 */
const allowedImports = {
  cli: ['config', 'pipeline', 'model', 'store', 'report', 'osv', 'inventory', 'sbom', 'policy', 'sarif', 'checkout', 'exec', 'versioning', 'analyzers', 'upload', 'notify', 'discover'],
  config: ['model', 'policy', 'analyzers'],
  pipeline: ['checkout', 'exec', 'inventory', 'versioning', 'sbom', 'osv', 'analyzers', 'sarif', 'store', 'policy', 'report', 'config', 'model', 'notify'],
  checkout: ['exec', 'model'],
  exec: ['model'],
  inventory: ['model', 'versioning'],
  versioning: ['model'],
  sbom: ['model', 'inventory'],
  osv: ['versioning', 'model', 'exec'],
  analyzers: ['exec', 'model'],
  sarif: ['model'],
  store: ['model'],
  policy: ['model'],
  report: ['sarif', 'model'],
  upload: ['model'],
  notify: ['model'],
  discover: ['config', 'model'],
  model: [],
};
const folders = Object.keys(allowedImports);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'artifacts/**', 'fixtures/**', '.tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...folders.map((folder) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: folders
            .filter((other) => other !== folder && !allowedImports[/** @type {keyof typeof allowedImports} */ (folder)].includes(other))
            .map((other) => ({
              group: [`**/${other}/*`, `../${other}`, `../../${other}`],
              message: `src/${folder} may not import src/${other}: keep imports pointing down the pipeline.`,
            })),
        },
      ],
    },
  })),
  ...[
    { files: ['src/**/*.ts'], ignores: ['src/exec/**', 'src/store/**'], banned: ['execa', 'node:child_process', 'better-sqlite3'] },
    { files: ['src/exec/**/*.ts'], ignores: [], banned: ['better-sqlite3'] },
    { files: ['src/store/**/*.ts'], ignores: [], banned: ['execa', 'node:child_process'] },
  ].map(({ files, ignores, banned }) => ({
    files,
    ignores,
    rules: {
      'no-restricted-syntax': [
        'error',
        ...banned.map((name) => ({
          selector: `ImportDeclaration[source.value='${name}']`,
          message: name === 'better-sqlite3' ? 'Only src/store opens SQLite.' : 'Child processes go through src/exec/run.ts.',
        })),
      ],
    },
  })),
);
