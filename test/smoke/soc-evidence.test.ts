import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { EnableSecurityHubCommand, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, ec2, logs, securityhub } = emulatorClients(endpoint);
const ACCT = '123456789012';
const BUCKET = 'product-media-prod';
const FLOW_BUCKET = 'net-flow-logs';
const GROUP = '/vpc/flow-b';
const EVIDENCE = `drp-evidence-${ACCT}-us-east-1`;
const INCIDENT = 'INC-SMOKE-SOC';
const PREFIX = `incidents/${INCIDENT}/`;

const pad = (n: number) => String(n).padStart(2, '0');
const now = Date.now();
const hoursAgo = (h: number) => new Date(now - h * 3_600_000);
const day = (t: Date) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())}`;
const stamp = (t: Date) =>
  `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}T${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}Z`;
/** Where a flow log publishing to s3://net-flow-logs puts a file (Amazon VPC User Guide). */
const flowFile = (id: string, t: Date) =>
  `AWSLogs/${ACCT}/vpcflowlogs/us-east-1/${day(t)}/${ACCT}_vpcflowlogs_us-east-1_${id}_${stamp(t)}_5f3c2a1b.log.gz`;

// --since 2d: 1, 20 and 46 hours ago are inside the window; 50 and 100 hours ago are not.
const INSIDE = [1, 20, 46].map(hoursAgo);
const OUTSIDE = [50, 100].map(hoursAgo);

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: EVIDENCE, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

interface JournalEntry {
  type: string;
  prev: string;
  stepId?: string;
  name?: string;
  path?: string;
  sha256?: string;
  notes?: string[];
  plan?: { notes?: string[] };
}

describe('drp preserve: the SOC evidence (flow logs, Security Hub, the archive) against the emulator', () => {
  const evidenceDir = join(scratch(), 'ev');
  let flowLogA = '';
  const seeded: Record<string, string> = {};
  let journal: JournalEntry[] = [];
  let stdout = '';

  beforeAll(async () => {
    for (const b of [BUCKET, FLOW_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'deepfake.png', Body: 'synthetic' }));
    const vpcA = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const vpcB = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc!.VpcId!;
    const vpcC = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc!.VpcId!;
    // VPC A publishes to S3 (moto takes no key prefix in the destination), VPC B to CloudWatch Logs.
    flowLogA = (
      await ec2.send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [vpcA],
          TrafficType: 'ALL',
          LogDestinationType: 's3',
          LogDestination: `arn:aws:s3:::${FLOW_BUCKET}`,
        }),
      )
    ).FlowLogIds![0]!;
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'eni-0b1c2d3e-all' }));
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'eni-0b1c2d3e-all',
        logEvents: [
          {
            timestamp: hoursAgo(60).getTime(),
            message: '2 123456789012 eni-0b1c2d3e 10.2.0.9 198.51.100.7 OUTSIDE',
          },
          {
            timestamp: hoursAgo(3).getTime(),
            message: '2 123456789012 eni-0b1c2d3e 10.2.0.9 203.0.113.5 INSIDE',
          },
        ],
      }),
    );
    await ec2.send(
      new CreateFlowLogsCommand({
        ResourceType: 'VPC',
        ResourceIds: [vpcB],
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: GROUP,
        DeliverLogsPermissionArn: `arn:aws:iam::${ACCT}:role/flow-logs-delivery`,
      }),
    );
    // moto writes no flow log files: they are seeded where VPC Flow Logs would put them, with a
    // file of another VPC's flow log in the same bucket, which is not this incident's evidence.
    for (const t of [...INSIDE, ...OUTSIDE]) {
      const key = flowFile(flowLogA, t);
      seeded[key] = `gzip of ${key}`;
    }
    seeded[flowFile('fl-0ther0000', INSIDE[0]!)] = 'another VPC';
    for (const [key, body] of Object.entries(seeded))
      await s3.send(new PutObjectCommand({ Bucket: FLOW_BUCKET, Key: key, Body: body }));
    await securityhub.send(new EnableSecurityHubCommand({}));

    const out = await runDrp(
      [
        '--incident',
        INCIDENT,
        'preserve',
        '--bucket',
        BUCKET,
        '--since',
        '2d',
        '--vpc',
        `${vpcA},${vpcB}`,
        '--vpc',
        vpcC,
        '--archive-after-days',
        '45',
        '--yes',
        '--evidence-dir',
        evidenceDir,
      ],
      { endpoint },
    );
    stdout = out.stdout;
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    journal = readFileSync(join(evidenceDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const envelope = JSON.parse(line) as { payload: string };
        return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as JournalEntry;
      });
  });

  it("holds exactly the in-window files of the VPC's own flow log, each under a legal hold", async () => {
    const inside = INSIDE.map((t) => flowFile(flowLogA, t));
    const copies = inside.map((k) => `${PREFIX}flow-logs/${FLOW_BUCKET}/${k}`).sort();
    expect(await keysUnder(`${PREFIX}flow-logs/${FLOW_BUCKET}/`)).toEqual(copies);
    for (const key of copies)
      expect(
        (await s3.send(new GetObjectLegalHoldCommand({ Bucket: EVIDENCE, Key: key }))).LegalHold?.Status,
      ).toBe('ON');
  });

  it('hashes every copy in a manifest whose own SHA-256 is in the journal', () => {
    const entry = journal.find((e) => e.type === 'artefact' && e.name === 'flow-logs-manifest.jsonl')!;
    const text = readFileSync(join(evidenceDir, entry.path!), 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(entry.sha256);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; sha256: string });
    expect(lines).toHaveLength(3);
    for (const l of lines) {
      const body = seeded[l.source.replace(`s3://${FLOW_BUCKET}/`, '')]!;
      expect(l.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
  });

  it("exports the CloudWatch Logs group's window into the evidence bucket, copied and held", async () => {
    const copies = (await keysUnder(`${PREFIX}flow-logs/cloudwatch/`)).filter((k) => k.endsWith('.gz'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(
      /^incidents\/INC-SMOKE-SOC\/flow-logs\/cloudwatch\/vpc_flow-b\/\d+-\d+\/[^/]+\/eni-0b1c2d3e-all\/000000\.gz$/,
    );
    expect(
      (await s3.send(new GetObjectLegalHoldCommand({ Bucket: EVIDENCE, Key: copies[0] }))).LegalHold?.Status,
    ).toBe('ON');
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: EVIDENCE, Key: copies[0] }))
    ).Body!.transformToByteArray();
    const text = gunzipSync(Buffer.from(body)).toString('utf8');
    expect(text).toMatch(/INSIDE/);
    expect(text).not.toMatch(/OUTSIDE/);
    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: EVIDENCE }))).Policy!) as {
      Statement: { Principal: unknown; Action: string; Resource: string }[];
    };
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${EVIDENCE}/${PREFIX}flow-logs/cloudwatch-export/*`,
      }),
    );
  });

  it('says a VPC without flow logs is missing evidence, with the command that turns them on', () => {
    expect(stdout).toMatch(
      /evidence is missing: VPC vpc-[0-9a-f]+ has no flow log.*aws ec2 create-flow-logs/,
    );
  });

  it("imports the incident into Security Hub under the account's default product, with the journal's head", async () => {
    const { Findings } = await securityhub.send(new GetFindingsCommand({}));
    const finding = Findings!.find((f) => f.Id === `drp/${INCIDENT}/incident`)!;
    expect(finding).toMatchObject({
      ProductArn: `arn:aws:securityhub:us-east-1:${ACCT}:product/${ACCT}/default`,
      AwsAccountId: ACCT,
      Severity: { Label: 'HIGH' },
      ProductFields: expect.objectContaining({ 'drp/EvidenceLocation': `s3://${EVIDENCE}/${PREFIX}` }),
    });
    expect(finding.Resources!.map((r) => r.Type)).toEqual([
      'AwsS3Bucket',
      'AwsEc2Vpc',
      'AwsEc2Vpc',
      'AwsEc2Vpc',
    ]);
    // The head it names is the chain's: the entry after the step's intent carries it as its prev.
    const result = journal.find((e) => e.type === 'result' && e.stepId === 'securityhub-report')!;
    expect(finding.ProductFields!['drp/JournalHead']).toBe(result.prev);
  });

  it('archives the incident prefix to Glacier after 45 days with a transition-only rule', async () => {
    const { Rules } = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: EVIDENCE }));
    expect(Rules).toEqual([
      expect.objectContaining({
        ID: `drp-archive-${INCIDENT}`,
        Status: 'Enabled',
        Filter: { Prefix: PREFIX },
        Transitions: [expect.objectContaining({ Days: 45, StorageClass: 'GLACIER' })],
      }),
    ]);
    expect(Rules![0]!.Expiration).toBeUndefined();
  });

  it('a second run of the incident copies nothing again and plans no archive change', async () => {
    const again = await runDrp(
      [
        '--incident',
        INCIDENT,
        'preserve',
        '--bucket',
        BUCKET,
        '--since',
        '2d',
        '--archive-after-days',
        '45',
        '--dry-run',
        '--evidence-dir',
        join(scratch(), 'ev2'),
      ],
      { endpoint },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/put-lifecycle-configuration/);
  });
});
