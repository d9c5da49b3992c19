import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runRunbook, type RunOptions } from '../../../src/commands/run.js';
import { acquireIncidentLock } from '../../../src/journal/lock.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { scratch } from '../../support/drp.js';
import { testEnv } from '../../support/command-env.js';
import { generateKey } from '../../../src/journal/keys.js';
import { stubCaller } from '../../support/sts.js';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);

/** A runbook of the steps under test only: the bundled ones grow steps of services not mocked here. */
function runbookFile(steps: string): string {
  const file = join(scratch(), 'runbook.yaml');
  writeFileSync(
    file,
    `apiVersion: drp/v1\nname: test-run\ndescription: test\nparams:\n  bucket: { type: string, required: true }\nsteps:\n${steps}`,
  );
  return file;
}
const BLOCK_PUBLIC_ACCESS =
  "  - id: block-public-access\n    type: s3-block-public-access\n    with: { bucket: '${{ params.bucket }}' }\n";
// No archive rule here: these tests are about anchoring (the archive has its own tests).
const EVIDENCE_BUCKET =
  '  - id: evidence-bucket\n    type: evidence-bucket\n    with: { archiveAfterDays: 0 }\n';

function options(overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    runbook: runbookFile(BLOCK_PUBLIC_ACCESS),
    params: [{ name: 'bucket', value: 'media-prod', flag: '--bucket' }],
    dryRun: false,
    yes: true,
    evidenceDir: join(scratch(), 'ev'),
    exemptPrincipals: [],
    concurrency: 4,
    keyPath: generateKey(scratch()).privateKeyPath,
    command: 'contain',
    ...overrides,
  };
}

