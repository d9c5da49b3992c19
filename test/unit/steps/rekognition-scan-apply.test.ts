import {
  DetectCustomLabelsCommand,
  DetectModerationLabelsCommand,
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { HeadBucketCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotImplementedByEndpoint } from '../../../src/aws/unavailable.js';
import type { Progress } from '../../../src/output/progress.js';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type ScanParams } from '../../../src/steps/rekognition-scan.js';
import { awsError, MODEL_ARN, PROJECT_ARN, version } from '../../support/scan-fixtures.js';
import { testContext, testPorts } from '../../support/step-context.js';

const s3 = mockClient(S3Client);
const rekognition = mockClient(RekognitionClient);
const base: ScanParams = {
  bucket: 'media',
  prefix: '',
  since: '',
  minConfidence: 80,
  labels: [],
  customLabelsModel: '',
  customLabels: [],
  maxTps: 1000,
  enabled: true,
};

const moderation = (...labels: [string, number, string?][]) => ({
  ModerationLabels: labels.map(([Name, Confidence, ParentName]) => ({ Name, Confidence, ParentName })),
  ModerationModelVersion: '7.0',
  $metadata: { requestId: 'req' },
});

/** Plans read-only as the executor does, then applies; returns the result and what was written. */
async function scan(params: Partial<ScanParams> = {}, settings: { concurrency?: number } = {}) {
  const p = { ...base, ...params };
  const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, p);
  const ticks: number[] = [];
  const progress: Progress = {
    start: (_label, total) => {
      ticks.push(total ?? -1);
      return { tick: () => void ticks.push(0), done: () => undefined };
    },
  };
  const { ctx, artefacts } = testContext({ progress });
  if (settings.concurrency) Object.assign(ctx.settings, { concurrency: settings.concurrency });
  const outcome = await step.apply(ctx, p, plan).catch((err: unknown) => err);
  const lines = (name: string) =>
    (artefacts.find((a) => a.name === name)?.content ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    outcome,
    findings: lines('findings-step.jsonl'),
    notScanned: lines('not-scanned-step.jsonl'),
    ticks,
  };
}

