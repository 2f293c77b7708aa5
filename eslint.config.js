import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const reactFree = ['tasks', 'session', 'audio', 'input', 'commands', 'state', 'config', 'shared'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Services stay UI-free: no React or Ink in these folders.
    files: reactFree.map((d) => `src/${d}/**/*.ts`),
    rules: {
      'no-restricted-imports': ['error', { paths: ['react', 'ink'], patterns: ['../components/*', 'ink-*'] }],
    },
  },
  {
    // Components render store snapshots and dispatch commands; they never own processes or sockets.
    files: ['src/components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['execa', 'ws', 'naudiodon', 'uiohook-napi', 'node:child_process'],
          patterns: ['../tasks/task-manager*', '../session/realtime-client*'],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.cjs', 'test/fixtures/**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearTimeout: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