describe('drp run', () => {
  beforeEach(() => {
    s3.reset();
    sts.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: false },
    });
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R1' } });
  });

  it('dry-run sends no mutating command and leaves a sealed journal marked dry-run', async () => {
    const opts = options({ dryRun: true, yes: false });
    const result = await runRunbook(opts, testEnv().env);
    expect(result.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
    const v = verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl')));
    expect(v.ok).toBe(true);
    expect(v.entries[0]).toMatchObject({
      type: 'genesis',
      dryRun: true,
      command: 'contain',
      caller: { principalArn: 'arn:aws:iam::123456789012:user/alice' },
    });
    expect(v.entries.map((e) => e.type)).toEqual(['genesis', 'plan', 'seal']);
    expect(v.entries.at(-1)).toMatchObject({ outcome: 'dry-run' });
  });

  it('refuses a second run of an incident that is running, before planning anything', async () => {
    const base = join(scratch(), 'evidence', 'INC-7');
    const release = acquireIncidentLock(base, 'INC-7');
    try {
      await expect(
        runRunbook(options({ evidenceDir: join(base, 'run-2') }), testEnv({ incidentId: 'INC-7' }).env),
      ).rejects.toThrow(/incident INC-7 is already being run by drp/);
      expect(s3.calls()).toHaveLength(0);
    } finally {
      release();
    }
    const after = await runRunbook(
      options({ evidenceDir: join(base, 'run-2') }),
      testEnv({ incidentId: 'INC-7' }).env,
    );
    expect(after.exitCode).toBe(0);
    expect(existsSync(join(base, 'incident.lock'))).toBe(false);
  });

  it('refuses to change anything without --yes when stdin is not a terminal, before any AWS call', async () => {
    await expect(
      runRunbook(options({ yes: false }), testEnv({ stdinIsTTY: false }).env),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/stdin is not a terminal.*--dry-run.*--yes/),
    });
    expect(sts.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('asks on a terminal, and a "no" changes nothing', async () => {
    const { env, questions } = testEnv({ stdinIsTTY: true, answer: false });
    const result = await runRunbook(options({ yes: false }), env);
    expect(questions).toEqual(['Apply 1 change(s) to account 123456789012?']);
    expect(result.exitCode).toBe(1);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
  });

  it('applies with --yes and journals the request id', async () => {
    const opts = options();
    const result = await runRunbook(opts, testEnv().env);
    expect(result.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    const entries = verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl'))).entries;
    expect(entries.find((e) => e.type === 'result')).toMatchObject({
      outcome: 'applied',
      requestIds: ['R1'],
    });
  });

  it('exits 1 and names the failed step when AWS refuses, with the service error', async () => {
    s3.on(PutPublicAccessBlockCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const result = await runRunbook(options(), testEnv().env);
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(/block-public-access\s+failed\s+.*AccessDenied: Access Denied/);
    expect(result.text).toMatch(/CONTAINMENT INCOMPLETE/);
  });

  it('refuses an --exempt-principal that is a role session ARN, naming the role ARN form to use', async () => {
    const session = 'arn:aws:sts::123456789012:assumed-role/Responder/alice';
    await expect(runRunbook(options({ exemptPrincipals: [session] }), testEnv().env)).rejects.toThrow(
      /--exempt-principal arn:aws:sts::123456789012:assumed-role\/Responder\/alice: that is a role session ARN; aws:PrincipalArn carries the role itself/,
    );
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses an --exempt-principal that is not a principal ARN', async () => {
    await expect(runRunbook(options({ exemptPrincipals: ['alice'] }), testEnv().env)).rejects.toThrow(
      /--exempt-principal alice: expected an/,
    );
  });
});

describe('drp run: anchoring the journal in the evidence bucket', () => {
  beforeEach(() => {
    s3.reset();
    sts.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: false },
    });
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R1' } });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' },
    });
    s3.on(PutObjectCommand).resolves({ VersionId: 'v1', $metadata: {} });
  });
  const runbook = () => runbookFile(BLOCK_PUBLIC_ACCESS + EVIDENCE_BUCKET);

  it('after the seal, stores the sealed journal and a signed head.json under legal hold, and says where', async () => {
    const opts = options({ runbook: runbook() });
    const result = await runRunbook(opts, testEnv({ incidentId: 'INC-T1' }).env);
    expect(result.exitCode).toBe(0);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const journalId = verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl'))).head!.journalId;
    const prefix = `incidents/INC-T1/journals/${journalId}/`;
    expect(puts.map((p) => [p.Bucket, p.Key, p.ChecksumAlgorithm, p.ObjectLockLegalHoldStatus])).toEqual([
      ['drp-evidence-123456789012-us-east-1', `${prefix}journal.jsonl`, 'SHA256', 'ON'],
      ['drp-evidence-123456789012-us-east-1', `${prefix}head.json`, 'SHA256', 'ON'],
    ]);
    expect(result.text).toContain(`anchored: s3://drp-evidence-123456789012-us-east-1/${prefix}`);
    expect(result.json).toMatchObject({ anchor: { status: 'anchored' } });
  });

  it('reports a failed anchor clearly and exits 1, the local journal intact', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const opts = options({ runbook: runbook() });
    const result = await runRunbook(opts, testEnv().env);
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(/ANCHOR FAILED: .*AccessDenied: Access Denied/);
    expect(verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl'))).ok).toBe(true);
  });

  it('keeps the journal local when the evidence bucket has no Object Lock, and exits 1', async () => {
    s3.on(GetObjectLockConfigurationCommand).rejects(
      Object.assign(new Error('none'), {
        name: 'ObjectLockConfigurationNotFoundError',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const result = await runRunbook(options({ runbook: runbook() }), testEnv().env);
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(/evidence-bucket\s+failed\s+.*exists without Object Lock/);
    expect(result.text).toMatch(/journal not anchored: step "evidence-bucket" did not make/);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('anchors nothing in a dry-run', async () => {
    await runRunbook(options({ runbook: runbook(), dryRun: true, yes: false }), testEnv().env);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });
});

describe('--detected-at', () => {
  const now = new Date('2026-11-25T03:00:00Z');
  it('normalises an ISO time with a zone to UTC', async () => {
    const { checkDetectedAt } = await import('../../../src/commands/run.js');
    expect(checkDetectedAt('2026-11-25T03:40:00+01:00', now)).toBe('2026-11-25T02:40:00.000Z');
  });
  it.each(['yesterday', '2026-11-25 02:00', '2026-11-25T02:00:00', '2026-11-26T02:00:00Z'])(
    'refuses %s naming the flag',
    async (value) => {
      const { checkDetectedAt } = await import('../../../src/commands/run.js');
      expect(() => checkDetectedAt(value, now)).toThrow(/--detected-at/);
    },
  );
});
