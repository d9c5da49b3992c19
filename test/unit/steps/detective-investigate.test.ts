import {
  AccessDeniedException,
  DetectiveClient,
  GetInvestigationCommand,
  ListGraphsCommand,
  ListIndicatorsCommand,
  StartInvestigationCommand,
} from '@aws-sdk/client-detective';
import { GetRoleCommand, GetUserCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFailure } from '../../../src/steps/define.js';
import step from '../../../src/steps/detective-investigate.js';
import { testContext, testPorts } from '../../support/step-context.js';

// moto has no Detective at all: every call here is aws-sdk-client-mock.
const detective = mockClient(DetectiveClient);
const iam = mockClient(IAMClient);
const GRAPH = 'arn:aws:detective:us-east-1:123456789012:graph:0123456789abcdef';
const USER = 'arn:aws:iam::123456789012:user/vendor/vendor-ai-uploader';
const ROLE = 'arn:aws:iam::123456789012:role/media/media-pipeline';
const params = {
  users: ['vendor-ai-uploader'],
  roles: ['media-pipeline', 'ghost'],
  since: '48h',
  waitMinutes: 1,
  pollSeconds: 0,
  maxIndicators: 1000,
};

describe('detective-investigate', () => {
  beforeEach(() => {
    detective.reset();
    iam.reset();
    detective.on(ListGraphsCommand).resolves({ GraphList: [{ Arn: GRAPH }] });
    iam.on(GetUserCommand).resolves({ User: { UserName: 'vendor-ai-uploader', Arn: USER } as never });
    iam
      .on(GetRoleCommand)
      .rejects(new NoSuchEntityException({ message: 'role not found', $metadata: { httpStatusCode: 404 } }));
    iam
      .on(GetRoleCommand, { RoleName: 'media-pipeline' })
      .resolves({ Role: { RoleName: 'media-pipeline', Arn: ROLE, Path: '/media/' } as never });
    detective.on(StartInvestigationCommand).callsFake((input: { EntityArn: string }) => ({
      InvestigationId: input.EntityArn === USER ? 'inv-user' : 'inv-role',
      $metadata: { requestId: `R-${input.EntityArn === USER ? 'U' : 'R'}` },
    }));
    detective
      .on(GetInvestigationCommand)
      .resolvesOnce({ Status: 'RUNNING' })
      .resolves({ Status: 'SUCCESSFUL', Severity: 'CRITICAL', EntityArn: USER, State: 'ACTIVE' });
    detective
      .on(ListIndicatorsCommand)
      .resolvesOnce({ Indicators: [{ IndicatorType: 'TTP_OBSERVED' }], NextToken: 'page-2' })
      .resolves({ Indicators: [{ IndicatorType: 'NEW_GEOLOCATION' }] });
  });

  it('plans one investigation per identity over the window, notes the missing one, and starts nothing', async () => {
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan).toEqual({
      observed: {
        graphArn: GRAPH,
        scopeStart: '2026-11-23T03:00:00.000Z',
        entities: [
          { kind: 'user', name: 'vendor-ai-uploader', arn: USER },
          { kind: 'role', name: 'media-pipeline', arn: ROLE },
        ],
      },
      changes: [
        {
          action: 'start-investigation',
          target: USER,
          detail: `in ${GRAPH}, from 2026-11-23T03:00:00.000Z to the time of apply`,
        },
        {
          action: 'start-investigation',
          target: ROLE,
          detail: `in ${GRAPH}, from 2026-11-23T03:00:00.000Z to the time of apply`,
        },
      ],
      notes: ['IAM role ghost not found: not investigated'],
    });
    expect(detective).toHaveReceivedCommandTimes(StartInvestigationCommand, 0);
  });

  it('is not applicable without a behavior graph, and says what would enable one for next time', async () => {
    detective.on(ListGraphsCommand).resolves({ GraphList: [] });
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.notApplicable).toBe(
      'Amazon Detective has no behavior graph in us-east-1 that this account administers: nothing to investigate',
    );
    expect(plan.changes).toEqual([]);
    expect(plan.notes![0]).toMatch(
      /enabling it now does not cover this leak; for the next one: aws detective create-graph --region us-east-1$/,
    );
  });

  it('is not applicable where the endpoint has no Detective (an emulator)', async () => {
    detective
      .on(ListGraphsCommand)
      .rejects(
        Object.assign(new Error('Not Found'), { name: 'UnknownError', $metadata: { httpStatusCode: 404 } }),
      );
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    expect(plan.notApplicable).toMatch(/^Amazon Detective is not available here/);
  });

  it('starts each investigation over since..now, waits for it, and keeps it with every indicator as an artefact', async () => {
    const { ctx, artefacts } = testContext();
    const applied = await step.apply(ctx, params, await step.plan(ctx, params));
    expect(detective).toHaveReceivedCommandWith(StartInvestigationCommand, {
      GraphArn: GRAPH,
      EntityArn: USER,
      ScopeStartTime: new Date('2026-11-23T03:00:00.000Z'),
      ScopeEndTime: new Date('2026-11-25T03:00:00.000Z'),
    });
    expect(detective).toHaveReceivedCommandWith(ListIndicatorsCommand, {
      InvestigationId: 'inv-user',
      NextToken: 'page-2',
    });
    const record = JSON.parse(
      artefacts.find((a) => a.name === 'detective-user-vendor-ai-uploader.json')!.content,
    ) as object;
    expect(record).toEqual({
      investigation: expect.objectContaining({
        investigationId: 'inv-user',
        status: 'SUCCESSFUL',
        severity: 'CRITICAL',
      }),
      indicators: [{ type: 'TTP_OBSERVED' }, { type: 'NEW_GEOLOCATION' }],
    });
    expect(applied).toMatchObject({
      requestIds: ['R-U', 'R-R'],
      changes: [
        {
          action: 'start-investigation',
          target: USER,
          detail: 'inv-user: SUCCESSFUL, severity CRITICAL, 2 indicator(s)',
        },
        { action: 'start-investigation', target: ROLE },
      ],
    });
  });

  it('an investigation still running at the deadline is kept as it is, with the command to read it later', async () => {
    detective.on(GetInvestigationCommand).resolves({ Status: 'RUNNING' });
    const { ctx } = testContext();
    const p = { ...params, roles: [], waitMinutes: 0 };
    const applied = await step.apply(ctx, p, await step.plan(ctx, p));
    expect(applied.notes).toEqual([
      `investigation inv-user of ${USER} still running after 0 min: aws detective get-investigation --graph-arn ${GRAPH} --investigation-id inv-user`,
    ]);
    expect(detective).toHaveReceivedCommandTimes(ListIndicatorsCommand, 0);
  });

  it("fails the step on Detective's AccessDeniedException, naming the investigation it had started", async () => {
    detective.on(StartInvestigationCommand, { EntityArn: ROLE }).rejects(
      new AccessDeniedException({
        message: 'not the administrator of this graph',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { ctx } = testContext();
    const failure = await step.apply(ctx, params, await step.plan(ctx, params)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as Error).message).toBe('not the administrator of this graph');
    expect((failure as StepFailure).partial.data).toEqual({
      investigations: [],
      started: [{ entity: USER, investigationId: 'inv-user' }],
    });
  });
});
