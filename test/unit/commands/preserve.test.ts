import { describe, expect, it } from 'vitest';
import { containParams, preserveParams } from '../../support/flag-params.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import { resolveParams } from '../../../src/runbook/params.js';

describe('drp preserve: flags to runbook params', () => {
  const runbook = loadRunbook('preserve-evidence').runbook;

  it('feeds every flag to the param of the same meaning, users and roles repeatable', () => {
    const given = preserveParams(
      {
        bucket: 'media',
        since: '2026-11-20T00:00:00Z',
        evidenceRetentionDays: 30,
        evidenceLockMode: 'COMPLIANCE',
        user: ['alice', 'bob'],
        role: ['Pipeline'],
      },
      runbook.params,
      runbook.name,
    );
    expect(resolveParams(runbook.params, given, runbook.name)).toEqual({
      bucket: 'media',
      since: '2026-11-20T00:00:00Z',
      evidenceRetentionDays: 30,
      evidenceLockMode: 'COMPLIANCE',
      ensureLogging: false,
      users: ['alice', 'bob'],
      roles: ['Pipeline'],
      // The SOC's evidence (issue 18), at the runbook's defaults.
      vpcs: [],
      guardduty: true,
      securityhub: true,
      securityhubSeverity: 'HIGH',
      archiveAfterDays: 30,
      archiveClass: 'GLACIER',
    });
  });

  it('leaves the defaults to the runbook: 7 days, 365 days, GOVERNANCE', () => {
    const given = preserveParams({ bucket: 'media' }, runbook.params, runbook.name);
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      since: '7d',
      evidenceRetentionDays: 365,
      evidenceLockMode: 'GOVERNANCE',
      users: [],
      roles: [],
    });
  });

  it('takes comma-separated users and roles, and checks each name as contain does, naming the flag', () => {
    const given = preserveParams(
      { bucket: 'media', user: ['alice,bob'], role: ['A, B'] },
      runbook.params,
      runbook.name,
    );
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      users: ['alice', 'bob'],
      roles: ['A', 'B'],
    });
    expect(() => preserveParams({ bucket: 'media', user: ['al ice'] }, runbook.params, runbook.name)).toThrow(
      /^--user al ice: /,
    );
    expect(() => preserveParams({ bucket: 'Media_Prod' }, runbook.params, runbook.name)).toThrow(
      /^--bucket Media_Prod: /,
    );
  });

  it('refuses a flag the chosen runbook has no param for, naming both', () => {
    expect(() => preserveParams({ bucket: 'media', user: ['alice'] }, { bucket: {} }, 'mine')).toThrow(
      '--user: runbook mine has no param "users" to take it',
    );
  });
});

describe('drp contain: evidence flags', () => {
  it('feeds --since, --evidence-retention-days and --evidence-lock-mode to deepfake-s3-leak', () => {
    const runbook = loadRunbook('deepfake-s3-leak').runbook;
    const given = containParams(
      { bucket: 'media', since: '2d', evidenceRetentionDays: 90, evidenceLockMode: 'COMPLIANCE' },
      runbook.params,
      runbook.name,
    );
    expect(resolveParams(runbook.params, given, runbook.name)).toMatchObject({
      since: '2d',
      evidenceRetentionDays: 90,
      evidenceLockMode: 'COMPLIANCE',
    });
  });
});
