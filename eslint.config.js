import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const reactFree = ['tasks', 'session', 'audio', 'input', 'commands', 'state', 'config', 'shared'];

/** Service folders: a view may import their types, never their code (it would own a process or socket). */
const services = ['session', 'audio', 'input', 'tasks', 'config'];

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
    // Services stay UI-free: no React (not even its JSX runtime), Ink or views in these folders.
    files: reactFree.map((d) => `src/${d}/**/*.{ts,tsx}`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'ink'],
          patterns: ['**/components/*', 'ink-*', 'react-*'],
        },
      ],
    },
  },
  {
    // Components render store snapshots and dispatch commands; they never own processes or sockets.
    // From the services they may import types only; the store, selectors and the keymap are theirs.
    files: ['src/components/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['execa', 'ws', 'naudiodon', 'uiohook-napi', 'node:child_process'],
          patterns: [
            {
              group: services.map((d) => `**/${d}/*`),
              allowTypeImports: true,
              message: 'Views import only types from services; they act through dispatched commands.',
            },
            { group: ['**/compose*'], message: 'Views get their services through context, not the composition.' },
          ],
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
