import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resume } from '../../../src/commands/resume.js';
import { runRunbook } from '../../../src/commands/run.js';
import { generateKey } from '../../../src/journal/keys.js';
import { acquireLock } from '../../../src/journal/lock.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { journalLines, writeLines } from '../../support/journal.js';
import { oneStepRunbook } from '../../support/runbooks.js';
import { stubCaller } from '../../support/sts.js';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);

/** A finished contain run, then cut back to `keep` lines, as if killed at that point. */
async function interruptedRun(keep: number, tornBytes = '') {
  const keyPath = generateKey(scratch()).privateKeyPath;
  const evidenceDir = join(scratch(), 'ev');
  await runRunbook(
    {
      runbook: oneStepRunbook(),
      params: [{ name: 'bucket', value: 'media-prod', flag: '--bucket' }],
      dryRun: false,
      yes: true,
      evidenceDir,
      exemptPrincipals: [],
      concurrency: 4,
      keyPath,
      command: 'contain',
    },
    testEnv().env,
  );
  const path = join(evidenceDir, 'journal.jsonl');
  writeLines(path, journalLines(path).slice(0, keep));
  if (tornBytes) writeFileSync(path, readFileSync(path, 'utf8') + tornBytes);
  s3.resetHistory();
  sts.resetHistory();
  return { path, keyPath, evidenceDir };
}

describe('drp resume', () => {
  beforeEach(() => {
    s3.reset();
    sts.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({});
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R2' } });
  });

  it('re-plans the step that had an intent but no result, applies it, and seals one verifiable journal', async () => {
    const { path, keyPath } = await interruptedRun(2); // genesis, intent
    const out = await resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env);
    expect(out.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    const v = verifyJournal(readFileSync(path));
    expect(v.ok).toBe(true);
    expect(v.entries.map((e) => e.type)).toEqual(['genesis', 'intent', 'resume', 'intent', 'result', 'seal']);
    expect(v.entries[2]).toMatchObject({ done: [], remaining: ['block-public-access'] });
  });

  it('skips steps that have a result', async () => {
    const { path, keyPath } = await interruptedRun(3); // genesis, intent, result
    const out = await resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env);
    expect(out.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 0);
    expect(verifyJournal(readFileSync(path)).entries.map((e) => e.type)).toEqual([
      'genesis',
      'intent',
      'result',
      'resume',
      'seal',
    ]);
  });

  it('moves a torn last line aside into journal.torn-<time> and records it', async () => {
    const { path, keyPath, evidenceDir } = await interruptedRun(2, '{"payloadType":"appl');
    await resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env);
    const torn = readdirSync(evidenceDir).find((f) => f.startsWith('journal.torn-'))!;
    expect(readFileSync(join(evidenceDir, torn), 'utf8')).toBe('{"payloadType":"appl');
    const v = verifyJournal(readFileSync(path));
    expect(v.ok).toBe(true);
    expect(v.entries[2]).toMatchObject({ type: 'resume', tornTail: { file: torn, size: 20 } });
  });

  it('says a sealed journal has nothing to resume, exit 0', async () => {
    const { path, keyPath } = await interruptedRun(99);
    const out = await resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env);
    expect(out).toMatchObject({ exitCode: 0, text: expect.stringMatching(/sealed.*nothing to resume/) });
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses another signing key', async () => {
    const { path } = await interruptedRun(2);
    await expect(
      resume(
        path,
        { yes: true, concurrency: 4, keyPath: generateKey(scratch()).privateKeyPath },
        testEnv().env,
      ),
    ).rejects.toThrow(/--key: this journal is signed by key [0-9a-f]+; resume must sign with the same key/);
  });

  it('refuses a journal that fails verification for another reason than its end', async () => {
    const { path, keyPath } = await interruptedRun(2);
    const lines = journalLines(path);
    writeLines(path, [lines[0]!, lines[0]!]);
    await expect(resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env)).rejects.toMatchObject({
      name: 'JournalInvalid',
    });
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses a journal another drp is writing before reading it further: its last line stays, no AWS call', async () => {
    // A live run's journal: its last line may be half-written at this very moment.
    const { path, keyPath, evidenceDir } = await interruptedRun(2, '{"payloadType":"appl');
    const bytes = readFileSync(path);
    const release = acquireLock(path);
    try {
      await expect(resume(path, { yes: true, concurrency: 4, keyPath }, testEnv().env)).rejects.toThrow(
        /is being written by drp \(pid \d+ on .+\); a second writer is refused/,
      );
      expect(readFileSync(path)).toEqual(bytes);
      expect(readdirSync(evidenceDir).filter((f) => f.startsWith('journal.torn-'))).toEqual([]);
      expect(sts.calls()).toHaveLength(0);
    } finally {
      release();
    }
  });
});
