import { describe, expect, it } from 'vitest';
import { runDrp } from '../support/drp.js';

// These spawn the built binary but need no AWS: every case ends before the first call.
const NO_AWS = 'http://127.0.0.1:9';

describe('drp CLI: evidence preservation flags (no AWS)', () => {
  it('lists preserve in --help, and verify --anchor', async () => {
    expect((await runDrp(['--help'])).stdout).toMatch(/preserve/);
    expect((await runDrp(['verify', '--help'])).stdout).toMatch(/--anchor <s3-uri>/);
  });

  it.each([['contain'], ['preserve']])(
    '%s: a bad --since is exit 2 saying what is valid',
    async (command) => {
      const out = await runDrp([command, '--bucket', 'media', '--since', 'last week']);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(
        /--since is an ISO 8601 time with a zone .*, a UTC date .*, or a duration back from now \(30m, 24h, 7d, 2w\)/,
      );
    },
  );

  it('a bad --evidence-lock-mode is exit 2 naming the choices', async () => {
    const out = await runDrp(['preserve', '--bucket', 'media', '--evidence-lock-mode', 'STRICT']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/Allowed choices are GOVERNANCE, COMPLIANCE/);
  });

  it('a bad --evidence-retention-days is exit 2', async () => {
    const out = await runDrp(['contain', '--bucket', 'media', '--evidence-retention-days', '0']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--evidence-retention-days is a whole number from 1 to 36500/);
  });

  it('verify --anchor that is not an s3:// URI is exit 2 naming the flag', async () => {
    const { sampleJournal } = await import('../support/journal.js');
    const { path } = await sampleJournal();
    const out = await runDrp(['--endpoint-url', NO_AWS, 'verify', path, '--anchor', 'bucket/incidents/x/']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--anchor bucket\/incidents\/x\/: expected s3:\/\/BUCKET/);
  });
});
