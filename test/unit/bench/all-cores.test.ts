import { describe, expect, it } from 'vitest';
import { allCoresNotes, limitAllCores } from '../../../bench/all-cores.js';
import { quickArgs } from '../../../bench/quick.js';
import { sharded } from '../../../bench/shard.js';

async function* listing(n: number) {
  for (let i = 0; i < n; i++) yield `key-${i}`;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('the all-cores bare loop', () => {
  it('shards a listing into disjoint shares that together hold every item once', async () => {
    const shares = await Promise.all([0, 1, 2].map((i) => collect(sharded(listing(10), i, 3))));
    expect(shares).toEqual([
      ['key-0', 'key-3', 'key-6', 'key-9'],
      ['key-1', 'key-4', 'key-7'],
      ['key-2', 'key-5', 'key-8'],
    ]);
  });

  it('starts one process per shard, each with its share of the calls in flight', async () => {
    // Each "loop" prints the flags it was given (node keeps those after --); limit.js takes the
    // last value of a flag.
    const echo = ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)) + "\\n")', '--'];
    const run = await limitAllCores([...echo, '--concurrency', '32'], 32, process.env, process.cwd(), 3);
    const argvs = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[]);
    expect(argvs).toEqual(
      [0, 1, 2].map((i) => [
        '--concurrency',
        '32',
        '--concurrency',
        '11',
        '--shard',
        String(i),
        '--shards',
        '3',
      ]),
    );
    expect(run.code).toBe(0);
  });

  it('fails when any of its processes fails', async () => {
    const run = await limitAllCores(
      ['-e', 'process.exitCode = process.argv.at(-3) === "1" ? 3 : 0', '--'],
      4,
      process.env,
      process.cwd(),
      2,
    );
    expect(run.code).toBe(3);
  });

  it("judges drp with a worker per core against the issue's targets: 1.5 x one process, 0.9 x every core", () => {
    const notes = allCoresNotes({
      workers: 2,
      drpPerS: 800,
      drpWorkersPerS: 1500,
      limitPerS: 900,
      limitAllCoresPerS: 1600,
      copyDrpPerS: 380,
      copyDrpWorkersPerS: 400,
      copyLimitPerS: 400,
      copyLimitAllCoresPerS: null,
    });
    expect(notes[0]).toBe(
      'Every core, holds (drp --workers 2): >= 1.5 x limitPerS: 1.67 x, met; >= 0.9 x limitAllCoresPerS: 0.94 x, met. ' +
        'The bare loop gains 1.78 x from 2 processes; drp by default: 0.50 x, MISSED of the all-cores loop.',
    );
    expect(notes[1]).toContain('>= 1.5 x copyLimitPerS: 1.00 x, MISSED');
    expect(notes[1]).toContain('>= 0.9 x copyLimitAllCoresPerS: not measured');
    expect(notes[1]).toContain('The bare loop gains not measured');
  });
});

describe('npm run bench -- --quick', () => {
  it('runs at the quick sizes, without the million-version memory run, unless a flag says otherwise', () => {
    const { quick, args } = quickArgs(['--quick', '--versions', '2000']);
    expect(quick).toBe(true);
    expect(args).not.toContain('--quick');
    // parseArgs keeps the last value of an option: the explicit --versions comes after the default.
    expect(args.slice(-2)).toEqual(['--versions', '2000']);
    expect(args.join(' ')).toContain('--rss-versions 0');
  });

  it('leaves a full run alone, and refuses to record a quick one', () => {
    expect(quickArgs(['--repeat', '2'])).toEqual({ quick: false, args: ['--repeat', '2'] });
    expect(() => quickArgs(['--quick', '--record'])).toThrow(/RESULTS.md holds full runs only/);
  });
});
