// Lint is part of `npm test`: style problems fail CI like bugs do.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'dist.new/**', 'dist.old/**', 'build/**', 'node_modules/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
    },
  },
  {
    // Layering (DESIGN.md §3): the library never imports the CLI, chalk or cli-table3.
    files: ['src/dnd/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@oclif/*', 'chalk', 'cli-table3', '../commands/*', '../cli/*', '../runtime/*.js', '../runtime/jobs/*'] }],
    },
  },
  {
    // Rank processes never load oclif.
    files: ['src/runtime/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@oclif/*', 'chalk', 'cli-table3', '../commands/*', '../cli/*'] }] },
  },
);
