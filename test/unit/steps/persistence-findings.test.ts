import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step from '../../../src/steps/persistence-findings.js';
import { PERSISTENCE_EVENTS, type CloudTrailRecord } from '../../../src/steps/lib/persistence-events.js';
import { findingOf } from '../../../src/steps/lib/persistence-findings.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto has no CloudTrail LookupEvents: the event history is aws-sdk-client-mock's here.
const ct = mockClient(CloudTrailClient);
const ATTACKER = 'arn:aws:iam::123456789012:user/media-uploader';
const context = {
  bucket: 'product-media',
  accountId: '123456789012',
  partition: 'aws',
  users: ['media-uploader'],
  roles: ['media-pipeline'],
};

const event = (
  source: string,
  name: string,
  requestParameters: Record<string, unknown> = {},
  extra: Partial<CloudTrailRecord> = {},
) => ({
  eventID: `${name}-1`,
  eventTime: '2026-11-25T02:14:09Z',
  eventSource: source,
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.9',
  recipientAccountId: '123456789012',
  userIdentity: { type: 'IAMUser', arn: ATTACKER, userName: 'media-uploader', accessKeyId: 'AKIAEXAMPLE' },
  requestParameters,
  ...extra,
});

/** What each rule's events act on in a sample request, and the next step the finding names. */
const SAMPLES: Record<string, { request: Record<string, unknown>; next: string }> = {
  'iam.amazonaws.com:user': {
    request: { userName: 'backup-svc' },
    next: 'drp contain --bucket product-media --user backup-svc',
  },
  'iam.amazonaws.com:group': { request: { groupName: 'admins' }, next: 'review group admins' },
  'iam.amazonaws.com:role': {
    request: { roleName: 'ops-break-glass' },
    next: 'drp contain --bucket product-media --role ops-break-glass',
  },
  'iam.amazonaws.com:policy': {
    request: { policyArn: 'arn:aws:iam::123456789012:policy/media' },
    next: 'review arn:aws:iam::123456789012:policy/media',
  },
  'iam.amazonaws.com:resource': { request: { name: 'evil-idp' }, next: 'review evil-idp' },
  'sts.amazonaws.com:role': {
    request: { roleArn: 'arn:aws:iam::123456789012:role/ops/ops-break-glass' },
    next: 'drp contain --bucket product-media --role ops-break-glass',
  },
  'sts.amazonaws.com:user': { request: {}, next: 'user media-uploader is contained by this run' },
  's3.amazonaws.com:bucket': { request: { bucketName: 'backups' }, next: 'drp contain --bucket backups' },
  'lambda.amazonaws.com:function': {
    request: { functionName: 'thumbnailer' },
    next: 'drp contain --bucket product-media --function arn:aws:lambda:us-east-1:123456789012:function:thumbnailer',
  },
  'kms.amazonaws.com:resource': { request: { keyId: 'key-1' }, next: 'review key-1' },
  'secretsmanager.amazonaws.com:resource': { request: { secretId: 'db' }, next: 'review db' },
  'ec2.amazonaws.com:resource': { request: { snapshotId: 'snap-1' }, next: 'review snap-1' },
  'sso.amazonaws.com:resource': { request: { permissionSetArn: 'ps-1' }, next: 'review ps-1' },
};

const kindOf = (source: string, name: string) =>
  PERSISTENCE_EVENTS.find((r) => r.source === source && r.names.includes(name))!.subject(
    SAMPLE_ANY,
    event(source, name),
  )?.kind;
const SAMPLE_ANY = {
  userName: 'backup-svc',
  groupName: 'admins',
  roleName: 'ops-break-glass',
  policyArn: 'arn:aws:iam::123456789012:policy/media',
  name: 'evil-idp',
  roleArn: 'arn:aws:iam::123456789012:role/ops/ops-break-glass',
  bucketName: 'backups',
  functionName: 'thumbnailer',
  keyId: 'key-1',
  secretId: 'db',
  snapshotId: 'snap-1',
  permissionSetArn: 'ps-1',
};

