import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedLambdaRole, seedOrganization, seedUserWithKeys } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const bucket = 'leaked-media';
const user = 'media-uploader';
const role = 'media-pipeline';
const incident = 'INC-IAM-1';
const FORENSICS = 'arn:aws:iam::123456789012:role/ops/Forensics';
// The emulator's caller is the organization's management account, which SCPs never restrict: the
// SCP goes on the root (every member account), where it has an effect.
let rootId: string;

const keysOf = async (userName: string) =>
  (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];

async function revokePolicy() {
  const out = await iam.send(
    new GetRolePolicyCommand({ RoleName: role, PolicyName: `drp-revoke-${incident}` }),
  );
  const text = out.PolicyDocument!;
  return JSON.parse(text.startsWith('{') ? text : decodeURIComponent(text)) as unknown;
}

async function drpScps() {
  const { Policies = [] } = await organizations.send(
    new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }),
  );
  return Policies.filter((p) => p.Name?.startsWith('drp-'));
}

const journalEntries = (dir: string) => verifyJournal(readFileSync(join(dir, 'journal.jsonl'))).entries;

function contain(evidenceDir: string, ...extra: string[]) {
  return runDrp(
    [
      '--incident',
      incident,
      'contain',
      '--bucket',
      bucket,
      '--user',
      user,
      '--role',
      role,
      '--exempt-principal',
      FORENSICS,
      '--yes',
      '--evidence-dir',
      evidenceDir,
      '--scp-target',
      rootId,
      ...extra,
    ],
    { endpoint },
  );
}

describe('drp contain: access keys, role sessions and the SCP', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await seedUserWithKeys(iam, user);
    await seedLambdaRole(iam, role, '/media/');
    rootId = await seedOrganization(organizations);
  });

  it('a user that does not exist is exit 2 naming it, and nothing changes', async () => {
    const out = await runDrp(
      ['contain', '--bucket', bucket, '--user', 'ghost', '--yes', '--evidence-dir', join(scratch(), 'ev')],
      { endpoint },
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/IAM user "ghost" not found in account 123456789012/);
    expect((await keysOf(user)).map((k) => k.Status)).toEqual(['Active', 'Active']);
    expect(await drpScps()).toEqual([]);
  });

  it('deactivates both keys (keeping them), revokes the role sessions, and attaches the SCP to the root exempting the responders', async () => {
    const before = (await keysOf(user)).map((k) => k.AccessKeyId).sort();
    const dir = join(scratch(), 'ev');
    const out = await contain(dir);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/disable-access-keys\s+applied/);
    expect(out.stdout).toMatch(/revoke-role-sessions\s+applied/);
    expect(out.stdout).toMatch(/scp-deny\s+applied/);
    expect(out.stdout).toMatch(
      /attached to the root: it restricts every member account, never the management account/,
    );

    const keys = await keysOf(user);
    expect(keys.map((k) => k.AccessKeyId).sort()).toEqual(before);
    expect(keys.map((k) => k.Status)).toEqual(['Inactive', 'Inactive']);

    expect(await revokePolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            DateLessThan: {
              'aws:TokenIssueTime': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            },
          },
        },
      ],
    });

    const genesis = journalEntries(dir)[0] as unknown as { exemptPrincipals: string[] };
    expect(genesis.exemptPrincipals).toContain(FORENSICS);
    const scps = await drpScps();
    expect(scps.map((p) => p.Name)).toEqual([`drp-${incident}`]);
    const { Policy } = await organizations.send(new DescribePolicyCommand({ PolicyId: scps[0]!.Id! }));
    const content = JSON.parse(Policy!.Content!) as {
      Statement: { Effect: string; Action: string; Resource: string[]; Condition: unknown }[];
    };
    expect(content.Statement).toEqual([
      {
        Sid: 'DrpDenyS3',
        Effect: 'Deny',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { ArnNotLike: { 'aws:PrincipalArn': genesis.exemptPrincipals } },
      },
    ]);
    const { Targets } = await organizations.send(new ListTargetsForPolicyCommand({ PolicyId: scps[0]!.Id! }));
    expect(Targets?.map((t) => t.TargetId)).toEqual([rootId]);
  });

  it('a second run of the same incident exits 0 and changes nothing', async () => {
    const policyBefore = await revokePolicy();
    const out = await contain(join(scratch(), 'ev'));
    expect(out.code, out.stderr).toBe(0);
    for (const step of ['block-public-access', 'disable-access-keys', 'revoke-role-sessions', 'scp-deny'])
      expect(out.stdout).toMatch(new RegExp(`${step}\\s+nothing-to-do`));
    expect(out.stdout).toMatch(/already has drp-revoke-INC-IAM-1 .*not revoked again/);
    expect(await revokePolicy()).toEqual(policyBefore);
    expect((await keysOf(user)).map((k) => k.Status)).toEqual(['Inactive', 'Inactive']);
    const scps = await drpScps();
    expect(scps).toHaveLength(1);
    const { Targets } = await organizations.send(new ListTargetsForPolicyCommand({ PolicyId: scps[0]!.Id! }));
    expect(Targets).toHaveLength(1);
  });

  it('in the management account itself the SCP step is not applicable: no SCP, and the run is CONTAINED, exit 0', async () => {
    const out = await runDrp(
      [
        '--incident',
        'INC-IAM-MGMT',
        'contain',
        '--bucket',
        bucket,
        '--yes',
        '--evidence-dir',
        join(scratch(), 'ev'),
      ],
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /^scp-deny\s+not-applicable\s+account 123456789012 is the organization's management account/m,
    );
    expect(out.stdout).toMatch(
      /CONTAINED: every applicable control is in place \(not applicable here: scp-deny[,)]/,
    );
    expect((await drpScps()).map((p) => p.Name)).toEqual([`drp-${incident}`]);
  });
});

