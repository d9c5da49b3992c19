import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { restore, type RestoreFlags } from '../../../src/commands/restore.js';
import { runRunbook } from '../../../src/commands/run.js';
import { generateKey } from '../../../src/journal/keys.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { journalLines, writeLines } from '../../support/journal.js';
import { stubCaller } from '../../support/sts.js';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const ORIGINAL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Reader',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:role/R' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::media/*',
    },
  ],
});
const notFound = (name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 404 }, message: name });

/** Two steps that each change something: block public access, then the bucket policy deny. */
function twoStepRunbook(): string {
  const path = join(scratch(), 'two-steps.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: drp/v1',
      'name: two-steps',
      'description: Block public access, then deny',
      'params: { bucket: { type: string, required: true } }',
      'steps:',
      '  - { id: snapshot, type: s3-snapshot-config, with: { bucket: "${{ params.bucket }}" } }',
      '  - { id: block-public-access, type: s3-block-public-access, with: { bucket: "${{ params.bucket }}" } }',
      '  - { id: deny-policy, type: s3-deny-policy, with: { bucket: "${{ params.bucket }}" } }',
      '',
    ].join('\n'),
  );
  return path;
}

/** A contained bucket: the run's journal, then the live state as the run left it. */
async function containedRun(opts: { dryRun?: boolean } = {}) {
  const keyPath = generateKey(scratch()).privateKeyPath;
  const evidenceDir = join(scratch(), 'ev');
  s3.on(GetPublicAccessBlockCommand).rejects(notFound('NoSuchPublicAccessBlockConfiguration'));
  s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL });
  const out = await runRunbook(
    {
      runbook: twoStepRunbook(),
      params: [{ name: 'bucket', value: 'media', flag: '--bucket' }],
      dryRun: Boolean(opts.dryRun),
      yes: true,
      evidenceDir,
      exemptPrincipals: [],
      concurrency: 4,
      keyPath,
      command: 'contain',
    },
    testEnv({ incidentId: 'INC-1' }).env,
  );
  expect(out.exitCode).toBe(0);
  const written = s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input.Policy;
  s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_ON });
  if (written) s3.on(GetBucketPolicyCommand).resolves({ Policy: written });
  s3.resetHistory();
  return { path: join(evidenceDir, 'journal.jsonl'), keyPath, evidenceDir, written: written! };
}

const flags = (over: Partial<RestoreFlags> = {}): RestoreFlags => ({
  dryRun: false,
  yes: true,
  only: [],
  reactivateKeys: false,
  releaseHolds: false,
  keepExternalGrants: false,
  overwriteDrift: false,
  concurrency: 4,
  ...over,
});

const mutations = () =>
  s3
    .calls()
    .map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, ''))
    .filter((n) => !/^(Get|List|Head)/.test(n));

const restoreJournal = (evidenceDir: string) => {
  const dir = readdirSync(evidenceDir).find((d) => d.startsWith('restore-'))!;
  return join(evidenceDir, dir, 'journal.jsonl');
};

