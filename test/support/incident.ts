import { GetRolePolicyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ListPoliciesForTargetCommand } from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { emulatorClients, seedLambdaRole, seedOrganization, seedUserWithKeys } from './aws.js';

/** What a leaked-bucket incident has in the emulator before drp runs. */
export interface IncidentSpec {
  bucket?: string;
  /** Objects (keys) written once each: clips/fake-N.mp4. */
  objects?: number;
  /** How many of them are written a second time (two versions). */
  overwrites?: number;
  /** How many of them are then deleted (a delete marker each). */
  deleted?: number;
  /** More keys, one version each (names with spaces, unicode, ../, 1024 bytes, ...). */
  extraKeys?: string[];
  /** An IAM user with two active access keys (false: none). */
  user?: string | false;
  /** An IAM role with a path (false: none). */
  role?: { name: string; path: string } | false;
  /** An organization with SCPs enabled, as the SCP step needs. */
  organization?: boolean;
}

export interface SeededIncident {
  bucket: string;
  /** Every object version (delete markers excluded). */
  versions: { key: string; versionId: string }[];
  deleteMarkers: number;
  /** The bucket policy's one statement before drp. */
  statement: Record<string, unknown>;
  user?: string;
  accessKeyIds: string[];
  role?: { name: string; arn: string };
  /**
   * The organization's root, when one was seeded. The emulator's caller is the management account,
   * which SCPs never restrict (scp-deny is not applicable there), so the SCP goes on the root.
   */
  rootId?: string;
}

type Clients = ReturnType<typeof emulatorClients>;

const SEED_CONCURRENCY = 8;

/**
 * Seeds a leaked bucket (versioned, with overwritten versions, delete markers and a policy), a
 * user with keys, a role with a path and an organization: what `drp contain` acts on.
 */
export async function seedIncident(clients: Clients, spec: IncidentSpec = {}): Promise<SeededIncident> {
  const { s3, iam, organizations } = clients;
  const bucket = spec.bucket ?? 'leaked-media';
  const limit = pLimit(SEED_CONCURRENCY);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const put = async (key: string, body: string) => {
    const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return { key, versionId: out.VersionId ?? 'null' };
  };
  const keys = Array.from({ length: spec.objects ?? 200 }, (_, i) => `clips/fake-${i}.mp4`);
  const versions = [
    ...(await Promise.all(keys.map((k) => limit(() => put(k, `v1 ${k}`))))),
    ...(await Promise.all(keys.slice(0, spec.overwrites ?? 0).map((k) => limit(() => put(k, `v2 ${k}`))))),
    ...(await Promise.all((spec.extraKeys ?? []).map((k) => limit(() => put(k, `extra`))))),
  ];
  const deleted = keys.slice(keys.length - (spec.deleted ?? 1));
  await Promise.all(
    deleted.map((k) => limit(() => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: k })))),
  );
  const statement = {
    Sid: 'MediaReader',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::123456789012:role/MediaReader' },
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
  };
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
    }),
  );

  const seeded: SeededIncident = {
    bucket,
    versions,
    deleteMarkers: deleted.length,
    statement,
    accessKeyIds: [],
  };
  const user = spec.user === undefined ? 'media-uploader' : spec.user;
  if (user) {
    seeded.accessKeyIds.push(...(await seedUserWithKeys(iam, user)));
    seeded.user = user;
  }
  const role = spec.role === undefined ? { name: 'media-pipeline', path: '/media/' } : spec.role;
  if (role) {
    seeded.role = { name: role.name, arn: await seedLambdaRole(iam, role.name, role.path) };
  }
  if (spec.organization ?? true) seeded.rootId = await seedOrganization(organizations);
  return seeded;
}

/** The `drp contain` flags that name everything seeded. */
export function containFlags(seeded: SeededIncident): string[] {
  return [
    '--bucket',
    seeded.bucket,
    ...(seeded.user ? ['--user', seeded.user] : []),
    ...(seeded.role ? ['--role', seeded.role.name] : []),
    ...(seeded.rootId ? ['--scp-target', seeded.rootId] : []),
  ];
}

const orUndefined = <T>(p: Promise<T>) => p.catch(() => undefined);

/**
 * Every containment control `drp contain` must leave, read from the emulator itself: an empty list
 * when all are in place, else one line per control that is missing.
 */
export async function missingControls(
  clients: Clients,
  seeded: SeededIncident,
  incidentId: string,
): Promise<string[]> {
  const { s3, iam, organizations } = clients;
  const { bucket } = seeded;
  const missing: string[] = [];
  const block = await orUndefined(s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })));
  const flags = Object.values(block?.PublicAccessBlockConfiguration ?? {});
  if (flags.length !== 4 || !flags.every(Boolean)) missing.push('Block Public Access: not all four on');

  const lock = await orUndefined(s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })));
  if (lock?.ObjectLockConfiguration?.Rule?.DefaultRetention?.Mode !== 'GOVERNANCE')
    missing.push('Object Lock: no GOVERNANCE default retention');

  const limit = pLimit(SEED_CONCURRENCY);
  const unheld = await Promise.all(
    seeded.versions.map((v) =>
      limit(async () => {
        const out = await orUndefined(
          s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId })),
        );
        return out?.LegalHold?.Status === 'ON' ? [] : [`${v.key} ${v.versionId}`];
      }),
    ),
  );
  const notHeld = unheld.flat();
  if (notHeld.length) missing.push(`legal hold missing on ${notHeld.length} version(s), e.g. ${notHeld[0]}`);

  const policy = await orUndefined(s3.send(new GetBucketPolicyCommand({ Bucket: bucket })));
  const statements = (JSON.parse(policy?.Policy ?? '{"Statement":[]}') as { Statement: { Sid?: string }[] })
    .Statement;
  if (!statements.some((s) => s.Sid === seeded.statement.Sid))
    missing.push('bucket policy: original statement lost');
  if (!statements.some((s) => s.Sid === `DrpContain${incidentId.replace(/[^A-Za-z0-9]/g, '')}`))
    missing.push('bucket policy: no drp deny statement');

  if (seeded.user) {
    const keys =
      (await iam.send(new ListAccessKeysCommand({ UserName: seeded.user }))).AccessKeyMetadata ?? [];
    const ids = keys.map((k) => k.AccessKeyId).sort();
    if (JSON.stringify(ids) !== JSON.stringify([...seeded.accessKeyIds].sort()))
      missing.push('access keys: not exactly the seeded ones');
    if (keys.some((k) => k.Status !== 'Inactive')) missing.push('access keys: one is still Active');
  }
  if (seeded.role) {
    const revoke = await orUndefined(
      iam.send(
        new GetRolePolicyCommand({ RoleName: seeded.role.name, PolicyName: `drp-revoke-${incidentId}` }),
      ),
    );
    if (!revoke?.PolicyDocument) missing.push(`role ${seeded.role.name}: no revoke policy`);
  }
  // Without a root to attach it to, the SCP step is not applicable (the management account): no SCP.
  const target = seeded.rootId ?? '123456789012';
  const attached = await orUndefined(
    organizations.send(
      new ListPoliciesForTargetCommand({ TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }),
    ),
  );
  const scp = attached?.Policies?.some((p) => p.Name === `drp-${incidentId}`);
  if (seeded.rootId && !scp) missing.push(`SCP drp-${incidentId}: not attached to root ${seeded.rootId}`);
  if (!seeded.rootId && scp)
    missing.push(`SCP drp-${incidentId}: attached to the management account (no effect)`);
  return missing;
}
