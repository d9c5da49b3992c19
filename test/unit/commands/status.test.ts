import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { status } from '../../../src/commands/status.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';
import { INCIDENT, writeRun } from '../../support/report-journals.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:incident-team';

/** The incident's folder as drp leaves it: the run, and what `drp restore` wrote beside it. */
async function incident(opts: { scpFails?: boolean; restoreBpaAt?: string; dryRunOnly?: boolean } = {}) {
  const dir = join(scratch(), 'evidence', INCIDENT);
  await writeRun(
    {
      dryRun: opts.dryRunOnly,
      steps: [
        { id: 'snapshot', type: 's3-snapshot-config' },
        { id: 'block-public-access', type: 's3-block-public-access' },
        { id: 'object-lock', type: 's3-object-lock' },
        {
          id: 'scp-deny',
          type: 'org-scp-deny',
          onError: 'continue',
          ...(opts.scpFails
            ? {
                fails: {
                  error: Object.assign(new Error('You are not authorized'), {
                    name: 'AccessDeniedException',
                  }),
                },
              }
            : {}),
        },
        { id: 'preserve-cloudtrail-logs', type: 'preserve-cloudtrail-logs' },
      ],
    },
    dir,
  );
  if (opts.restoreBpaAt) {
    const at = () => new Date(opts.restoreBpaAt!);
    const signer = testSigner();
    const journal = JournalWriter.create(join(dir, 'restore-1'), signer, at);
    await journal.append('genesis', {
      signer: { publicKeyPem: signer.publicKeyPem, fingerprint: signer.fingerprint },
      command: 'restore',
      incidentId: INCIDENT,
      dryRun: false,
      restoreOf: {},
    });
    await journal.append('intent', {
      stepId: 'block-public-access',
      stepType: 's3-block-public-access',
      plan: {},
    });
    await journal.append('restore', {
      stepId: 'block-public-access',
      stepType: 's3-block-public-access',
      outcome: 'applied',
    });
    await journal.seal({ outcome: 'completed' });
    journal.close();
  }
  return dir;
}

const at = (iso: string) => testEnv({ incidentId: INCIDENT, now: () => new Date(iso) }).env;

describe('drp status', () => {
  beforeEach(() => sns.reset());

  it('says what is contained, what is open (with the error), the evidence, and the time left on the 72-hour clock', async () => {
    const dir = await incident({ scpFails: true });
    const result = await status({ evidenceDir: dir, notifyTopics: [] }, at('2026-11-25T05:40:00.000Z'));
    expect(result.exitCode).toBe(0);
    expect(result.text).toMatch(
      /GDPR Art\. 33 clock: detected 2026-11-25 02:40:00 UTC; notify by 2026-11-28 02:40:00 UTC: 69 h 00 min left/,
    );
    expect(result.text).toMatch(
      /Contained \(2\):\n.*\n.*\nblock-public-access +s3-block-public-access +applied +contain\nobject-lock/,
    );
    expect(result.text).toMatch(
      /OPEN \(1\):\n.*\n.*\nscp-deny +org-scp-deny +failed: AccessDeniedException: You are not authorized/,
    );
    expect(result.text).toMatch(/Evidence preserved \(2\):/);
    expect(result.json).toMatchObject({
      incidentId: INCIDENT,
      rehearsalOnly: false,
      clock: { detectedAt: '2026-11-25T02:40:00.000Z', deadline: '2026-11-28T02:40:00.000Z' },
    });
  });

  it('counts a control undone by drp restore as open again', async () => {
    const dir = await incident({ restoreBpaAt: '2026-11-25T04:00:00.000Z' });
    const result = await status({ evidenceDir: dir, notifyTopics: [] }, at('2026-11-25T05:00:00.000Z'));
    expect(result.text).toMatch(
      /OPEN \(1\):\n.*\n.*\nblock-public-access +s3-block-public-access +undone by drp restore: restore journal .*restore-1\/journal\.jsonl +restore/,
    );
    expect(result.text).toMatch(
      /Journals:\n(.*\n){2}.*journal\.jsonl +contain +completed +yes +[0-9a-f]{64}\n.*restore-1\/journal\.jsonl +restore +completed +yes/,
    );
  });

  it('exits 1 when a journal fails verification, naming the line', async () => {
    const dir = await incident();
    appendFileSync(join(dir, 'journal.jsonl'), '{"payload":"tampered"}\n');
    const result = await status({ evidenceDir: dir, notifyTopics: [] }, at('2026-11-25T05:00:00.000Z'));
    expect(result.exitCode).toBe(1);
    expect(result.text).toMatch(/contain +completed +NO: line 13: entry after the seal/);
  });

  it('says when only dry-runs were made', async () => {
    const dir = await incident({ dryRunOnly: true });
    const result = await status({ evidenceDir: dir, notifyTopics: [] }, at('2026-11-25T05:00:00.000Z'));
    expect(result.text).toMatch(/Only dry-runs so far: nothing has been applied\./);
    expect(result.json).toMatchObject({ rehearsalOnly: true, steps: [] });
  });

  it('tells the team once the deadline is under 24 hours away, with the journal head and the report command', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'M' });
    const dir = await incident({ scpFails: true });
    const result = await status({ evidenceDir: dir, notifyTopics: [TOPIC] }, at('2026-11-27T10:40:00.000Z'));
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: `drp ${INCIDENT}: GDPR DEADLINE IN 16 h 00 min`,
    });
    const notice = JSON.parse(JSON.parse(input.Message!).sqs) as Record<string, unknown>;
    expect(notice).toMatchObject({
      event: 'deadline',
      accountId: '123456789012',
      region: 'eu-central-1',
      deadline: '2026-11-28 02:40:00 UTC',
      journal: {
        head: expect.stringMatching(/^[0-9a-f]{64}$/),
        path: expect.stringMatching(/journal\.jsonl$/),
      },
      report: expect.stringMatching(/^drp report \/.*journal\.jsonl --out report\.html$/),
      lines: [expect.any(String), 'Contained: 2 step(s); open: scp-deny (failed)'],
    });
    expect(result.text).toMatch(/notifications: 1 of 1 sent/);
  });

  it('sends nothing while more than 24 hours are left', async () => {
    const dir = await incident();
    await status({ evidenceDir: dir, notifyTopics: [TOPIC] }, at('2026-11-26T02:00:00.000Z'));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('refuses a folder without journals, and a bad --notify-topic, with exit 2', async () => {
    await expect(
      status({ evidenceDir: scratch(), notifyTopics: [] }, at('2026-11-25T05:00:00Z')),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/holds no journal\.jsonl$/),
    });
    const file = join(scratch(), 'not-a-dir');
    appendFileSync(file, 'x');
    await expect(
      status({ evidenceDir: file, notifyTopics: [] }, at('2026-11-25T05:00:00Z')),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/^--evidence-dir .*not-a-dir: not a directory/),
    });
    await expect(status({ notifyTopics: ['sns-topic'] }, at('2026-11-25T05:00:00Z'))).rejects.toMatchObject({
      name: 'UserError',
      message: expect.stringMatching(/^--notify-topic sns-topic: expected an ARN/),
    });
  });
});
