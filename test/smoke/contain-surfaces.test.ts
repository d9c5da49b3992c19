import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeContinuousBackupsCommand,
  GetResourcePolicyCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectLegalHoldCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyJournal } from '../../src/journal/verify.js';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { runDrp, scratch } from '../support/drp.js';
import { seedTable, seedUserPool, seedVpcFunction, surfaceClients } from '../support/surfaces.js';

// The dossier's other surfaces beside the leaked bucket, on moto: a customer table, a user pool's
// users and a function in a VPC are contained by `drp contain`, read back from the emulator, then
// put back by `drp restore`. Detective and Personalize are not in moto (their steps are
// not-applicable here; their unit tests cover them).
const endpoint = inject('motoUrl');
const { s3, iam, organizations } = emulatorClients(endpoint);
const clients = surfaceClients(endpoint);
const bucket = 'leaked-media';
const table = 'customer-profiles';
const incident = 'INC-SURF-1';
const FORENSICS = 'arn:aws:iam::123456789012:role/ops/Forensics';
const evidenceBucket = 'drp-evidence-123456789012-us-east-1';

let pool: string;
let fn: Awaited<ReturnType<typeof seedVpcFunction>>;
let tableArn: string;
const evidence = scratch('drp-surfaces-');

const enabled = async (username: string) =>
  (await clients.cognito.send(new AdminGetUserCommand({ UserPoolId: pool, Username: username }))).Enabled;
const tablePolicy = () =>
  clients.dynamodb.send(new GetResourcePolicyCommand({ ResourceArn: tableArn })).then(
    (out) => JSON.parse(out.Policy!) as { Statement: Record<string, unknown>[] },
    (err: Error) => (err.name === 'PolicyNotFoundException' ? undefined : Promise.reject(err)),
  );
const functionGroups = async () =>
  (await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn.arn }))).VpcConfig;
const pitr = async () =>
  (await clients.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: table })))
    .ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;

function contain(dir: string, ...extra: string[]) {
  return runDrp(
    [
      '--incident',
      incident,
      'contain',
      '--bucket',
      bucket,
      '--table',
      table,
      '--function',
      fn.arn,
      '--exempt-principal',
      FORENSICS,
      '--evidence-dir',
      dir,
      '--yes',
      ...extra,
    ],
    { endpoint },
  );
}

describe('drp contain: a DynamoDB table, Cognito users and a VPC function beside the bucket', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await seedOrganization(organizations);
    tableArn = await seedTable(clients, table, 5);
    pool = await seedUserPool(clients, { mallory: true, trent: false });
    fn = await seedVpcFunction(clients, iam, 'review-generator');
  });

  it('--cognito-user without --user-pool is exit 2 naming both, and nothing changes', async () => {
    const out = await contain(join(evidence, 'refused'), '--cognito-user', 'mallory');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--cognito-user needs --user-pool ID/);
    expect(await enabled('mallory')).toBe(true);
    expect(await tablePolicy()).toBeUndefined();
    expect((await functionGroups())?.SecurityGroupIds).toEqual([fn.appGroup]);
  });

  it('denies item writes on the table, exports it into the evidence bucket, disables the user and isolates the function', async () => {
    const dir = join(evidence, 'run');
    const out = await contain(
      dir,
      '--user-pool',
      pool,
      '--cognito-user',
      'mallory',
      '--cognito-user',
      'trent',
    );
    expect(out.code, out.stdout + out.stderr).toBe(0);
    for (const step of ['dynamodb-contain', 'cognito-contain', 'network-isolate', 'dynamodb-export'])
      expect(out.stdout).toMatch(new RegExp(`${step}\\s+applied`));
    expect(out.stdout).toMatch(/personalize-imports\s+not-applicable/);

    // The table: drp's deny of writes in its resource-based policy, exempting the responders.
    const deny = (await tablePolicy())!.Statement.find((s) => s.Sid === 'DrpContainINCSURF1')!;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: tableArn });
    expect(deny.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:PartiQLUpdate']));
    expect(deny.Action).not.toContain('dynamodb:GetItem');
    expect(
      (deny.Condition as { ArnNotLike: Record<string, string[]> }).ArnNotLike['aws:PrincipalArn'],
    ).toContain(FORENSICS);
    // moto does not evaluate table policies: reads and writes of the emulator's single caller still work.
    await clients.dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'probe' } } }));

    // The export: AWS's layout under the incident's prefix, every file under legal hold.
    expect(await pitr()).toBe('ENABLED');
    const prefix = `incidents/${incident}/dynamodb/${table}/AWSDynamoDB/`;
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: evidenceBucket, Prefix: prefix }),
    );
    const keys = Contents.map((o) => o.Key!);
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/manifest-summary\.json$/),
        expect.stringMatching(/\/manifest-files\.json$/),
        expect.stringMatching(/\/data\/[0-9a-f]+\.json\.gz$/),
      ]),
    );
    for (const Key of keys) {
      const hold = await s3.send(new GetObjectLegalHoldCommand({ Bucket: evidenceBucket, Key }));
      expect(hold.LegalHold?.Status, Key).toBe('ON');
    }
    const entries = verifyJournal(readFileSync(join(dir, 'journal.jsonl'))).entries as unknown as {
      type: string;
      name?: string;
    }[];
    expect(entries.filter((e) => e.type === 'artefact').map((e) => e.name)).toContain(
      `dynamodb-export-${table}.json`,
    );

    // The users: mallory disabled, trent (disabled before) still disabled.
    expect(await enabled('mallory')).toBe(false);
    expect(await enabled('trent')).toBe(false);
    expect(out.stdout).toMatch(
      /accepts the access and ID tokens already issued until they expire: up to 30 min/,
    );

    // The function: the isolation group alone, which has no rule at all.
    const vpc = await functionGroups();
    expect(vpc?.SubnetIds).toEqual([fn.subnetId]);
    expect(vpc?.SecurityGroupIds).toHaveLength(1);
    const [iso] = vpc!.SecurityGroupIds!;
    expect(iso).not.toBe(fn.appGroup);
    const { SecurityGroups = [] } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [iso!] }),
    );
    expect(SecurityGroups[0]).toMatchObject({ VpcId: fn.vpcId, IpPermissions: [], IpPermissionsEgress: [] });
    expect(SecurityGroups[0]!.Tags).toContainEqual({ Key: 'drp:isolation', Value: 'no-inbound-no-outbound' });
  });

  it('drp restore puts each back, keeping the isolation group, PITR and the export', async () => {
    const journal = join(evidence, 'run', 'journal.jsonl');
    const out = await runDrp(['restore', journal, '--yes', '--evidence-dir', join(evidence, 'restore')], {
      endpoint,
    });
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await tablePolicy()).toBeUndefined();
    expect(await enabled('mallory')).toBe(true);
    expect(await enabled('trent')).toBe(false);
    expect((await functionGroups())?.SecurityGroupIds).toEqual([fn.appGroup]);
    const { SecurityGroups = [] } = await clients.ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['drp:isolation'] }] }),
    );
    expect(SecurityGroups).toHaveLength(1);
    expect(await pitr()).toBe('ENABLED');
    expect(out.stdout).toMatch(/point-in-time recovery of table customer-profiles stays on/);
  });
});
