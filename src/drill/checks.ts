import { DRILL_PARTITION } from '../aws/drill.js';
import { isDeepStrictEqual } from 'node:util';
import { isPublicStatement } from '../steps/lib/public-policy.js';
import pLimit from 'p-limit';
import type { DrillReadPorts } from '../aws/drill.js';
import { plural } from '../text.js';
import type { Scenario } from './scenario.js';
import type { SeededIncident } from './seed.js';
import type { SeededEdge } from './seed-edge.js';

/** One control, checked from the outside by reading the emulator's state. */
export interface ControlCheck {
  control: string;
  /** The runbook step that puts this control in place: its result time is the time to this control. */
  stepId?: string;
  verified: boolean;
  /**
   * The control cannot work where the drill ran (an SCP in the management account): neither
   * verified nor failed, "no effect" on the score card.
   */
  noEffect?: boolean;
  detail: string;
}

export interface CheckTarget {
  scenario: Scenario;
  seeded: SeededIncident;
  incidentId: string;
  evidenceBucket: string;
  /** The responder's aws:PrincipalArn: every deny must exempt it. */
  responderArn: string;
  /** The function, API and distribution seeded beside the bucket (issue 17). */
  edge?: SeededEdge;
}

export type Verdict = Pick<ControlCheck, 'verified' | 'detail' | 'noEffect'>;
export type Check = (ports: DrillReadPorts, t: CheckTarget) => Promise<Verdict>;
type Statement = Record<string, unknown>;

export const list = (v: unknown): unknown[] => (v === undefined ? [] : [v].flat());
const verdict = (verified: boolean, detail: string): Verdict => ({ verified, detail });

export const blockPublicAccess: Check = async ({ s3 }, { scenario }) => {
  const block = await s3.getPublicAccessBlock(scenario.bucket);
  if (!block) return verdict(false, 'no Block Public Access configuration on the bucket');
  const off = Object.entries(block).filter(([, on]) => !on);
  return off.length
    ? verdict(false, `off: ${off.map(([name]) => name).join(', ')}`)
    : verdict(true, 'all four settings on');
};

export const accessKeysInactive: Check = async ({ iam }, { scenario, seeded }) => {
  const keys = await iam.listAccessKeys(scenario.user);
  const problems = seeded.accessKeyIds.flatMap((id) => {
    const key = keys.find((k) => k.accessKeyId === id);
    if (!key) return [`${id} is gone (deleted: it was evidence)`];
    return key.status === 'Inactive' ? [] : [`${id} is ${key.status}`];
  });
  return problems.length
    ? verdict(false, problems.join('; '))
    : verdict(true, `${seeded.accessKeyIds.length} keys of ${scenario.user} Inactive, none deleted`);
};

export const roleSessionsRevoked: Check = async ({ iam }, { scenario, incidentId }) => {
  const name = `drp-revoke-${incidentId}`;
  const document = await iam.getRolePolicy(scenario.role, name);
  if (document === undefined) return verdict(false, `${scenario.role} has no inline policy ${name}`);
  const statements = list((JSON.parse(document) as { Statement?: unknown }).Statement) as Statement[];
  const deny = statements.find(
    (s) => s.Effect === 'Deny' && list(s.Action).includes('*') && list(s.Resource).includes('*'),
  );
  const before = (deny?.Condition as { DateLessThan?: Record<string, string> } | undefined)?.DateLessThan?.[
    'aws:TokenIssueTime'
  ];
  return before
    ? verdict(true, `${name} on ${scenario.role} denies sessions issued before ${before}`)
    : verdict(false, `${name} on ${scenario.role} has no Deny of * on aws:TokenIssueTime`);
};

export const objectLockDefault: Check = async ({ s3 }, { scenario }) => {
  const lock = await s3.getObjectLockConfiguration(scenario.bucket);
  const wanted = `GOVERNANCE, ${scenario.retentionDays} days`;
  if (!lock?.enabled) return verdict(false, 'Object Lock is not enabled on the bucket');
  const actual = lock.mode ? `${lock.mode}, ${lock.days ?? 0} days` : 'no default retention';
  return lock.mode === 'GOVERNANCE' && lock.days === scenario.retentionDays
    ? verdict(true, `enabled, default retention ${actual}`)
    : verdict(false, `enabled, default retention ${actual} (expected ${wanted})`);
};

export const everyVersionHeld: Check = async ({ s3 }, { scenario, seeded }) => {
  const limit = pLimit(16);
  const notHeld: string[] = [];
  let versions = 0;
  let deleteMarkers = 0;
  for await (const page of s3.listObjectVersions(scenario.bucket)) {
    const objects = page.filter((v) => !v.isDeleteMarker);
    versions += objects.length;
    deleteMarkers += page.length - objects.length;
    await Promise.all(
      objects.map((v) =>
        limit(async () => {
          if (!(await s3.getObjectLegalHold(scenario.bucket, v.key, v.versionId)))
            notHeld.push(`${v.key}@${v.versionId}`);
        }),
      ),
    );
  }
  const held = versions - notHeld.length;
  const counts = `${held} of ${plural(versions, 'version')} held (seeded ${seeded.versions}; ${plural(deleteMarkers, 'delete marker')}, which cannot be held)`;
  if (versions !== seeded.versions || notHeld.length)
    return verdict(
      false,
      `${counts}${notHeld.length ? `; not held: ${notHeld.slice(0, 3).join(', ')}` : ''}`,
    );
  return verdict(true, counts);
};

