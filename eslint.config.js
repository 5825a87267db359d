// ESLint flat config. Besides the usual TypeScript rules it enforces the import directions of
// ARCHITECTURE.md, so the layering cannot drift silently:
//   shared/      imports nothing platform-specific (no node:*, no electron, no DOM-only code)
//   renderer/    imports only shared/ (and browser packages)
//   main/core/   never imports electron, main/desktop or renderer
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Exact module names go in `paths` (a pattern like 'domain' would also match the relative '../domain');
// folder globs go in `patterns`.
const restrict = (names, patterns, message) => ({
  'no-restricted-imports': [
    'error',
    { paths: names.map((name) => ({ name, message })), patterns: [{ group: patterns, message }] },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: {
      // Lint warns at 400 lines (above) and fails at 800: split files by responsibility.
      'max-lines': ['error', { max: 800, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: restrict(
      [...nodeBuiltins, 'electron', 'react', 'react-dom', 'better-sqlite3', 'undici'],
      ['**/main/**', '**/renderer/**'],
      'shared/ is plain TypeScript: no platform APIs, no main/ or renderer/ code.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [...nodeBuiltins, 'electron', 'better-sqlite3', 'undici'],
      ['**/main/**'],
      'renderer/ talks to the core over HTTP only; it may import shared/ and browser packages.',
    ),
  },
  {
    files: ['main/core/**/*.ts'],
    rules: restrict(
      ['electron'],
      ['**/desktop/**', '**/renderer/**'],
      'main/core/ must run under plain Node: Electron capabilities are injected by main/desktop.',
    ),
  },
);
