import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRP_BIN, drpEnv } from '../support/drp.js';

// The bundle that `npm run build` writes (esbuild.config.mjs): one dist/cli.js and its chunks.
const DIST = dirname(DRP_BIN);

describe('the bundle in dist/', () => {
  it('keeps every file at the top of dist/, where src/paths.ts finds the package root', () => {
    const entries = readdirSync(DIST);
    expect(entries.filter((e) => statSync(join(DIST, e)).isDirectory())).toEqual([]);
    const contents = JSON.parse(readFileSync(join(DIST, 'contents.json'), 'utf8')) as Record<
      string,
      string[]
    >;
    expect(Object.keys(contents).sort()).toEqual(entries.filter((e) => e.endsWith('.js')).sort());
  });

  it("maps a bug's stack to src/*.ts", () => {
    // A bug drp cannot explain is logged with its stack. Make listing the bundled runbooks throw
    // (node:fs patched before drp loads), then read where the stack says it came from.
    const preload = `import fs from 'node:fs'; import { syncBuiltinESMExports } from 'node:module';
fs.readdirSync = () => { throw new Error('readdir broke'); }; syncBuiltinESMExports();`;
    const run = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, DRP_BIN, 'runbooks'],
      { env: drpEnv(), encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('readdir broke');
    expect(run.stderr).toMatch(/at bundledRunbooks \(\S*\/src\/runbook\/load\.ts:\d+:\d+\)/);
  });
});
