/**
 * `npm run bench -- --quick`: every contender, at sizes that finish in a few minutes on this
 * 2-core machine (the full run takes over an hour, most of it the million-version memory run,
 * which --quick leaves out). For checking a change, not for bench/RESULTS.md.
 */
const QUICK_DEFAULTS = [
  ['--versions', '5000'],
  ['--log-files', '2500'],
  ['--cli-n', '5'],
  ['--rss-versions', '0'],
  ['--repeat', '1'],
].flat();

/**
 * Takes --quick out of the command line and puts the quick sizes before the rest, so that a flag
 * given explicitly (`--quick --versions 2000`) still wins: the last value of an option counts.
 */
export function quickArgs(argv: string[]): { quick: boolean; args: string[] } {
  const quick = argv.includes('--quick');
  if (quick && argv.includes('--record'))
    throw new Error('--quick does not --record: bench/RESULTS.md holds full runs only');
  return { quick, args: quick ? [...QUICK_DEFAULTS, ...argv.filter((a) => a !== '--quick')] : argv };
}