describe('drp restore', () => {
  beforeEach(() => {
    s3.reset();
    sts.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R-BPA' } });
    s3.on(PutBucketPolicyCommand).resolves({ $metadata: { requestId: 'R-POL' } });
    s3.on(DeletePublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R-DEL-BPA' } });
    s3.on(DeleteBucketPolicyCommand).resolves({});
  });

  it('undoes the changed steps, Block Public Access before the bucket policy, and journals each in a new journal linked to the run', async () => {
    const run = await containedRun();
    const out = await restore(run.path, flags(), testEnv().env);
    expect(out.exitCode, out.text).toBe(0);
    // Reverse order would put the policy back first, which S3 refuses for a public policy while
    // BlockPublicPolicy is on; drp's deny stays in place until the policy itself is put back.
    expect(mutations()).toEqual(['DeletePublicAccessBlock', 'PutBucketPolicy']);
    expect(s3).toHaveReceivedCommandWith(PutBucketPolicyCommand, { Bucket: 'media', Policy: ORIGINAL });
    expect(out.text).toMatch(/snapshot \(s3-snapshot-config\): nothing to restore/);
    expect(out.json).toMatchObject({
      outcome: 'completed',
      restoreOf: { journal: run.path, sealed: true },
      actions: [
        { id: 'block-public-access', outcome: 'applied', drift: [], kept: [], requestIds: ['R-DEL-BPA'] },
        { id: 'deny-policy', outcome: 'applied', drift: [], kept: [], requestIds: ['R-POL'] },
      ],
      nothingToRestore: [{ id: 'snapshot', type: 's3-snapshot-config' }],
    });

    const journal = restoreJournal(run.evidenceDir);
    const v = verifyJournal(readFileSync(journal));
    expect(v.ok).toBe(true);
    const original = verifyJournal(readFileSync(run.path));
    expect(v.entries[0]).toMatchObject({
      command: 'restore',
      incidentId: 'INC-1',
      restoreOf: {
        journalId: original.head!.journalId,
        head: original.head!.prev,
        path: run.path,
        sealed: true,
      },
    });
    expect(v.entries.map((e) => `${e.type}${e.stepId ? ` ${String(e.stepId)}` : ''}`)).toEqual([
      'genesis',
      'intent block-public-access',
      'restore block-public-access',
      'intent deny-policy',
      'restore deny-policy',
      'seal',
    ]);
    expect(v.entries[4]).toMatchObject({
      outcome: 'applied',
      requestIds: ['R-POL'],
      data: { before: { policy: ORIGINAL } },
    });
  });

  it('--dry-run sends no mutating command and journals the plans', async () => {
    const run = await containedRun();
    const out = await restore(run.path, flags({ dryRun: true, yes: false }), testEnv().env);
    expect(out.exitCode).toBe(0);
    expect(mutations()).toEqual([]);
    const v = verifyJournal(readFileSync(restoreJournal(run.evidenceDir)));
    expect(v.entries.map((e) => e.type)).toEqual(['genesis', 'plan', 'plan', 'seal']);
  });

  it('--only restores just the steps named', async () => {
    const run = await containedRun();
    const out = await restore(run.path, flags({ only: ['block-public-access'] }), testEnv().env);
    expect(out.exitCode).toBe(0);
    expect(mutations()).toEqual(['DeletePublicAccessBlock']);
  });

  it('--only with a step the journal does not have is exit 2 naming its steps', async () => {
    const run = await containedRun();
    await expect(restore(run.path, flags({ only: ['nope'] }), testEnv().env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(
        /--only nope: .*its steps are snapshot, block-public-access, deny-policy/,
      ),
    });
  });

  it('without a terminal, --yes skips a drifted action with its warning and exits 1; the rest is restored', async () => {
    const run = await containedRun();
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL.replace('Reader', 'Edited') });
    const out = await restore(run.path, flags(), testEnv().env);
    expect(out.exitCode).toBe(1);
    expect(mutations()).toEqual(['DeletePublicAccessBlock']);
    expect(out.text).toMatch(/deny-policy\s+skipped\s+drift: not applied without a terminal/);
    expect(out.text).toMatch(
      /Drift \(changed since drp ran\):\n {2}! deny-policy: the bucket policy no longer contains/,
    );
    expect(out.text).toMatch(/RESTORE INCOMPLETE/);
    expect(out.text).toMatch(/--only deny-policy --yes --overwrite-drift/);
    const v = verifyJournal(readFileSync(restoreJournal(run.evidenceDir)));
    expect(v.entries.find((e) => e.type === 'restore' && e.stepId === 'deny-policy')).toMatchObject({
      outcome: 'skipped',
    });
  });

  it('--overwrite-drift applies the drifted action, still showing the warning', async () => {
    const run = await containedRun();
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL.replace('Reader', 'Edited') });
    const out = await restore(run.path, flags({ overwriteDrift: true }), testEnv().env);
    expect(out.exitCode).toBe(0);
    expect(mutations()).toEqual(['DeletePublicAccessBlock', 'PutBucketPolicy']);
    expect(out.text).toMatch(/! deny-policy: the bucket policy no longer contains/);
  });

  it('on a terminal, --yes still asks about each drifted action, and a no keeps the live state', async () => {
    const run = await containedRun();
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL.replace('Reader', 'Edited') });
    const { env, questions } = testEnv({ stdinIsTTY: true, answer: false });
    const out = await restore(run.path, flags(), env);
    expect(questions).toEqual([
      expect.stringMatching(
        /^deny-policy: the bucket policy no longer contains .*overwriting that change\?$/,
      ),
    ]);
    expect(mutations()).toEqual(['DeletePublicAccessBlock']);
    expect(out.text).toMatch(/deny-policy\s+skipped\s+drift: the operator kept the live state/);
    expect(out.exitCode).toBe(1);
  });

  it('on a terminal without --yes, asks once for the rest, then about each drifted action', async () => {
    const run = await containedRun();
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL.replace('Reader', 'Edited') });
    const { env, questions } = testEnv({ stdinIsTTY: true, answer: true });
    const out = await restore(run.path, flags({ yes: false }), env);
    expect(questions).toEqual([
      'Put back 1 before-state change(s) in account 123456789012?',
      expect.stringMatching(/^deny-policy: /),
    ]);
    expect(mutations()).toEqual(['DeletePublicAccessBlock', 'PutBucketPolicy']);
    expect(out.exitCode).toBe(0);
  });

  it('refuses a journal that fails verification: exit 1 naming the line', async () => {
    const run = await containedRun();
    const lines = journalLines(run.path);
    lines.splice(2, 1);
    writeLines(run.path, lines);
    await expect(restore(run.path, flags(), testEnv().env)).rejects.toMatchObject({
      name: 'JournalInvalid',
      message: expect.stringMatching(
        /journal\.jsonl:3: seq 3 where 2 was expected.*restores only a journal that verifies/,
      ),
    });
    expect(mutations()).toEqual([]);
  });

  it('says a dry-run journal has nothing to restore, exit 0', async () => {
    const run = await containedRun({ dryRun: true });
    const out = await restore(run.path, flags(), testEnv().env);
    expect(out).toMatchObject({ exitCode: 0, text: expect.stringMatching(/dry-run: it changed nothing/) });
  });

  it('restores what an unsealed journal says was applied, with a warning', async () => {
    const run = await containedRun();
    const lines = journalLines(run.path);
    // genesis, snapshot intent+artefact+result, bpa intent+result: the run died before the deny.
    writeLines(run.path, lines.slice(0, 6));
    const { env, notices } = testEnv();
    const out = await restore(run.path, flags(), env);
    expect(out.exitCode, out.text).toBe(0);
    expect(notices).toContainEqual(
      expect.stringMatching(/warning: .* is not sealed: the run was cut short after 6 entries/),
    );
    expect(mutations()).toEqual(['DeletePublicAccessBlock']);
  });

  it('refuses credentials of another account: exit 2, nothing changed', async () => {
    const run = await containedRun();
    stubCaller(sts, 'arn:aws:iam::999999999999:user/bob');
    await expect(restore(run.path, flags(), testEnv().env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/account 123456789012; these credentials are for 999999999999/),
    });
    expect(mutations()).toEqual([]);
  });

  it('refuses the journal of a restore', async () => {
    const run = await containedRun();
    await restore(run.path, flags(), testEnv().env);
    await expect(restore(restoreJournal(run.evidenceDir), flags(), testEnv().env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/is the journal of a restore/),
    });
  });
});