describe('rekognition-scan apply', () => {
  beforeEach(() => {
    s3.reset();
    rekognition.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [version('a.jpg'), version('b.png'), version('c.jpg'), version('notes.txt')],
    });
    rekognition.on(DetectModerationLabelsCommand).resolves(moderation());
  });

  it('calls DetectModerationLabels by S3 reference on the exact version, with the threshold', async () => {
    await scan();
    expect(rekognition).toHaveReceivedCommandTimes(DetectModerationLabelsCommand, 3);
    expect(rekognition).toHaveReceivedCommandWith(DetectModerationLabelsCommand, {
      Image: { S3Object: { Bucket: 'media', Name: 'b.png', Version: 'v-b.png' } },
      MinConfidence: 80,
    });
  });

  it('names each finding by its exact key, whatever characters it holds (S3 lists them URL-encoded)', async () => {
    const keys = [
      'clips/a b.jpg',
      'ünï/🎭.png',
      '../../x.jpg',
      'cr\rkey.jpg',
      `long/${'x'.repeat(1015)}.jpg`,
    ];
    s3.on(ListObjectVersionsCommand).resolves({
      EncodingType: 'url',
      Versions: keys.map((key, i) => ({
        ...version(key, { versionId: `v${i}` }),
        Key: encodeURIComponent(key).replace(/%20/g, '+'),
      })),
    });
    rekognition.on(DetectModerationLabelsCommand).resolves(moderation(['Explicit Nudity', 99]));
    const { findings } = await scan();
    // Findings come in the order the concurrent calls finish: compare them as a set.
    expect(findings.map((f) => f.key).sort()).toEqual([...keys].sort());
    for (const [i, key] of keys.entries())
      expect(rekognition).toHaveReceivedCommandWith(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: key, Version: `v${i}` } },
      });
  });

  it('makes a finding of a label at or above the threshold, and not of one just below', async () => {
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'a.jpg', Version: 'v-a.jpg' } },
      })
      .resolves(moderation(['Violence', 80], ['Weapons', 79.99, 'Violence']));
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'b.png', Version: 'v-b.png' } },
      })
      .resolves(moderation(['Explicit Nudity', 79.9]));
    const { outcome, findings } = await scan();
    expect(findings).toEqual([
      {
        bucket: 'media',
        key: 'a.jpg',
        versionId: 'v-a.jpg',
        etag: '"etag-a.jpg"',
        size: 1024,
        lastModified: '2026-11-24T12:00:00.000Z',
        labels: [{ name: 'Violence', confidence: 80, source: 'moderation' }],
        models: { moderation: '7.0' },
        requestIds: ['req'],
      },
    ]);
    expect(outcome).toMatchObject({
      changes: [
        {
          action: 'scan-images',
          target: 's3://media/',
          detail: '3 image(s) scanned, 1 with findings',
          count: 3,
        },
      ],
      data: {
        scanned: 3,
        calls: 3,
        withFindings: 1,
        byLabel: { Violence: 1 },
        top: [{ key: 'a.jpg', versionId: 'v-a.jpg', label: 'Violence', confidence: 80 }],
        skipped: { 'not JPEG or PNG': 1 },
        findings: { name: 'findings-step.jsonl' },
      },
    });
  });

  it('with --labels, keeps only those labels and their sub-labels, ignoring case', async () => {
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'a.jpg', Version: 'v-a.jpg' } },
      })
      .resolves(moderation(['Explicit Nudity', 99], ['Nudity', 98, 'Explicit Nudity'], ['Violence', 97]));
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'b.png', Version: 'v-b.png' } },
      })
      .resolves(moderation(['Violence', 99]));
    const { findings, outcome } = await scan({ labels: ['explicit nudity'] });
    expect(findings.map((f) => [f.key, (f.labels as { name: string }[]).map((l) => l.name)])).toEqual([
      ['a.jpg', ['Explicit Nudity', 'Nudity']],
    ]);
    expect(outcome).toMatchObject({ data: { byLabel: { 'Explicit Nudity': 1, Nudity: 1 } } });
  });

  it('ranks the top objects by their most confident label, and counts objects per label', async () => {
    const answers: Record<string, [string, number][]> = {
      'a.jpg': [['Violence', 85]],
      'b.png': [
        ['Violence', 99.5],
        ['Explicit Nudity', 90],
      ],
      'c.jpg': [['Explicit Nudity', 92]],
    };
    for (const [key, labels] of Object.entries(answers))
      rekognition
        .on(DetectModerationLabelsCommand, {
          Image: { S3Object: { Bucket: 'media', Name: key, Version: `v-${key}` } },
        })
        .resolves(moderation(...labels));
    const { outcome } = await scan();
    const applied = outcome as { data: { byLabel: unknown; top: unknown }; notes: string[] };
    expect(applied.data.byLabel).toEqual({ 'Explicit Nudity': 2, Violence: 2 });
    expect(applied.data.top).toEqual([
      { key: 'b.png', versionId: 'v-b.png', label: 'Violence', confidence: 99.5 },
      { key: 'c.jpg', versionId: 'v-c.jpg', label: 'Explicit Nudity', confidence: 92 },
      { key: 'a.jpg', versionId: 'v-a.jpg', label: 'Violence', confidence: 85 },
    ]);
    expect(applied.notes.slice(0, 3)).toEqual([
      'scanned 3 image(s) with 3 Rekognition call(s): 3 with labels at or above 80%',
      'by label: Explicit Nudity 2, Violence 2',
      'top 1: s3://media/b.png (version v-b.png) Violence 99.5%',
    ]);
  });

  it('with a custom labels model, also calls DetectCustomLabels on the same version and records its labels', async () => {
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [{ ProjectArn: PROJECT_ARN }] });
    rekognition
      .on(DescribeProjectVersionsCommand)
      .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: MODEL_ARN, Status: 'RUNNING' }] });
    rekognition.on(DetectCustomLabelsCommand).resolves({ CustomLabels: [], $metadata: {} });
    rekognition
      .on(DetectCustomLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'c.jpg', Version: 'v-c.jpg' } },
      })
      .resolves({
        CustomLabels: [{ Name: 'synthetic-face', Confidence: 91.2 }],
        $metadata: { requestId: 'creq' },
      });
    const { findings, outcome } = await scan({ customLabelsModel: MODEL_ARN });
    expect(rekognition).toHaveReceivedCommandTimes(DetectCustomLabelsCommand, 3);
    expect(rekognition).toHaveReceivedCommandWith(DetectCustomLabelsCommand, {
      ProjectVersionArn: MODEL_ARN,
      Image: { S3Object: { Bucket: 'media', Name: 'c.jpg', Version: 'v-c.jpg' } },
      MinConfidence: 80,
    });
    expect(findings).toMatchObject([
      {
        key: 'c.jpg',
        labels: [{ name: 'synthetic-face', confidence: 91.2, source: 'custom' }],
        models: { moderation: '7.0', customLabels: MODEL_ARN },
        requestIds: ['req', 'creq'],
      },
    ]);
    expect(outcome).toMatchObject({ data: { scanned: 3, calls: 6 } });
  });

  it('records an image Rekognition refuses (format) as not scanned with the reason, goes on, and ends partial', async () => {
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'b.png', Version: 'v-b.png' } },
      })
      .rejects(awsError('InvalidImageFormatException'));
    const { outcome, notScanned } = await scan();
    expect(outcome).toBeInstanceOf(StepFailure);
    expect((outcome as StepFailure).message).toMatch(/^1 image\(s\) not scanned \(InvalidImageFormat 1\)/);
    expect((outcome as StepFailure).partial).toMatchObject({
      data: { scanned: 2, rejected: { InvalidImageFormat: 1 } },
    });
    expect(notScanned).toEqual([
      { key: 'notes.txt', versionId: 'v-notes.txt', size: 1024, reason: 'not JPEG or PNG' },
      {
        key: 'b.png',
        versionId: 'v-b.png',
        size: 1024,
        reason: 'not scanned: not an image Rekognition can decode (InvalidImageFormat)',
      },
    ]);
  });

  // AWS's answer when Rekognition cannot read the object (no s3:GetObject, an SSE-KMS key the
  // caller may not use, drp's own deny): moto has no Rekognition detection, so the mock says it.
  it('makes an image Rekognition cannot read (InvalidS3ObjectException) "not scanned", never a clean verdict', async () => {
    rekognition
      .on(DetectModerationLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'c.jpg', Version: 'v-c.jpg' } },
      })
      .rejects(
        awsError(
          'InvalidS3ObjectException',
          400,
          'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
        ),
      );
    const { outcome, findings, notScanned } = await scan();
    expect(outcome).toBeInstanceOf(StepFailure);
    const partial = (outcome as StepFailure).partial;
    expect(partial.data).toMatchObject({ scanned: 2, rejected: { InvalidS3Object: 1 } });
    expect(partial.notes).toContainEqual(expect.stringMatching(/^NOT SCANNED: 1 image\(s\)/));
    expect(findings).toEqual([]);
    expect(notScanned).toContainEqual({
      key: 'c.jpg',
      versionId: 'v-c.jpg',
      size: 1024,
      reason: expect.stringMatching(
        /^not scanned: Rekognition could not read the object \(InvalidS3Object\).*kms:Decrypt/,
      ),
    });
  });

  it('with a Custom Labels model, only its --custom-label labels are findings ("authentic" is not)', async () => {
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [{ ProjectArn: PROJECT_ARN }] });
    rekognition
      .on(DescribeProjectVersionsCommand)
      .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: MODEL_ARN, Status: 'RUNNING' }] });
    rekognition
      .on(DetectCustomLabelsCommand)
      .resolves({ CustomLabels: [{ Name: 'authentic', Confidence: 99 }] });
    rekognition
      .on(DetectCustomLabelsCommand, {
        Image: { S3Object: { Bucket: 'media', Name: 'a.jpg', Version: 'v-a.jpg' } },
      })
      .resolves({ CustomLabels: [{ Name: 'Synthetic', Confidence: 97 }] });
    // --labels filters moderation labels only: it must not hide the model's label.
    rekognition.on(DetectModerationLabelsCommand).resolves(moderation(['Violence', 95]));
    const { findings } = await scan({
      customLabelsModel: MODEL_ARN,
      customLabels: ['synthetic'],
      labels: ['Explicit Nudity'],
    });
    expect(findings.map((f) => [f.key, f.labels])).toEqual([
      ['a.jpg', [{ name: 'Synthetic', confidence: 97, source: 'custom' }]],
    ]);
  });

  it('shows progress against the planned total, one tick per image', async () => {
    const { ticks } = await scan();
    expect(ticks).toEqual([3, 0, 0, 0]);
  });

  it('on an endpoint without Rekognition, fails the step saying so, after one call, keeping what it wrote', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: Array.from({ length: 40 }, (_, i) => version(`img/${i}.jpg`)),
    });
    rekognition
      .on(DetectModerationLabelsCommand)
      .rejects(awsError('UnknownOperationException', 400, 'Unknown operation DetectModerationLabels'));
    const { outcome } = await scan({}, { concurrency: 1 });
    expect(outcome).toBeInstanceOf(StepFailure);
    const failure = outcome as StepFailure;
    expect(failure.cause).toBeInstanceOf(NotImplementedByEndpoint);
    expect(failure.message).toMatch(/^the endpoint does not implement Rekognition DetectModerationLabels/);
    expect(failure.partial).toMatchObject({ changes: [], data: { scanned: 0, calls: 1 } });
    expect(failure.partial.notes?.[0]).toBe('stopped after 0 of 40 image(s)');
    expect(rekognition).toHaveReceivedCommandTimes(DetectModerationLabelsCommand, 1);
  });

  it('stops at an error about the scan itself (AccessDenied), reporting how far it got', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [version('a.jpg'), version('b.jpg'), version('c.jpg')],
    });
    rekognition
      .on(DetectModerationLabelsCommand)
      .resolvesOnce(moderation(['Violence', 99]))
      .rejects(awsError('AccessDeniedException', 400, 'not authorized'));
    const { outcome, findings } = await scan({}, { concurrency: 1 });
    const failure = outcome as StepFailure;
    expect(failure.cause).toMatchObject({ name: 'AccessDeniedException' });
    expect(failure.partial.notes?.[0]).toBe(
      'stopped after 1 of 3 image(s); the findings so far are in artefacts/findings-step.jsonl',
    );
    expect(findings).toHaveLength(1);
    expect(rekognition).toHaveReceivedCommandTimes(DetectModerationLabelsCommand, 2);
  });
});
