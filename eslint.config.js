import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'evidence/**', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only src/cli.ts decides the exit code; everything else throws.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Throw; src/cli.ts exits.' },
      ],
    },
  },
  { files: ['src/cli.ts', 'test/**', 'bench/**'], rules: { 'no-restricted-properties': 'off' } },
  // .dependency-cruiser.cjs: CommonJS, as dependency-cruiser reads it.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  {
    // Only the ports under src/aws/ talk to the AWS SDK (GUIDE.md: steps see ports, not clients).
    // .dependency-cruiser.cjs says so too, with the layers; this one also names the port to use.
    files: ['src/**/*.ts'],
    ignores: ['src/aws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], message: 'Use a port from src/aws/.' }] },
      ],
    },
  },
);
