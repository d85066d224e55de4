// ESLint: typescript-eslint's recommended type-checked rules over the TypeScript tree (`npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'test/golden/', 'docs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // Chinese forms and certificates lay out blanks with the ideographic space (U+3000) inside their templates
      'no-irregular-whitespace': ['error', { skipTemplates: true }],
      // a rest pattern that leaves a column out names it with a leading underscore
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, varsIgnorePattern: '^_' }],
    },
  },
  {
    // tests read JSON bodies, fake platforms' payloads and private fields freely; their assertions are the type check
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // stand-ins implement async interfaces without awaiting anything
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // values that arrive as untyped JSON: platform payloads at the edge (verified, then read field by field) and the
    // batch_change before/after snapshots, whose columns depend on the table they copy
    files: [
      'bot/feishu/route.ts',
      'bot/feishu/verify.ts',
      'bot/doctor/*.ts',
      'src/batches/summarize.ts',
      'src/batches/undo.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // MikroORM's Migration declares `async up()`; ours only queue SQL with this.addSql, which is synchronous
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // plain JavaScript (the build script, bin/) is outside tsconfig: lint it without type information
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
