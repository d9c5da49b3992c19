import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, organizations } = emulatorClients(endpoint);
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
};
const sns = new SNSClient(config);
const sqs = new SQSClient(config);
const bucket = 'leaked-media';
const INCIDENT = 'INC-NOTIFY-1';

interface Delivered {
  subject: string;
  notice: {
    event: string;
    outcome: string;
    incidentId: string;
    lines: string[];
    journal: { path: string; head: string; entries: number };
    report: string;
  };
}

/** Every message the queue subscribed to the topic holds now: SNS's envelope, and drp's notice in it. */
async function drain(queueUrl: string): Promise<Delivered[]> {
  const all: Delivered[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (!out.Messages?.length) return all;
    for (const m of out.Messages) {
      const envelope = JSON.parse(m.Body!) as { Subject: string; Message: string };
      all.push({ subject: envelope.Subject, notice: JSON.parse(envelope.Message) as Delivered['notice'] });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

describe('drp contain --notify-topic, then drp status, on the emulator', () => {
  let topic: string;
  let queueUrl: string;
  const cwd = scratch();

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'clip.mp4', Body: 'x' }));
    await seedOrganization(organizations);
    topic = (await sns.send(new CreateTopicCommand({ Name: 'incident-team' }))).TopicArn!;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'incident-team-inbox' }))).QueueUrl!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }),
    );
  });

  it('tells the team at approval, once contained (with what is open) and when the evidence is preserved', async () => {
    // Detected 60 hours ago: 12 hours left on the clock.
    const detectedAt = new Date(Date.now() - 60 * 3_600_000).toISOString();
    const out = await runDrp(
      [
        'contain',
        '--bucket',
        bucket,
        '--incident',
        INCIDENT,
        '--detected-at',
        detectedAt,
        '--notify-topic',
        topic,
        '--yes',
      ],
      { endpoint, cwd },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/notifications: 3 of 3 sent/);
    // moto has no Price List API: the plan says the table priced it, and why.
    expect(out.stdout).toMatch(
      /\n {2}! table price for s3\.request\.tier1.*: the endpoint does not serve the Price List API\n/,
    );
    const messages = await drain(queueUrl);
    expect(messages.map((m) => m.subject)).toEqual([
      `drp ${INCIDENT}: PLAN APPROVED`,
      `drp ${INCIDENT}: CONTAINED`,
      `drp ${INCIDENT}: EVIDENCE PRESERVED`,
    ]);
    const [approved, contained, evidence] = messages.map((m) => m.notice);
    expect(approved!.lines[1]).toMatch(
      /^Estimated AWS cost: <\$0\.01; prices: drp's price table of .*\(us-east-1 list prices\)/,
    );
    expect(contained!.lines).toEqual(
      expect.arrayContaining([
        // Containment ends with the locks, before the first step that writes evidence.
        expect.stringMatching(/^Done: block-public-access, .*deny-policy, .*object-lock, legal-holds$/),
        // The emulator's account is the organization's management account, which SCPs never restrict.
        expect.stringMatching(
          /^Not applicable: scp-deny \(org-scp-deny\): not-applicable: account \d{12} is the organization's management account/,
        ),
        expect.stringMatching(/^ {2}evidence preservation: \d+ step\(s\) still to run$/),
        expect.stringMatching(/^Time left to notify \(GDPR Art\. 33\): 1[12] h \d\d min left$/),
      ]),
    );
    const journal = join(cwd, 'evidence', INCIDENT, 'journal.jsonl');
    expect(evidence).toMatchObject({ incidentId: INCIDENT, journal: { path: journal } });
    expect(evidence!.report).toMatch(
      new RegExp(`^drp report ${journal} --out report\\.html; anchored at s3://`),
    );
    // The last message carries the sealed journal's head: what drp verify and the anchor show.
    expect(evidence!.journal.head).toMatch(/^[0-9a-f]{64}$/);
    expect(contained!.journal.entries).toBeLessThan(evidence!.journal.entries);
  });

  it('drp status says what is contained and the time left, and with --notify-topic warns the team under 24 h', async () => {
    const out = await runDrp(['status', '--incident', INCIDENT, '--notify-topic', topic], { endpoint, cwd });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/GDPR Art\. 33 clock: detected .*; notify by .*: 1[12] h \d\d min left/);
    expect(out.stdout).toMatch(/Contained \(\d+\):[\s\S]*deny-policy +s3-deny-policy +applied +contain/);
    expect(out.stdout).toMatch(/Evidence preserved \(\d+\):/);
    expect(out.stdout).toMatch(/notifications: 1 of 1 sent/);
    const [warning, ...more] = await drain(queueUrl);
    expect(more).toEqual([]);
    expect(warning!.subject).toMatch(new RegExp(`^drp ${INCIDENT}: GDPR DEADLINE IN 1[12] h \\d\\d min$`));
    expect(warning!.notice.event).toBe('deadline');
  });
});
