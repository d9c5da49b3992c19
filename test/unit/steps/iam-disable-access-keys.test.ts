import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { StepFailure } from '../../../src/steps/define.js';
import step, { type Observed } from '../../../src/steps/iam-disable-access-keys.js';
import { scratch } from '../../support/drp.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLESECRET';
const ARN = (u: string) => `arn:aws:iam::123456789012:user/${u}`;
const created = new Date('2026-01-02T03:04:05.000Z');
const MARK = 'drp replacement key of incident INC-TEST-1';
const ISSUING = 'drp-replacement-INC-TEST-1';
/** IAM's tag pattern (API Reference, Tag): letters, digits, spaces and _.:/=+-@. */
const IAM_TAG = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function user(
  name: string,
  keys: { id: string; status: 'Active' | 'Inactive'; created?: Date }[],
  tags = {},
) {
  iam.on(GetUserCommand, { UserName: name }).resolves({ User: { UserName: name, Arn: ARN(name) } as never });
  iam.on(ListAccessKeysCommand, { UserName: name }).resolves({
    AccessKeyMetadata: keys.map((k) => ({
      UserName: name,
      AccessKeyId: k.id,
      Status: k.status,
      CreateDate: k.created ?? created,
    })),
  });
  iam.on(ListUserTagsCommand, { UserName: name }).resolves({
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value: Value as string })),
  });
}

const noUser = new NoSuchEntityException({ $metadata: { httpStatusCode: 404 }, message: 'cannot be found' });

function capturingLogger() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger('trace', stream), text: () => text };
}

