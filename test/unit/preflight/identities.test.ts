import { AssumeRoleCommand } from '@aws-sdk/nested-clients/sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.js';
import { checkIdentities } from '../../../src/preflight/identities.js';
import { callerCredentials, mockRoles } from '../../support/roles.js';
import '../../support/matchers.js';

const TARGET = 'arn:aws:iam::111111111111:role/drp-target';
const ORG = 'arn:aws:iam::222222222222:role/ir/drp-org';
const EVIDENCE = 'arn:aws:iam::444444444444:role/drp-evidence';

describe('preflight identities', () => {
  let mocks: ReturnType<typeof mockRoles>;
  beforeEach(() => {
    mocks = mockRoles();
  });

  it('reports a role that cannot be assumed as blocked, and still checks every other role', async () => {
    mocks.assume
      .on(AssumeRoleCommand, { RoleArn: ORG })
      .rejects(
        Object.assign(
          new Error(
            `User: arn:aws:iam::999999999999:user/alice is not authorized to perform: sts:AssumeRole on resource: ${ORG}`,
          ),
          { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
        ),
      );
    const { checks, resolved } = await checkIdentities(
      { region: 'us-east-1', credentials: callerCredentials },
      {
        accounts: { roles: { target: TARGET, org: ORG, evidence: EVIDENCE } },
        operator: 'alice',
        incidentId: 'INC-1',
        used: new Set(['target', 'org', 'evidence'] as const),
        log: silentLogger,
      },
    );
    expect(checks.map((c) => [c.name, c.verdict])).toEqual([
      ['target', 'ready'],
      ['org', 'blocked'],
      ['evidence', 'ready'],
    ]);
    expect(checks[1]).toMatchObject({
      detail: expect.stringContaining(`--org-role-arn ${ORG}: drp cannot assume this role`),
      fix: expect.stringContaining('trust policy must allow sts:AssumeRole'),
    });
    expect(checks[0]!.detail).toContain(`assumed ${TARGET}`);
    // Nothing is read as a role that could not be assumed.
    expect(resolved.org).toBeUndefined();
    expect(resolved.evidence?.caller.accountId).toBe('444444444444');
  });
});
