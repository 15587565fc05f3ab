// ESLint flat config. The import fences enforce DESIGN.md's dependency direction:
// renderer -> shared, electron -> shared; never shared -> electron|renderer, never renderer -> electron
// (except the type of window.certbench, which lives in shared/contract.ts anyway), and neither
// renderer nor shared may import Node built-ins or electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'https', 'http2', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util',
  'vm', 'worker_threads', 'zlib',
];

const noNodeNoElectron = {
  patterns: [
    { group: ['node:*'], message: 'renderer/ and shared/ must run without Node: no node:* imports.' },
    { group: ['electron', 'electron/*'], message: 'renderer/ and shared/ must not import electron.' },
  ],
  paths: NODE_BUILTINS.map((name) => ({ name, message: 'renderer/ and shared/ must run without Node.' })),
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='exec'][callee.object.name=/child_process|cp/]",
          message: 'Run commands with execFile and an argument array, never through a shell string.',
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNodeNoElectron,
          patterns: [
            ...noNodeNoElectron.patterns,
            { group: ['**/electron/**', '../electron/*', '**/renderer/**'], message: 'shared/ depends on nothing of the app.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNodeNoElectron,
          patterns: [
            ...noNodeNoElectron.patterns,
            { group: ['**/electron/**', '../electron/*'], message: 'The renderer talks only to the contract client.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/ipc.ts', 'electron/preload.ts'],
    rules: {
      // GitHub Desktop's rule: raw IPC only in the one module that registers the contract.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use electron/ipc.ts (contract-typed).' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'scripts/**/*.{js,mjs}', 'bench/**/*.{ts,mjs}', 'tests/**/*.{ts,mts}', 'bin/**/*.cjs', '*.{js,mjs,mts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['bin/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