describe('iam-disable-access-keys', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(GetUserCommand).rejects(noUser);
  });

  it('plans every active key Inactive, observes each key with its status, and sends no mutating command', async () => {
    user('alice', [
      { id: 'AKIA1', status: 'Active' },
      { id: 'AKIA2', status: 'Inactive' },
    ]);
    user('bob', [{ id: 'AKIA3', status: 'Active' }]);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { users: ['alice', 'bob'], issueReplacement: false });
    expect(plan).toEqual({
      observed: {
        users: [
          {
            user: 'alice',
            arn: ARN('alice'),
            keys: [
              { accessKeyId: 'AKIA1', status: 'Active', createDate: created.toISOString() },
              { accessKeyId: 'AKIA2', status: 'Inactive', createDate: created.toISOString() },
            ],
            replacementKeyIds: [],
          },
          {
            user: 'bob',
            arn: ARN('bob'),
            keys: [{ accessKeyId: 'AKIA3', status: 'Active', createDate: created.toISOString() }],
            replacementKeyIds: [],
          },
        ],
      },
      changes: [
        {
          action: 'deactivate-access-key',
          target: ARN('alice'),
          detail: `AKIA1 (created ${created.toISOString()}): Active -> Inactive (kept, not deleted)`,
        },
        {
          action: 'deactivate-access-key',
          target: ARN('bob'),
          detail: `AKIA3 (created ${created.toISOString()}): Active -> Inactive (kept, not deleted)`,
        },
      ],
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 0);
    expect(iam).toHaveReceivedCommandTimes(CreateAccessKeyCommand, 0);
  });

  it('does nothing for an empty users list, calls no AWS, and says so', async () => {
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { users: [], issueReplacement: true });
    expect(plan).toEqual({
      observed: { users: [] },
      changes: [],
      notes: ['no users given (param users is empty): no access key to deactivate'],
    });
    expect(iam.calls()).toHaveLength(0);
  });

  it('reports every user that does not exist as one user error naming them, before any change', async () => {
    user('alice', [{ id: 'AKIA1', status: 'Active' }]);
    const { ctx } = testContext({ aws: testPorts(true) });
    await expect(
      step.plan(ctx, { users: ['ghost', 'alice', 'nobody'], issueReplacement: false }),
    ).rejects.toMatchObject({
      name: 'UserError',
      message: 'IAM users "ghost", "nobody" not found in account 123456789012 (--user / param users)',
    });
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 0);
  });

  it('has nothing to do for a user whose keys are all inactive, and notes it', async () => {
    user('alice', [{ id: 'AKIA1', status: 'Inactive' }]);
    const { ctx } = testContext({ aws: testPorts(true) });
    const plan = await step.plan(ctx, { users: ['alice', 'alice'], issueReplacement: false });
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toEqual(['user alice has no active access key']);
    expect(iam).toHaveReceivedCommandTimes(GetUserCommand, 1);
  });

  it('applies: sets each planned key Inactive, deletes nothing, returns the request ids', async () => {
    user('alice', [
      { id: 'AKIA1', status: 'Active' },
      { id: 'AKIA2', status: 'Active' },
    ]);
    iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'R1' } });
    const params = { users: ['alice'], issueReplacement: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const applied = await step.apply(testContext().ctx, params, plan);
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, {
      UserName: 'alice',
      AccessKeyId: 'AKIA1',
      Status: 'Inactive',
    });
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, {
      UserName: 'alice',
      AccessKeyId: 'AKIA2',
      Status: 'Inactive',
    });
    expect(iam).toHaveReceivedCommandTimes(DeleteAccessKeyCommand, 0);
    expect(applied).toEqual({ changes: plan.changes, requestIds: ['R1', 'R1'] });
  });

  it('a failure part-way is a StepFailure recording the keys already deactivated', async () => {
    user('alice', [
      { id: 'AKIA1', status: 'Active' },
      { id: 'AKIA2', status: 'Active' },
    ]);
    iam
      .on(UpdateAccessKeyCommand, { AccessKeyId: 'AKIA1' })
      .resolves({ $metadata: { requestId: 'R1' } })
      .on(UpdateAccessKeyCommand, { AccessKeyId: 'AKIA2' })
      .rejects(new Error('Throttling'));
    const params = { users: ['alice'], issueReplacement: false };
    const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
    const failure = await step.apply(testContext().ctx, params, plan).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).partial.changes).toEqual([plan.changes[0]]);
    expect((failure as StepFailure).partial.requestIds).toEqual(['R1']);
  });

  describe('with issueReplacement', () => {
    const params = { users: ['alice'], issueReplacement: true };

    it('plans one replacement key when the user has room for it', async () => {
      user('alice', [{ id: 'AKIA1', status: 'Active' }]);
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      expect(plan.changes.map((c) => c.action)).toEqual(['deactivate-access-key', 'create-access-key']);
      expect(iam).toHaveReceivedCommandTimes(CreateAccessKeyCommand, 0);
    });

    it('writes the new secret only to a 0600 file in a 0700 secrets dir, never to the result, the log or an artefact', async () => {
      user('alice', [{ id: 'AKIA1', status: 'Active' }]);
      iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'R1' } });
      iam.on(CreateAccessKeyCommand).resolves({
        $metadata: { requestId: 'R2' },
        AccessKey: {
          UserName: 'alice',
          AccessKeyId: 'AKIANEW',
          SecretAccessKey: SECRET,
          Status: 'Active',
          CreateDate: created,
        },
      });
      iam.on(TagUserCommand).resolves({ $metadata: { requestId: 'R3' } });
      const evidenceDir = scratch();
      const { log, text } = capturingLogger();
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      const { ctx, artefacts } = testContext({
        log,
        settings: { concurrency: 1, evidenceDir, evidenceBucket: 'b' },
      });
      const applied = await step.apply(ctx, params, plan);

      const file = join(evidenceDir, 'secrets', 'alice-AKIANEW.json');
      expect(applied.data).toEqual({
        replacements: [{ user: 'alice', accessKeyId: 'AKIANEW', file: 'secrets/alice-AKIANEW.json' }],
      });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        AccessKey: {
          UserName: 'alice',
          AccessKeyId: 'AKIANEW',
          Status: 'Active',
          SecretAccessKey: SECRET,
          CreateDate: created.toISOString(),
        },
        incidentId: 'INC-TEST-1',
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(evidenceDir, 'secrets')).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(evidenceDir, 'secrets'))).toEqual(['alice-AKIANEW.json']);
      expect(JSON.stringify(applied)).not.toContain(SECRET);
      expect(text()).toContain('AKIANEW');
      expect(text()).not.toContain(SECRET);
      expect(artefacts).toEqual([]);
      // First the issuing mark (before the key exists), then the key's own tag, each as IAM allows.
      const tags = iam.commandCalls(TagUserCommand).map((c) => c.args[0].input.Tags);
      expect(tags).toEqual([
        // No Date from a mock: a minute below this machine's clock.
        [{ Key: ISSUING, Value: '2026-11-25T02:59:00.000Z' }],
        [{ Key: 'AKIANEW', Value: MARK }],
      ]);
      for (const t of tags.flat()) expect(`${t!.Key}=${t!.Value}`).toMatch(IAM_TAG);
      expect(applied.requestIds).toEqual(['R1', 'R3', 'R2', 'R3']);
    });

    it("marks issuing with AWS's time (the Date of IAM's last answer), not this machine's", async () => {
      user('alice', [{ id: 'AKIA1', status: 'Inactive' }]);
      iam.on(TagUserCommand).resolves({});
      iam.on(CreateAccessKeyCommand).resolves({
        AccessKey: { UserName: 'alice', AccessKeyId: 'AKIANEW', SecretAccessKey: SECRET, Status: 'Active' },
      });
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      const { ctx } = testContext({
        settings: { concurrency: 1, evidenceDir: scratch(), evidenceBucket: 'b' },
      });
      // This machine is 10 minutes ahead; AWS's answer came 2.5 s ago.
      vi.spyOn(ctx.aws.iam, 'serverClock').mockReturnValue({
        serverDate: new Date('2026-11-25T02:49:57.000Z'),
        localDate: new Date('2026-11-25T02:59:57.500Z'),
      });
      await step.apply(ctx, params, plan);
      expect(iam.commandCalls(TagUserCommand)[0]!.args[0].input.Tags).toEqual([
        { Key: ISSUING, Value: '2026-11-25T02:49:59.000Z' },
      ]);
    });

    it('on a re-run recognises the replacement by the issuing mark when its own tag was never written', async () => {
      // The first run created AKIANEW at 03:00:05 and died before tagging it; AKIAOLD is older.
      user(
        'alice',
        [
          { id: 'AKIAOLD', status: 'Active', created: new Date('2026-11-25T02:10:00.000Z') },
          { id: 'AKIANEW', status: 'Active', created: new Date('2026-11-25T03:00:05.000Z') },
        ],
        { [ISSUING]: '2026-11-25T03:00:04.000Z' },
      );
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      expect((plan.observed as Observed).users[0]?.replacementKeyIds).toEqual(['AKIANEW']);
      expect(plan.changes).toEqual([
        expect.objectContaining({
          action: 'deactivate-access-key',
          detail: expect.stringMatching(/^AKIAOLD /),
        }),
      ]);
    });

    it('never overwrites an existing secret file, and the error names the orphan key but holds no secret', async () => {
      user('alice', [{ id: 'AKIA1', status: 'Inactive' }]);
      iam.on(CreateAccessKeyCommand).resolves({
        $metadata: {},
        AccessKey: { UserName: 'alice', AccessKeyId: 'AKIANEW', SecretAccessKey: SECRET, Status: 'Active' },
      });
      iam.on(TagUserCommand).resolves({});
      const evidenceDir = scratch();
      mkdirSync(join(evidenceDir, 'secrets'));
      writeFileSync(join(evidenceDir, 'secrets', 'alice-AKIANEW.json'), 'older');
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      const { ctx } = testContext({ settings: { concurrency: 1, evidenceDir, evidenceBucket: 'b' } });
      const failure = (await step.apply(ctx, params, plan).catch((e: unknown) => e)) as StepFailure;
      expect(failure).toBeInstanceOf(StepFailure);
      expect(failure.message).toMatch(
        /access key AKIANEW was created for user alice but its secret could not be written/,
      );
      expect(readFileSync(join(evidenceDir, 'secrets', 'alice-AKIANEW.json'), 'utf8')).toBe('older');
      expect(JSON.stringify({ message: failure.message, partial: failure.partial })).not.toContain(SECRET);
      // Only the issuing mark: the key whose secret nobody holds is never tagged as the replacement.
      expect(iam.commandCalls(TagUserCommand).map((c) => c.args[0].input.Tags![0]!.Key)).toEqual([ISSUING]);
    });

    it('issues no replacement when the user already has two keys, says why, and still deactivates them', async () => {
      user('alice', [
        { id: 'AKIA1', status: 'Active' },
        { id: 'AKIA2', status: 'Inactive' },
      ]);
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      expect(plan.changes.map((c) => c.action)).toEqual(['deactivate-access-key']);
      expect(plan.notes).toEqual([
        "user alice already has 2 access keys (IAM's limit is 2): no replacement can be issued without deleting one, and drp never deletes keys. Delete one yourself once it is no longer evidence, then run again.",
      ]);
    });

    it('on a re-run in the same incident keeps the replacement key active and issues no other', async () => {
      user(
        'alice',
        [
          { id: 'AKIA1', status: 'Inactive' },
          { id: 'AKIANEW', status: 'Active' },
        ],
        { AKIANEW: MARK },
      );
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      expect(plan.changes).toEqual([]);
      expect((plan.observed as Observed).users[0]?.replacementKeyIds).toEqual(['AKIANEW']);
      expect(plan.notes).toEqual([
        'user alice: replacement key AKIANEW was already issued in this incident; it stays active and no other is issued',
      ]);
    });

    it('deactivates a replacement key issued in another incident', async () => {
      user('alice', [{ id: 'AKIAOLD', status: 'Active' }], {
        AKIAOLD: 'drp replacement key, incident INC-EARLIER',
      });
      const plan = await step.plan(testContext({ aws: testPorts(true) }).ctx, params);
      expect(plan.changes.map((c) => c.action)).toEqual(['deactivate-access-key', 'create-access-key']);
    });
  });
});
