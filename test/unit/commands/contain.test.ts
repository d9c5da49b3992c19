import { describe, expect, it } from 'vitest';
import { containParams } from '../../../src/commands/contain.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';

describe('contain flags', () => {
  const { runbook } = loadRunbook('deepfake-s3-leak');

  it('--retention-days feeds the runbook param retentionDays as an integer', () => {
    const given = containParams({ bucket: 'media', retentionDays: 45 }, runbook.params, runbook.name);
    expect(given).toContainEqual({ name: 'retentionDays', value: '45', flag: '--retention-days' });
    expect(resolveParams(runbook.params, given, runbook.name).retentionDays).toBe(45);
  });

  it('without --retention-days the runbook default of 30 days applies', () => {
    const given = containParams({ bucket: 'media' }, runbook.params, runbook.name);
    expect(given.map((g) => g.name)).toEqual(['bucket']);
    expect(resolveParams(runbook.params, given, runbook.name).retentionDays).toBe(30);
  });

  it('--retention-days with a runbook that has no retentionDays param is an error naming the flag', () => {
    expect(() => containParams({ bucket: 'media', retentionDays: 7 }, { bucket: {} }, 'other')).toThrow(
      '--retention-days: runbook other has no param "retentionDays" to take it',
    );
  });
});
