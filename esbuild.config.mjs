/**
 * `npm run build`: bundles drp into dist/ with esbuild (type-checking is `npm run typecheck`). A
 * bundler's configuration, it sits at the top level beside the other tools' (eslint, vitest).
 *
 * One ES module per command's needs instead of ~310 files: `drp --help` loads dist/cli.js (commander
 * and the flag tables), and each command's `await import(...)` becomes a chunk that loads its code,
 * zod, yaml or an AWS SDK client only when that command runs. Every output file sits at the top of
 * dist/, one level below the package root, which is what src/paths.ts relies on.
 *
 * dist/contents.json says which packages each output file holds (from esbuild's metafile): what
 * test/unit/startup.test.ts and bench/startup.ts read to tell which packages a command loaded.
 */
import { build } from 'esbuild';
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const entryPoints = {
  cli: 'src/cli.ts',
  // `npm run docs` (never loaded by drp itself).
  'docs-generate': 'src/docs/generate.ts',
  // A worker thread's script is loaded by path, not imported, so the bundler cannot find it:
  // every src/**/*.worker.ts is its own entry, dist/<name>.worker.js (packagePath('dist', ...)).
  ...Object.fromEntries(
    readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.worker.ts'))
      .map((f) => [basename(f, '.ts'), `src/${f}`]),
  ),
};

/**
 * commander requires child_process when it loads, for executable subcommands, which drp has none
 * of; with it come net, dgram and their bindings: about 10 ms of every start, `drp --help`'s
 * included. commander gets a stand-in that loads the module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, ({ importer }) =>
      importer.includes('/node_modules/commander/')
        ? { path: 'child_process', namespace: 'lazy' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, name) => require('node:child_process')[name] });",
      loader: 'js',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
const { metafile } = await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The SDK's and zod's ES builds, which esbuild can tree-shake; CommonJS where there is no other.
  mainFields: ['module', 'main'],
  // Loaded with require() on first log line (src/log.ts); pino's transports load files by path.
  external: ['pino'],
  // yaml's ES module build (its "default" export); the "node" one is CommonJS, which esbuild keeps
  // whole: 60 kB more for `drp validate` to load.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
  chunkNames: '[name]-[hash]',
  // Readable stacks: src/source-maps.ts maps a stack through these when one is printed. Names are
  // kept (no identifier minifying) so that a frame without a map, or code reading a class's name,
  // is right.
  sourcemap: 'linked',
  sourcesContent: false,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // Bundled CommonJS packages (commander, yaml) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __drpCreateRequire } from 'node:module'; const require = __drpCreateRequire(import.meta.url);",
  },
  plugins: [lazyChildProcessForCommander],
  metafile: true,
  logLevel: 'warning',
});

/** "node_modules/@aws-sdk/client-s3/dist-es/x.js" -> "@aws-sdk/client-s3"; drp's own code (src/, the stand-in above) -> "drp". */
const packageOf = (input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? 'drp';

const contents = Object.fromEntries(
  Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => [
      basename(file),
      [...new Set(Object.keys(output.inputs).map(packageOf))].sort(),
    ]),
);
writeFileSync('dist/contents.json', `${JSON.stringify(contents, null, 1)}\n`);
chmodSync('dist/cli.js', 0o755);
