// Lint rules, including the layer rules of design.md: a lower layer never imports a higher one.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  { ignores: ['packages/*/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  layer(['src/runtime/**'], ['**/main/**', '**/renderer/**', '**/preload/**', '**/shared/**', 'electron', 'react', 'react-dom'],
    'src/runtime is the bottom layer: it imports no Studio code, no Electron and no React.'),
  layer(['src/shared/**'], ['**/main/**', '**/renderer/**', '**/preload/**', 'electron', 'react', 'node:*', 'better-sqlite3'],
    'src/shared is the contract: no Node, no DOM-framework, no higher layer.'),
  layer(['src/renderer/**'], ['**/main/**', '**/runtime/**', 'electron', 'node:*', 'better-sqlite3'],
    'The renderer talks only to a StudioClient; it never imports the backend or the runtime.'),
  // The backend sits below the UI: it imports the runtime and the shared contract, never the
  // renderer or the preload; Electron only in its electron host; the service below its hosts.
  // (A later entry for the same files replaces an earlier one's rule, so each repeats the lot.)
  layer(['src/main/**'], ['**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand'],
    'src/main is the backend: it imports src/runtime and src/shared, never the renderer or the preload.'),
  {
    files: ['src/main/web/**', 'src/main/cli/**', 'src/main/testing/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand'], message: 'src/main is the backend: it imports src/runtime and src/shared, never the renderer or the preload.' },
          { group: ['electron'], message: 'Electron is only in src/main/electron (the desktop host): the web host and the CLI run in plain Node.' },
          { regex: '^(\\.\\./)+electron(/|$)|/main/electron/', message: 'Electron is only in src/main/electron (the desktop host): the web host and the CLI run in plain Node.' },
        ],
      }],
    },
  },
  {
    files: ['src/main/service/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand', 'electron'], message: 'StudioService runs in plain Node and knows no UI: it imports src/runtime and src/shared only.' },
          // Relative paths up out of service/ into a host: ../web, ../../cli, …
          { regex: '^(\\.\\./)+(web|cli|electron)(/|$)|/main/(web|cli|electron)/', message: 'StudioService knows no transport: the hosts (web, electron) and the CLI import it, never the other way.' },
        ],
      }],
    },
  },
  // The preload is the bridge only: Electron's contextBridge/ipcRenderer and the wire contract.
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/renderer/**', '**/runtime/**', 'node:*', 'better-sqlite3', 'react', 'react-dom'], message: 'src/preload exposes the contract over ipcRenderer: it imports electron and src/shared/contract only.' },
          { regex: '/shared/(?!contract/)', message: 'src/preload imports only the wire contract (src/shared/contract), nothing else of src/shared.' },
        ],
      }],
    },
  },
  {
    // Capabilities, not classes: the service asks a session what it can do (session-capabilities.ts).
    files: ['src/main/service/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "BinaryExpression[operator='instanceof'][right.name=/Session$/]",
        message: 'Ask the session for a capability (session.capabilities.control / drive / keys / childIndex) instead of testing its class.',
      }],
    },
  },
  {
    // Type-checked rules: promises that nobody awaits or handles (an unhandled rejection ends a
    // Node process), promises passed where a callback's result is ignored, awaiting non-promises,
    // and throwing or rejecting with non-Errors. `void p` stays the explicit fire-and-forget mark.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './resources/demo-workflows/tsconfig.json', './test/live-studio/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
