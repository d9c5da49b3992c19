import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loaded } from '../../bench/startup.js';
import { DRP_BIN, drpEnv } from '../support/drp.js';
import { sampleJournal } from '../support/journal.js';

// Start-up: the commands that never call AWS must not load the AWS SDK or pino (tens of
// milliseconds that `drp --help` and `drp validate` would pay on every run; bench/ measures the
// time). The binary runs with a hook that lists every file it loads; dist/contents.json (from the
// bundler) says which packages each of drp's bundled files holds.
let journal: string;

beforeAll(async () => {
  journal = (await sampleJournal()).path;
});

const packagesOf = (args: string[]) => loaded(DRP_BIN, args, { env: drpEnv() });
const sdk = (packages: string[]) =>
  packages.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'));

describe('commands that need no AWS load no AWS SDK', () => {
  it.each([
    ['--help'],
    ['validate', 'runbooks/deepfake-s3-leak.yaml'],
    ['runbooks'],
    ['permissions', 'deepfake-s3-leak'],
  ])('drp %s', (...args) => {
    const { files, packages } = packagesOf(args);
    expect(files).toContain(DRP_BIN); // the hook saw the binary load
    expect(sdk(packages)).toEqual([]);
    // Nor pino: only commands that log create a logger (src/log.ts loads pino on first use).
    expect(packages).not.toContain('pino');
  });

  it('drp verify, offline', () => {
    expect(sdk(packagesOf(['verify', journal]).packages)).toEqual([]);
  });

  it('--help loads commander alone; validate adds zod and yaml from the bundle', () => {
    expect(packagesOf(['--help']).packages).toEqual(['commander']);
    expect(packagesOf(['validate', 'runbooks/deepfake-s3-leak.yaml']).packages).toEqual(
      expect.arrayContaining(['zod', 'yaml']),
    );
  });

  it('drp validate loads none of the worker-thread machinery, which only a run with workers needs', () => {
    const uses = (file: string) => readFileSync(file, 'utf8').includes('worker_threads');
    const dist = dirname(DRP_BIN);
    // The check would pass on a bundle without workers: the machinery is there, in files of its own.
    const holders = readdirSync(dist).filter((f) => f.endsWith('.js') && uses(join(dist, f)));
    expect(holders).toContain('per-version.worker.js');
    expect(holders.length).toBeGreaterThan(1);
    const { files } = packagesOf(['validate', 'runbooks/deepfake-s3-leak.yaml']);
    expect(files.filter((f) => f.startsWith(dist) && uses(f))).toEqual([]);
  });

  it('sees the SDK and pino when a command does load them', () => {
    // The check above would pass on a hook that sees nothing: a command that calls AWS (here an
    // endpoint nobody listens on) and logs its failure must show both.
    const { packages } = loaded(
      DRP_BIN,
      ['--endpoint-url', 'http://127.0.0.1:9', 'plan', 'deepfake-s3-leak', '--param', 'bucket=startup-check'],
      { env: drpEnv({ AWS_MAX_ATTEMPTS: '1' }) },
    );
    expect(packages).toEqual(expect.arrayContaining(['@aws-sdk/client-sts', 'pino']));
  });
});
