import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  PutObjectLegalHoldCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runRunbook, type RunOptions } from '../../../src/commands/run.js';
import { generateKey } from '../../../src/journal/keys.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { mockListing, version } from '../../support/s3-versions.js';
import { stubCaller } from '../../support/sts.js';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:incident-team';

function runbookFile(steps: string): string {
  const file = join(scratch(), 'runbook.yaml');
  writeFileSync(
    file,
    `apiVersion: drp/v1\nname: team\ndescription: test\nparams:\n  bucket: { type: string, required: true }\nsteps:\n${steps}`,
  );
  return file;
}
const HOLDS = "  - id: legal-holds\n    type: s3-legal-holds\n    with: { bucket: '${{ params.bucket }}' }\n";
const BPA =
  "  - id: block-public-access\n    type: s3-block-public-access\n    with: { bucket: '${{ params.bucket }}' }\n";

function options(overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    runbook: runbookFile(HOLDS),
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

describe('drp run: the cost estimate and --max-cost', () => {
  beforeEach(() => {
    for (const c of [s3, sts, sns]) c.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetObjectLockConfigurationCommand).rejects(
      new S3ServiceException({
        name: 'ObjectLockConfigurationNotFoundError',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: 'none',
      }),
    );
    mockListing(s3, [{ versions: [1, 2, 3, 4, 5].map((i) => version(`k${i}`, `v${i}`)) }]);
  });

  it('shows the estimate after the plan and journals it in the genesis (a dry-run)', async () => {
    const opts = options({ dryRun: true, yes: false });
    const { env, said } = testEnv();
    const result = await runRunbook(opts, env);
    expect(said[0]).toMatch(
      /\n\nEstimated AWS cost: <\$0\.01; prices: drp's price table of \d{4}-\d\d-\d\d \(us-east-1 list prices\)\n {2}\+ legal-holds: 5 PutObjectLegalHold requests x \$0\.005\/1,000 requests = <\$0\.01 .*\n {2}! table price for s3\.request\.tier1: DRP_PRICE_LIST=off\n/,
    );
    const genesis = verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl'))).entries[0]!;
    expect(genesis.estimate).toMatchObject({
      totalUsd: 0.000025,
      source: 'table',
      items: [{ stepId: 'legal-holds', units: 5 }],
    });
    expect(result.json).toMatchObject({ estimate: { totalUsd: 0.000025 } });
    expect(result.text).toMatch(/estimated AWS cost: <\$0\.01; prices: drp's price table/);
  });

  it('refuses a plan over --max-cost with exit 2 before any change or journal, after showing the plan', async () => {
    const opts = options({ maxCost: 0 });
    const { env, said } = testEnv();
    await expect(runRunbook(opts, env)).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(
        /^--max-cost 0: the plan's estimated AWS cost is <\$0\.01, over the limit; nothing was changed/,
      ),
      details: ['legal-holds: <$0.01 for 5 PutObjectLegalHold requests'],
    });
    expect(said[0]).toMatch(/Estimated AWS cost/);
    expect(s3).toHaveReceivedCommandTimes(PutBucketVersioningCommand, 0);
    expect(s3).toHaveReceivedCommandTimes(PutObjectLegalHoldCommand, 0);
    expect(existsSync(join(opts.evidenceDir!, 'journal.jsonl'))).toBe(false);
  });
});

describe('drp run --notify-topic', () => {
  beforeEach(() => {
    for (const c of [s3, sts, sns]) c.reset();
    stubCaller(sts);
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: false },
    });
    s3.on(PutPublicAccessBlockCommand).resolves({ $metadata: { requestId: 'R1' } });
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { SubscriptionsConfirmed: '1' } });
  });

  it('tells the topic when the plan is approved and when the bucket is contained, with the journal head', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'M' });
    const opts = options({ runbook: runbookFile(BPA), notifyTopics: [TOPIC] });
    const result = await runRunbook(opts, testEnv().env);
    expect(result.exitCode).toBe(0);
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.Subject)).toEqual([
      expect.stringMatching(/^drp INC-[\w-]+: PLAN APPROVED$/),
      expect.stringMatching(/^drp INC-[\w-]+: CONTAINED$/),
    ]);
    const contained = JSON.parse(JSON.parse(published[1]!.Message!).sqs) as {
      journal: { head: string };
      lines: string[];
    };
    const entries = verifyJournal(readFileSync(join(opts.evidenceDir!, 'journal.jsonl'))).entries;
    // Sent once block-public-access's result was journaled: its head is that entry's, not the seal's.
    expect(entries.map((e) => e.type)).toEqual(['genesis', 'intent', 'result', 'seal']);
    expect(contained.journal.head).toMatch(/^[0-9a-f]{64}$/);
    expect(contained.lines).toContain('Done: block-public-access');
    expect(result.text).toMatch(/notifications: 2 of 2 sent/);
  });

  it('never fails the run on a failed publish: the summary says it', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));
    const result = await runRunbook(
      options({ runbook: runbookFile(BPA), notifyTopics: [TOPIC] }),
      testEnv().env,
    );
    expect(result.exitCode).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(PutPublicAccessBlockCommand, 1);
    expect(result.text).toMatch(
      /notifications: 0 of 2 sent\n {2}NOTIFY FAILED \(approved\) arn:aws:sns:us-east-1:123456789012:incident-team: NotFoundException: Topic does not exist/,
    );
  });

  it('sends nothing on a dry-run, but checks the topic read-only and says what it found', async () => {
    sns
      .on(GetTopicAttributesCommand)
      .rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFound' }));
    const { env, said } = testEnv();
    await runRunbook(
      options({ runbook: runbookFile(BPA), notifyTopics: [TOPIC], dryRun: true, yes: false }),
      env,
    );
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(said[0]).toContain(`! --notify-topic ${TOPIC}: the topic does not exist: no message will arrive`);
  });

  it('refuses a --notify-topic that is not an SNS topic ARN before any AWS call (exit 2)', async () => {
    await expect(
      runRunbook(options({ notifyTopics: ['arn:aws:sqs:us-east-1:123456789012:queue'] }), testEnv().env),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/^--notify-topic arn:aws:sqs:.*expected an SNS topic ARN/),
    });
    expect(sts.calls()).toHaveLength(0);
  });
});