describe('issueReplacement: the new secret is only in its 0600 file', () => {
  const apiUser = 'api-client';
  const jsonUser = 'api-client-json';

  beforeAll(async () => {
    for (const name of [apiUser, jsonUser]) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    }
  });

  const filesUnder = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
    );

  /** The secret as text, and as it would look base64-encoded (at each alignment) or URL-encoded. */
  function forms(secret: string): string[] {
    const base64 = [0, 1, 2].map((pad) =>
      Buffer.from(`${'x'.repeat(pad)}${secret}`)
        .toString('base64')
        .slice(Math.ceil((pad * 4) / 3) + 1, -4),
    );
    return [secret, encodeURIComponent(secret), ...base64.filter((b) => b.length > 16)];
  }

  /** A runbook: snapshot the bucket (an artefact), then deactivate keys and issue replacements. */
  function rotateRunbook(dir: string): string {
    const path = join(dir, 'rotate.yaml');
    writeFileSync(
      path,
      [
        'apiVersion: drp/v1',
        'name: rotate-keys',
        'description: Deactivate keys and issue one replacement per user',
        'params: { users: { type: list, required: true } }',
        'steps:',
        `  - { id: snapshot, type: s3-snapshot-config, with: { bucket: ${bucket} } }`,
        '  - id: rotate',
        '    type: iam-disable-access-keys',
        "    with: { users: '${{ params.users }}', issueReplacement: true }",
        '',
      ].join('\n'),
    );
    return path;
  }

  /** Everything drp wrote or printed, except the secret's own file, holds no form of the secret. */
  function expectNowhereBut(
    secretFile: string,
    secret: string,
    out: { stdout: string; stderr: string },
    dir: string,
  ) {
    const others = filesUnder(dir).filter((f) => f !== secretFile);
    expect(others.filter((f) => f.includes('/artefacts/')).length).toBeGreaterThan(0);
    // The journal's DSSE payloads are base64: decode each line's, as a verifier would read it.
    const payloads = readFileSync(join(dir, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) =>
        Buffer.from((JSON.parse(line) as { payload: string }).payload, 'base64').toString('utf8'),
      );
    const texts: [string, string][] = [
      ['stdout', out.stdout],
      ['stderr', out.stderr],
      ...payloads.map((p, i): [string, string] => [`journal payload ${i + 1}`, p]),
      ...others.map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
    ];
    for (const form of forms(secret))
      for (const [where, text] of texts) expect(text, `${where} holds ${form}`).not.toContain(form);
  }

  async function secretOf(user: string, dir: string) {
    const keys = await keysOf(user);
    expect(keys).toHaveLength(2);
    const fresh = keys.find((k) => k.Status === 'Active')!;
    expect(keys.filter((k) => k.Status === 'Inactive')).toHaveLength(1);
    const file = join(dir, 'secrets', `${user}-${fresh.AccessKeyId}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    const secret = (JSON.parse(readFileSync(file, 'utf8')) as { AccessKey: { SecretAccessKey: string } })
      .AccessKey.SecretAccessKey;
    expect(secret.length).toBeGreaterThan(20);
    return { secret, file, accessKeyId: fresh.AccessKeyId! };
  }

  it('appears in no stdout, no stderr (trace logs), no journal payload and no artefact, in any encoding', async () => {
    const work = scratch();
    const dir = join(work, 'ev');
    const out = await runDrp(
      [
        '--log-level',
        'trace',
        'run',
        rotateRunbook(work),
        '--param',
        `users=${apiUser},${user}`,
        '--yes',
        '--evidence-dir',
        dir,
      ],
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/user media-uploader already has 2 access keys .*drp never deletes keys/);
    const { secret, file, accessKeyId } = await secretOf(apiUser, dir);
    expect(out.stderr).toContain(accessKeyId); // the trace log ran and named the key

    expectNowhereBut(file, secret, out, dir);
    expect(journalEntries(dir).find((e) => e.type === 'result' && e.stepId === 'rotate')).toMatchObject({
      data: {
        replacements: [{ user: apiUser, accessKeyId, file: `secrets/${apiUser}-${accessKeyId}.json` }],
      },
    });
    expect((await runDrp(['verify', join(dir, 'journal.jsonl')])).code).toBe(0);
    const report = await runDrp(['report', join(dir, 'journal.jsonl')]);
    expect(report.code, report.stderr).toBe(0);
    for (const form of forms(secret)) expect(report.stdout).not.toContain(form);
  });

  it('appears nowhere with --output json either (the result document, the plan on stderr)', async () => {
    const work = scratch();
    const dir = join(work, 'ev');
    const out = await runDrp(
      [
        '--output',
        'json',
        'run',
        rotateRunbook(work),
        '--param',
        `users=${jsonUser}`,
        '--yes',
        '--evidence-dir',
        dir,
      ],
      { endpoint },
    );
    expect(out.code, out.stderr).toBe(0);
    const { secret, file, accessKeyId } = await secretOf(jsonUser, dir);
    expect(JSON.parse(out.stdout)).toMatchObject({ outcome: 'completed' });
    expect(out.stdout).toContain(accessKeyId);
    expectNowhereBut(file, secret, out, dir);
  });
});
