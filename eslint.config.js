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
  {
    // The bundle moves modules into chunks at the top of dist/: a path relative to a module's own
    // location would point elsewhere once bundled. src/paths.ts is the one module that may.
    files: ['src/**/*.ts'],
    ignores: ['src/paths.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MetaProperty[meta.name='import']",
          message: "Find drp's files with packagePath() from src/paths.ts (the bundle moves modules).",
        },
        {
          // esbuild leaves out the parts of zod a file does not use only when it sees z.object on
          // a namespace import; a named z is one value holding all of zod, every locale included
          // (0.5 MB more for `drp validate` to load).
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
          message: "import * as z from 'zod' (a named z pulls all of zod into the bundle).",
        },
      ],
    },
  },
);
