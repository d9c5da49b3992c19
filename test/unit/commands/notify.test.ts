import {
  AuthorizationErrorException,
  GetTopicAttributesCommand,
  KMSAccessDeniedException,
  NotFoundException,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createNotifier,
  messageOf,
  notifyLines,
  subjectOf,
  type Notice,
} from '../../../src/commands/notify.js';
import { silentLogger } from '../../../src/log.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:incident-team';
const FIFO = 'arn:aws:sns:us-east-1:123456789012:incident-team.fifo';

const NOTICE: Notice = {
  event: 'contained',
  outcome: 'PARTIALLY CONTAINED: 1 open',
  incidentId: 'INC-7',
  accountId: '123456789012',
  region: 'us-east-1',
  lines: ['Done: block-public-access', 'Still open:', '  scp-deny (org-scp-deny): failed: AccessDenied'],
  journal: { path: '/ev/INC-7/journal.jsonl', head: 'a'.repeat(64), entries: 9 },
  report: 'drp report /ev/INC-7/journal.jsonl --out report.html',
  deadline: '2026-11-28 02:40:00 UTC',
  time: '2026-11-25T03:00:00.000Z',
};

const notifier = async (...topics: string[]) => (await createNotifier(topics, {}, silentLogger, true))!;

describe('notifications to SNS topics', () => {
  beforeEach(() => sns.reset());

  it('publishes one message per topic with a body per kind of subscriber, in the topic region', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'M1' });
    const n = await notifier(TOPIC);
    n.send(NOTICE);
    expect(await n.settle()).toEqual([{ topic: TOPIC, event: 'contained', ok: true, messageId: 'M1' }]);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'drp INC-7: PARTIALLY CONTAINED: 1 open',
      MessageStructure: 'json',
    });
    expect(input.MessageGroupId).toBeUndefined();
    const bodies = JSON.parse(input.Message!) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sms', 'sqs']);
    expect(bodies.default).toContain('Still open:\n  scp-deny (org-scp-deny): failed: AccessDenied');
    expect(bodies.default).toContain(`Journal: /ev/INC-7/journal.jsonl (9 entries, head ${'a'.repeat(64)})`);
    expect(JSON.parse(bodies.sqs!)).toMatchObject({
      source: 'drp',
      event: 'contained',
      incidentId: 'INC-7',
      journal: NOTICE.journal,
    });
    expect(JSON.parse(bodies.https!)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    const region = await sns.commandCalls(PublishCommand)[0]!.thisValue.config.region();
    expect(region).toBe('eu-west-1');
  });

  it('gives a FIFO topic the incident as message group and a deduplication id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'M2' });
    const n = await notifier(FIFO);
    n.send(NOTICE);
    await n.settle();
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      MessageGroupId: 'INC-7',
      MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('keeps a subject within SNS rules: printable ASCII, at most 100 characters', () => {
    const long = subjectOf({ ...NOTICE, outcome: `STEP FAILED: ${'x'.repeat(120)}\u00e9\n` });
    expect(long).toHaveLength(100);
    expect(long).toMatch(/^[\x20-\x7e]+$/);
    expect(messageOf(NOTICE).bodies.sms).toBe('drp INC-7: PARTIALLY CONTAINED: 1 open');
  });

  it('turns a failed publish into a result and a summary line, never an exception (a KMS-encrypted topic the caller cannot use)', async () => {
    sns.on(PublishCommand).rejects(
      new KMSAccessDeniedException({
        message: 'User is not authorized to perform kms:GenerateDataKey',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const n = await notifier(TOPIC);
    n.send(NOTICE);
    const results = await n.settle();
    expect(results).toEqual([
      {
        topic: TOPIC,
        event: 'contained',
        ok: false,
        error: expect.stringMatching(
          /^KMSAccessDeniedException: User is not authorized to perform kms:GenerateDataKey/,
        ),
      },
    ]);
    expect(notifyLines(results)).toEqual([
      'notifications: 0 of 1 sent',
      expect.stringMatching(
        /^ {2}NOTIFY FAILED \(contained\) arn:aws:sns:eu-west-1:123456789012:incident-team: KMSAccessDeniedException/,
      ),
    ]);
  });

  it('sends one topic its messages in order, one after another', async () => {
    const order: string[] = [];
    sns.on(PublishCommand).callsFake(async (input: { Subject?: string }) => {
      await new Promise((r) => setTimeout(r, input.Subject?.includes('approved') ? 20 : 0));
      order.push(input.Subject!);
      return { MessageId: 'M' };
    });
    const n = await notifier(TOPIC);
    n.send({ ...NOTICE, event: 'approved', outcome: 'approved' });
    n.send({ ...NOTICE, event: 'contained', outcome: 'CONTAINED' });
    await n.settle();
    expect(order).toEqual(['drp INC-7: approved', 'drp INC-7: CONTAINED']);
  });

  it('checks each topic read-only before the plan is approved: a missing topic, no subscriber, a KMS key, no access', async () => {
    sns
      .on(GetTopicAttributesCommand, { TopicArn: TOPIC })
      .rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} }));
    sns.on(GetTopicAttributesCommand, { TopicArn: FIFO }).resolves({
      Attributes: { SubscriptionsConfirmed: '0', KmsMasterKeyId: 'alias/team' },
    });
    const other = 'arn:aws:sns:us-east-1:123456789012:other';
    sns.on(GetTopicAttributesCommand, { TopicArn: other }).rejects(
      new AuthorizationErrorException({
        message: 'not authorized to perform: SNS:GetTopicAttributes',
        $metadata: {},
      }),
    );
    const notes = await (await notifier(TOPIC, FIFO, other)).check();
    expect(notes).toEqual([
      `--notify-topic ${TOPIC}: the topic does not exist: no message will arrive`,
      `--notify-topic ${FIFO}: the topic has no confirmed subscription`,
      `--notify-topic ${FIFO}: encrypted with alias/team: publishing needs kms:GenerateDataKey* and kms:Decrypt on it`,
      expect.stringMatching(
        /^--notify-topic arn:aws:sns:us-east-1:123456789012:other: cannot check the topic \(AuthorizationErrorException: not authorized/,
      ),
    ]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});