export const denyPolicy: Check = async ({ s3 }, { scenario, seeded, responderArn }) => {
  const text = await s3.getBucketPolicy(scenario.bucket);
  if (!text) return verdict(false, 'the bucket has no policy');
  const statements = list((JSON.parse(text) as { Statement?: unknown }).Statement) as Statement[];
  // The seeded public grant must be gone (S3 refuses it under Block Public Access); the rest kept.
  const [publicGrants, others] = [
    seeded.policyStatements.filter(isPublicStatement),
    seeded.policyStatements.filter((o) => !isPublicStatement(o)),
  ];
  const kept = others.filter((o) => statements.some((s) => isDeepStrictEqual(s, o)));
  const stillPublic = statements.filter(isPublicStatement);
  const arn = `arn:${DRILL_PARTITION}:s3:::${scenario.bucket}`;
  const denies = statements.filter(
    (s) =>
      s.Effect === 'Deny' &&
      list(s.Action).some((a) => a === 's3:*' || a === '*') &&
      [arn, `${arn}/*`].every((r) => list(s.Resource).includes(r)),
  );
  const exempting = denies.find((s) => {
    const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    return list(condition.ArnNotLike?.['aws:PrincipalArn']).includes(responderArn);
  });
  const lost = others.length - kept.length;
  if (lost) return verdict(false, `${lost} of the ${others.length} original non-public statements lost`);
  if (stillPublic.length) return verdict(false, `${stillPublic.length} public grant(s) still in the policy`);
  if (!exempting)
    return verdict(
      false,
      denies.length
        ? `the deny does not exempt the responder ${responderArn}`
        : 'no Deny of s3:* on the bucket',
    );
  return verdict(
    true,
    `${plural(kept.length, 'original statement')} kept, ${plural(publicGrants.length, 'public grant')} removed, Deny ${String(exempting.Sid ?? '')} exempts ${responderArn}`,
  );
};

export const scpAttached: Check = async ({ organizations }, { scenario, seeded, incidentId }) => {
  const name = `drp-${incidentId}`;
  // SCPs never restrict the management account (AWS Organizations User Guide): there, no SCP is
  // the right outcome (scp-deny is not applicable), and one attached anyway would change nothing.
  const management = (await organizations.describeOrganization()).managementAccountId;
  if (management === seeded.account)
    return {
      verified: false,
      noEffect: true,
      detail: `account ${seeded.account} is the organization's management account, which SCPs never restrict (scp-deny: not applicable)`,
    };
  const scp = await organizations.findScpByName(name);
  if (!scp) return verdict(false, `no SCP named ${name}`);
  const content = JSON.parse(await organizations.getPolicyContent(scp.id)) as { Statement?: unknown };
  const bucketDenied = (list(content.Statement) as Statement[]).some(
    (s) => s.Effect === 'Deny' && list(s.Resource).includes(`arn:${DRILL_PARTITION}:s3:::${scenario.bucket}`),
  );
  const targets = await organizations.listPolicyTargets(scp.id);
  if (!targets.includes(seeded.account))
    return verdict(false, `${name} is attached to ${targets.join(', ') || 'nothing'}, not ${seeded.account}`);
  return bucketDenied
    ? verdict(true, `${name} (${scp.id}) attached to ${seeded.account}, denies the bucket`)
    : verdict(false, `${name} is attached but does not deny the bucket`);
};

/** The containment controls, in runbook order, with the step that puts each in place. */
export const CONTAINMENT_CHECKS: { control: string; stepId: string; check: Check }[] = [
  { control: 'Block Public Access', stepId: 'block-public-access', check: blockPublicAccess },
  { control: 'Vendor access keys inactive', stepId: 'disable-access-keys', check: accessKeysInactive },
  { control: 'Role sessions revoked', stepId: 'revoke-role-sessions', check: roleSessionsRevoked },
  { control: 'Bucket policy deny', stepId: 'deny-policy', check: denyPolicy },
  { control: 'SCP deny attached', stepId: 'scp-deny', check: scpAttached },
  { control: 'Object Lock default retention', stepId: 'object-lock', check: objectLockDefault },
  { control: 'Legal hold on every version', stepId: 'legal-holds', check: everyVersionHeld },
];

/** Runs one check; a failed read is a control not verified, with the error as its detail. */
export async function runCheck(
  entry: { control: string; stepId?: string; check: Check },
  ports: DrillReadPorts,
  target: CheckTarget,
): Promise<ControlCheck> {
  try {
    return { control: entry.control, stepId: entry.stepId, ...(await entry.check(ports, target)) };
  } catch (err) {
    const name = (err as Error).name && (err as Error).name !== 'Error' ? `${(err as Error).name}: ` : '';
    return {
      control: entry.control,
      stepId: entry.stepId,
      verified: false,
      detail: `could not check: ${name}${(err as Error).message}`,
    };
  }
}