describe('persistence events', () => {
  const every = PERSISTENCE_EVENTS.flatMap((r) => r.names.map((name) => [r.source, name] as const));

  it.each(every)(
    '%s %s is recognised, with what it touched and the command that would contain it',
    (source, name) => {
      const sample = SAMPLES[`${source}:${kindOf(source, name)}`]!;
      // Lambda records its events with the API version: AddPermission20150331v2.
      const recorded = source === 'lambda.amazonaws.com' ? `${name}20150331v2` : name;
      const f = findingOf(event(source, recorded, sample.request), context);
      expect(f).toEqual(
        expect.objectContaining({ event: recorded, who: ATTACKER, accessKeyId: 'AKIAEXAMPLE' }),
      );
      expect(f!.next).toContain(sample.next);
    },
  );

  it('is not a finding for a read or an unrelated event, and a refused attempt is one that changed nothing', () => {
    expect(
      findingOf(event('s3.amazonaws.com', 'GetBucketPolicy', { bucketName: 'b' }), context),
    ).toBeUndefined();
    expect(findingOf(event('iam.amazonaws.com', 'ListUsers'), context)).toBeUndefined();
    const refused = findingOf(
      event('iam.amazonaws.com', 'CreateUser', { userName: 'x' }, { errorCode: 'AccessDenied' }),
      context,
    );
    expect(refused).toEqual(
      expect.objectContaining({
        refused: 'AccessDenied',
        next: 'nothing changed (AWS refused it); it shows intent',
      }),
    );
  });
});

describe('persistence-findings', () => {
  const page = (records: object[], NextToken?: string) => ({
    Events: records.map((r) => ({
      EventId: (r as { eventID: string }).eventID,
      CloudTrailEvent: JSON.stringify(r),
    })),
    ...(NextToken ? { NextToken } : {}),
  });
  const params = {
    bucket: 'product-media',
    since: '7d',
    users: ['media-uploader'],
    roles: [],
    maxEvents: 100,
    maxSessions: 5,
  };

  beforeEach(() => ct.reset());

  it("reads the user's events, follows the sessions it minted by access key id, and writes every finding to an artefact", async () => {
    const assume = event(
      'sts.amazonaws.com',
      'AssumeRole',
      { roleArn: 'arn:aws:iam::123456789012:role/ops-break-glass' },
      {
        responseElements: {
          credentials: { accessKeyId: 'ASIAMINTED', sessionToken: 'never-copied', expiration: 'x' },
        },
      },
    );
    ct.on(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'media-uploader' }],
    })
      .resolvesOnce(page([event('iam.amazonaws.com', 'CreateAccessKey', { userName: 'backup-svc' })], 'next'))
      .resolvesOnce(page([assume, event('s3.amazonaws.com', 'GetObject', { bucketName: 'x' })]));
    const bySession = event(
      's3.amazonaws.com',
      'PutBucketPolicy',
      { bucketName: 'backups' },
      {
        eventID: 'policy-1',
        eventTime: '2026-11-25T02:20:00Z',
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/ops-break-glass/x',
          accessKeyId: 'ASIAMINTED',
        },
      },
    );
    ct.on(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'ASIAMINTED' }],
    }).resolves(page([bySession]));
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.changes).toEqual([
      { action: 'find-persistence', target: 'user media-uploader', detail: expect.any(String) },
    ]);
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, plan);

    expect(ct).toHaveReceivedCommandTimes(LookupEventsCommand, 3);
    const written = JSON.parse(artefacts[0]!.content) as { findings: { event: string; next: string }[] };
    expect(artefacts[0]!.name).toBe('persistence-findings.json');
    expect(written.findings.map((f) => f.event)).toEqual([
      'CreateAccessKey',
      'AssumeRole',
      'PutBucketPolicy',
    ]);
    expect(artefacts[0]!.content).not.toContain('never-copied');
    expect(applied.notes).toEqual([
      'persistence: 2026-11-25T02:14:09Z arn:aws:iam::123456789012:user/media-uploader with AKIAEXAMPLE CreateAccessKey on user backup-svc: an access key made (or made active again). Next: drp contain --bucket product-media --user backup-svc',
      expect.stringMatching(
        /AssumeRole on role ops-break-glass: .*Next: drp contain --bucket product-media --role ops-break-glass$/,
      ),
      expect.stringMatching(
        /assumed-role\/ops-break-glass\/x with ASIAMINTED PutBucketPolicy on bucket backups: .*Next: drp contain --bucket backups$/,
      ),
    ]);
    expect(applied.data).toEqual({
      findings: 3,
      refused: 0,
      artefact: 'artefacts/persistence-findings.json',
    });
  });

  it('says where IAM events are when the run is not in us-east-1', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true), region: 'eu-west-1' }).ctx, params);
    expect(plan.notes).toEqual([
      expect.stringMatching(
        /^IAM and STS record their events .* in us-east-1's event history; this run read eu-west-1's only/,
      ),
    ]);
  });

  it('notes an endpoint without LookupEvents (moto) instead of failing', async () => {
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new Error('not implemented'), {
        name: 'NotImplemented',
        $metadata: { httpStatusCode: 501 },
      }),
    );
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const applied = await step.apply(testContext().ctx, params, plan);
    expect(applied.notes).toEqual([
      'CloudTrail LookupEvents is not available from this endpoint (NotImplemented): no persistence looked for',
    ]);
  });
});
