import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCloudTrailPort } from '../../../src/aws/cloudtrail.js';
import { instrument } from '../../../src/aws/config.js';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/export-cloudtrail-events.js';
import { testContext, testPorts } from '../../support/step-context.js';

const ct = mockClient(CloudTrailClient);
const now = () => new Date('2026-11-25T03:00:00.000Z');
const event = (id: string, user = 'alice') => ({
  EventId: id,
  EventName: 'GetObject',
  Username: user,
  CloudTrailEvent: JSON.stringify({ eventID: id, userIdentity: { userName: user } }),
});
const params = (over: Record<string, unknown> = {}) =>
  step.params.parse({ bucket: 'media', since: '2d', users: ['alice'], roles: ['Pipeline'], ...over });

describe('export-cloudtrail-events', () => {
  beforeEach(() => {
    ct.reset();
    ct.on(LookupEventsCommand).resolves({ Events: [] });
  });

  it('plans one export per subject for the window, without calling AWS', async () => {
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params());
    expect(plan.changes.map((c) => c.target)).toEqual([
      'ResourceName=media',
      'Username=alice',
      'ResourceName=Pipeline',
    ]);
    expect(plan.observed.window).toEqual({
      start: '2026-11-23T03:00:00.000Z',
      end: '2026-11-25T03:00:00.000Z',
    });
    expect(ct.calls()).toHaveLength(0);
  });

  it('pages through LookupEvents and saves each subject as a JSON artefact', async () => {
    ct.on(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'media' }],
    })
      .resolvesOnce({ Events: [event('e1'), event('e2')], NextToken: 'p2' })
      .resolves({ Events: [event('e3')] });
    const { ctx, artefacts } = testContext({ now });
    const applied = await step.apply(ctx, params(), await step.plan(ctx, params()));
    expect(ct).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'media' }],
      StartTime: new Date('2026-11-23T03:00:00.000Z'),
      EndTime: new Date('2026-11-25T03:00:00.000Z'),
      NextToken: 'p2',
    });
    expect(ct).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }],
    });
    const bucketEvents = JSON.parse(
      artefacts.find((a) => a.name === 'cloudtrail-events-bucket-media.json')!.content,
    );
    expect(bucketEvents.map((e: { EventId: string }) => e.EventId)).toEqual(['e1', 'e2', 'e3']);
    expect(bucketEvents[0].CloudTrailEvent).toEqual({ eventID: 'e1', userIdentity: { userName: 'alice' } });
    expect(artefacts.map((a) => a.name)).toEqual([
      'cloudtrail-events-bucket-media.json',
      'cloudtrail-events-user-alice.json',
      'cloudtrail-events-role-Pipeline.json',
    ]);
    expect(applied.changes.map((c) => c.count)).toEqual([3, 0, 0]);
  });

  it('is not applicable (never nothing-to-do) when the endpoint does not implement LookupEvents, not a crash', async () => {
    // What the SDK throws for moto's HTML error page: its parser's SyntaxError, with the raw response.
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new SyntaxError('Unexpected token < in JSON. Deserialization error: ...'), {
        $metadata: { httpStatusCode: 500 },
        $response: { statusCode: 500 },
      }),
    );
    const { ctx, artefacts } = testContext({ now });
    const applied = await step.apply(ctx, params(), await step.plan(ctx, params()));
    expect(applied.changes).toEqual([]);
    expect(applied.notApplicable).toBe(
      'CloudTrail.LookupEvents is not available from this endpoint (SyntaxError, HTTP 500, not an AWS reply): no events exported; emulators such as moto lack it',
    );
    expect(applied.data).toEqual({ lookupEvents: 'not available from this endpoint' });
    expect(artefacts).toEqual([]);
    expect(ct).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
  });

  it("fails when AWS answers LookupEvents with HTTP 500 InternalFailure after the SDK's retries: a failure, never nothing-to-do", async () => {
    // AWS's own 500 is a well-formed JSON error: the SDK parses it (and retries it; 3 attempts here).
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new Error('We encountered an internal error. Please try again.'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500, requestId: 'REQ-500', attempts: 3 },
      }),
    );
    const { ctx } = testContext({ now });
    const failure = await step.apply(ctx, params(), await step.plan(ctx, params())).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'StepFailure', cause: { name: 'InternalFailure' } });
    expect((failure as StepFailure).partial).toMatchObject({ changes: [] });
  });

  it('fails, not a note, when the endpoint cannot be reached at all', async () => {
    ct.on(LookupEventsCommand).rejects(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }),
    );
    const { ctx } = testContext({ now });
    await expect(step.apply(ctx, params(), await step.plan(ctx, params()))).rejects.toMatchObject({
      name: 'StepFailure',
    });
  });

  it('fails with the exports already made on a real AWS error', async () => {
    ct.on(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice' }],
    }).rejects(
      Object.assign(new Error('User is not authorized'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { ctx } = testContext({ now });
    const error = (await step
      .apply(ctx, params(), await step.plan(ctx, params()))
      .catch((e: unknown) => e)) as StepFailure;
    expect(error).toBeInstanceOf(StepFailure);
    expect(error.partial.changes.map((c) => c.target)).toEqual(['ResourceName=media']);
  });

  it('stops at maxEvents and says more exist', async () => {
    ct.on(LookupEventsCommand).resolves({ Events: [event('a'), event('b'), event('c')], NextToken: 'more' });
    const { ctx, artefacts } = testContext({ now });
    const p = params({ users: [], roles: [], maxEvents: 2 });
    const applied = await step.apply(ctx, p, await step.plan(ctx, p));
    expect(JSON.parse(artefacts[0]!.content)).toHaveLength(2);
    expect(applied.notes).toEqual(['ResourceName=media: stopped at maxEvents 2; more events exist']);
  });

  describe("IAM, STS and sign-in events: the partition's global-event region", () => {
    // LookupEvents answers from the region of the client; CloudTrail keeps a user's IAM, STS and
    // console sign-in events in one region of the partition only. awsAs records the regions asked.
    const inRegion = (region: string, arn: string) => {
      const asked: (string | undefined)[] = [];
      const { ctx, artefacts } = testContext({
        now,
        region,
        caller: { arn, accountId: '123456789012', principalArn: arn },
      });
      const multi = {
        ...ctx,
        awsAs: async (_identity: string, options: { region?: string } = {}) => {
          asked.push(options.region);
          return ctx.aws;
        },
      };
      return { ctx: multi, artefacts, asked };
    };

    it('looks the users and roles up in us-east-1 too when the run is elsewhere; the bucket only where it is', async () => {
      const { ctx, artefacts, asked } = inRegion('eu-west-1', 'arn:aws:iam::123456789012:user/alice');
      const plan = await step.plan(ctx, params());
      expect(plan.changes.map((c) => c.target)).toEqual([
        'ResourceName=media',
        'Username=alice',
        'Username=alice in us-east-1',
        'ResourceName=Pipeline',
        'ResourceName=Pipeline in us-east-1',
      ]);
      await step.apply(ctx, params(), plan);
      expect(asked).toEqual(['us-east-1', 'us-east-1']);
      expect(ct).toHaveReceivedCommandTimes(LookupEventsCommand, 5);
      expect(artefacts.map((a) => a.name)).toEqual([
        'cloudtrail-events-bucket-media.json',
        'cloudtrail-events-user-alice.json',
        'cloudtrail-events-user-alice-us-east-1.json',
        'cloudtrail-events-role-Pipeline.json',
        'cloudtrail-events-role-Pipeline-us-east-1.json',
      ]);
    });

    it.each([
      ['aws-cn', 'cn-northwest-1', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-east-1', 'us-gov-west-1'],
    ])(
      'in %s looks them up in that partition (%s run: %s), never us-east-1',
      async (partition, region, global) => {
        const { ctx, asked } = inRegion(region, `arn:${partition}:iam::123456789012:user/alice`);
        const plan = await step.plan(ctx, params({ roles: [] }));
        expect(plan.changes.map((c) => c.target)).toEqual([
          'ResourceName=media',
          'Username=alice',
          `Username=alice in ${global}`,
        ]);
        await step.apply(ctx, params({ roles: [] }), plan);
        expect(asked).toEqual([global]);
      },
    );

    it('looks up once when the run is in the global-event region already', async () => {
      const { ctx, asked } = inRegion('us-east-1', 'arn:aws:iam::123456789012:user/alice');
      const plan = await step.plan(ctx, params());
      expect(plan.changes).toHaveLength(3);
      expect(asked).toEqual([]);
    });
  });

  it("cuts a window older than the event history's 90 days, and says so", async () => {
    const { ctx } = testContext({ aws: testPorts(true), now });
    const plan = await step.plan(ctx, params({ since: '120d' }));
    expect(plan.observed.window.start).toBe('2026-08-27T03:00:00.000Z');
    expect(plan.notes).toEqual([expect.stringMatching(/keeps 90 days/)]);
  });
});

describe('CloudTrail port: LookupEvents pacing', () => {
  afterEach(() => vi.useRealTimers());

  it('spaces LookupEvents calls 500 ms apart: the API allows 2 a second per account', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    ct.reset();
    const sent: number[] = [];
    ct.on(LookupEventsCommand).callsFake(async () => {
      sent.push(Date.now());
      return { Events: [] };
    });
    const port = createCloudTrailPort(
      instrument(
        new CloudTrailClient({
          region: 'us-east-1',
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        }),
        true,
      ),
    );
    const window = { start: new Date(0), end: new Date(1) };
    const calls = Promise.all([1, 2, 3].map(() => port.lookupEvents('ResourceName', 'media', window)));
    await vi.advanceTimersByTimeAsync(1500);
    await calls;
    expect(sent).toHaveLength(3);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(500);
    expect(sent[2]! - sent[1]!).toBeGreaterThanOrEqual(500);
  });
});
