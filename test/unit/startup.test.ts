import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRP_BIN, drpEnv, scratch } from '../support/drp.js';
import { sampleJournal } from '../support/journal.js';

// Start-up: the commands that never call AWS must not load the AWS SDK or pino (tens of milliseconds of
// module loading that `drp --help` and `drp validate` would pay on every run; bench/ measures the
// time). A module hook lists every package drp's own files import, then the binary runs.
const run = promisify(execFile);
let register: string;
let journal: string;

beforeAll(async () => {
  const dir = scratch('drp-startup-');
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && context.parentURL?.includes('/dist/'))
    process.stderr.write('IMPORTED ' + specifier + '\\n');
  return next(specifier, context);
}\n`,
  );
  register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
  );
  journal = (await sampleJournal()).path;
});

async function packagesLoadedBy(args: string[]): Promise<string[]> {
  const out = await run(process.execPath, ['--import', register, DRP_BIN, ...args], {
    env: drpEnv(),
  }).catch((err: { stderr: string; code: number }) => err);
  return [...new Set([...out.stderr.matchAll(/^IMPORTED (\S+)$/gm)].map((m) => m[1]!))].sort();
}

describe('commands that need no AWS load no AWS SDK', () => {
  it.each([
    ['--help'],
    ['validate', 'runbooks/deepfake-s3-leak.yaml'],
    ['runbooks'],
    ['permissions', 'deepfake-s3-leak'],
  ])('drp %s', async (...args) => {
    const loaded = await packagesLoadedBy(args);
    expect(loaded.length).toBeGreaterThan(0); // the hook saw drp's imports (commander at least)
    expect(loaded.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
    // Nor pino: only commands that log create a logger (src/log.ts loads pino on first use).
    expect(loaded).not.toContain('pino');
  });

  it('drp verify, offline', async () => {
    const loaded = await packagesLoadedBy(['verify', journal]);
    expect(loaded.filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
