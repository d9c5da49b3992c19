import {
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  NoSuchEntityException,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import step, { type Observed } from '../../../src/steps/iam-disable-access-keys.js';
import { DEFAULTS, recordedOf } from '../../support/restore.js';
import { testContext, testPorts } from '../../support/step-context.js';

const iam = mockClient(IAMClient);
const restore = step.restore!;
const ARN = (u: string) => `arn:aws:iam::123456789012:user/${u}`;

// Before the run: AKIA1 Active, AKIA2 already Inactive, AKIA9 a replacement drp had issued earlier.
const observed: Observed = {
  users: [
    {
      user: 'alice',
      arn: ARN('alice'),
      keys: [
        { accessKeyId: 'AKIA1', status: 'Active' },
        { accessKeyId: 'AKIA2', status: 'Inactive' },
      ],
      replacementKeyIds: [],
    },
    {
      user: 'bob',
      arn: ARN('bob'),
      keys: [{ accessKeyId: 'AKIA9', status: 'Active' }],
      replacementKeyIds: ['AKIA9'],
    },
  ],
};
const recorded = recordedOf({ users: ['alice', 'bob'], issueReplacement: true }, observed, {
  data: { replacements: [{ user: 'alice', accessKeyId: 'AKIANEW', file: 'secrets/alice-AKIANEW.json' }] },
});

function live(name: string, keys: [string, 'Active' | 'Inactive'][]) {
  iam.on(GetUserCommand, { UserName: name }).resolves({ User: { UserName: name, Arn: ARN(name) } as never });
  iam.on(ListAccessKeysCommand, { UserName: name }).resolves({
    AccessKeyMetadata: keys.map(([AccessKeyId, Status]) => ({ UserName: name, AccessKeyId, Status })),
  });
}

describe('iam-disable-access-keys restore', () => {
  beforeEach(() => {
    iam.reset();
    iam.on(GetUserCommand).rejects(new NoSuchEntityException({ $metadata: {}, message: 'no such user' }));
    iam.on(UpdateAccessKeyCommand).resolves({ $metadata: { requestId: 'R-UPD' } });
  });

  it('keeps the keys Inactive by default and says so, reading nothing and changing nothing', async () => {
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, DEFAULTS);
    expect(p.changes).toEqual([]);
    expect(p.kept).toEqual([
      expect.stringMatching(
        /access key AKIA1 of user alice stays Inactive: .*never reactivated by default.*--reactivate-keys/,
      ),
      expect.stringMatching(/replacement access key AKIANEW of user alice, issued by drp .*is left as it is/),
    ]);
    expect(iam).toHaveReceivedCommandTimes(ListAccessKeysCommand, 0);
  });

  it('--reactivate-keys reactivates exactly the keys the run deactivated', async () => {
    live('alice', [
      ['AKIA1', 'Inactive'],
      ['AKIA2', 'Inactive'],
      ['AKIANEW', 'Active'],
    ]);
    const options = { ...DEFAULTS, reactivateKeys: true };
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, options);
    expect(p.changes).toEqual([
      {
        action: 'reactivate-access-key',
        target: ARN('alice'),
        detail: 'AKIA1: Inactive -> Active (--reactivate-keys)',
      },
    ]);
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 0);
    const applied = await restore.apply(testContext().ctx, recorded, p);
    expect(iam).toHaveReceivedCommandTimes(UpdateAccessKeyCommand, 1);
    expect(iam).toHaveReceivedCommandWith(UpdateAccessKeyCommand, {
      UserName: 'alice',
      AccessKeyId: 'AKIA1',
      Status: 'Active',
    });
    expect(applied.requestIds).toEqual(['R-UPD']);
  });

  it('--reactivate-keys skips a key already Active again or deleted since, and says so', async () => {
    live('alice', [['AKIA2', 'Inactive']]);
    const p = await restore.plan(testContext({ aws: testPorts(true) }).ctx, recorded, {
      ...DEFAULTS,
      reactivateKeys: true,
    });
    expect(p.changes).toEqual([]);
    expect(p.notes).toEqual(['access key AKIA1 of user alice no longer exists']);
  });
});
