import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Start-up: the median wall time of `runs` runs of a drp command, one after another, and which
 * packages the command loads (`loaded` below): --help and validate should load no AWS SDK and no
 * logger.
 */
export function medianMs(args: string[], cwd: string, runs = 20): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor((runs - 1) / 2)]! + times[Math.ceil((runs - 1) / 2)]!) / 2);
}

// Every ES module file the process loads (a load hook), and every CommonJS file (require.cache at
// exit): drp's bundle is ES modules; pino, required on first log line, is CommonJS.
const HOOKS = `import { writeSync } from 'node:fs';
export async function load(url, context, next) {
  writeSync(2, 'LOADED ' + url + '\\n');
  return next(url, context);
}`;

const PRELOAD = `import { register, createRequire } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = createRequire(process.cwd() + '/').cache;
process.on('exit', () => { for (const f of Object.keys(cache)) process.stderr.write('LOADED ' + f + '\\n'); });`;

export interface Loaded {
  /** Absolute paths of the files the process loaded, Node's own modules left out. */
  files: string[];
  /** npm packages by name: loaded from node_modules, or bundled in a dist/ file that was loaded. */
  packages: string[];
}

/**
 * What `node <cli> ...args` loads. dist/contents.json (written by esbuild.config.mjs) names the
 * packages bundled into each of the CLI's output files, so a package counts as loaded whether the
 * bundle holds it or node_modules does.
 */
export function loaded(
  cli: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Loaded {
  const run = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, cli, ...args],
    { cwd: options.cwd, env: options.env, encoding: 'utf8' },
  );
  const files = [
    ...new Set(
      [...run.stderr.matchAll(/^LOADED (\S+)$/gm)]
        .map((m) => m[1]!)
        .filter((f) => !f.startsWith('node:'))
        .map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f)),
    ),
  ];
  const dist = dirname(resolve(options.cwd ?? '.', cli));
  const contents = JSON.parse(readFileSync(join(dist, 'contents.json'), 'utf8')) as Record<string, string[]>;
  const packages = files.flatMap((f) => {
    const fromNodeModules = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1];
    if (fromNodeModules) return [fromNodeModules];
    return dirname(f) === dist ? (contents[basename(f)] ?? []).filter((p) => p !== 'drp') : [];
  });
  return { files, packages: [...new Set(packages)].sort() };
}

/** The npm packages a command loads, by name. */
export const packagesLoaded = (args: string[], cwd: string): string[] =>
  loaded(args[0]!, args.slice(1), { cwd }).packages;
