import { spawnSync } from 'node:child_process';

/**
 * Start-up: the median wall time of `runs` runs of a drp command, one after another, and which
 * packages the command loads (an ESM resolve hook for imports, require.cache at exit for
 * CommonJS): --help and validate should load no AWS SDK and no logger.
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

const HOOKS = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(2, 'LOADED ' + result.url + '\\n');
  return result;
}`;

const PRELOAD = `import { register, createRequire } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = createRequire(process.cwd() + '/').cache;
process.on('exit', () => { for (const f of Object.keys(cache)) process.stderr.write('LOADED ' + f + '\\n'); });`;

/** The npm packages a command loads, by name. */
export function packagesLoaded(args: string[], cwd: string): string[] {
  const run = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  );
  const names = [...run.stderr.matchAll(/^LOADED .*?node_modules\/((?:@[^/]+\/)?[^/]+)/gm)].map((m) => m[1]!);
  return [...new Set(names)].sort();
}
