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
  {
    files: ['**/*.mjs', '**/*.cjs', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
