import { describe, expect, it } from 'vitest';
import type { DrillReadPorts } from '../../../src/aws/drill.js';
import type { IamPort } from '../../../src/aws/iam.js';
import type { OrganizationsPort } from '../../../src/aws/organizations.js';
import type { S3Port } from '../../../src/aws/s3.js';
import type { VersionEntry } from '../../../src/aws/s3-versions.js';
import {
  accessKeysInactive,
  blockPublicAccess,
  denyPolicy,
  everyVersionHeld,
  objectLockDefault,
  roleSessionsRevoked,
  runCheck,
  scpAttached,
  type CheckTarget,
} from '../../../src/drill/checks.js';
import {
  accessLogsPreserved,
  bucketStatePreserved,
  checkControls,
  cloudTrailLogsPreserved,
  evidenceBucketLocked,
  journalVerified,
} from '../../../src/drill/evidence-checks.js';
import { deepfakeS3Leak } from '../../../src/drill/scenario.js';
import { edgePorts } from '../../support/drill-edge-ports.js';

const ACCOUNT = '123456789012';
const RESPONDER = `arn:aws:sts::${ACCOUNT}:user/moto`;
const INCIDENT = 'DRILL-20261125-030000-ab12';
const scenario = deepfakeS3Leak('t001');
const BUCKET_ARN = `arn:aws:s3:::${scenario.bucket}`;
const EVIDENCE = `drp-evidence-${ACCOUNT}-us-east-1`;
const PUBLIC_READ = {
  Sid: 'PublicReadProductImages',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `${BUCKET_ARN}/*`,
};
const VENDOR = {
  Sid: 'VendorUpload',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/vendor-genai-uploader` },
  Action: 's3:PutObject',
  Resource: `${BUCKET_ARN}/*`,
};
const DENY = {
  Sid: 'DrpContainDRILL20261125030000ab12',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
  Condition: { ArnNotLike: { 'aws:PrincipalArn': [RESPONDER] } },
};
const CT = `incidents/${INCIDENT}/cloudtrail/${scenario.trailBucket}/`;
const AL = `incidents/${INCIDENT}/access-logs/${scenario.logBucket}/`;

const target: CheckTarget = {
  scenario,
  incidentId: INCIDENT,
  evidenceBucket: EVIDENCE,
  responderArn: RESPONDER,
  seeded: {
    account: ACCOUNT,
    region: 'us-east-1',
    rootId: 'r-ab12',
    policyStatements: [PUBLIC_READ, VENDOR],
    accessKeyIds: ['AKIAONE', 'AKIATWO'],
    versions: 3,
    deleteMarkers: 1,
    trailFiles: { inWindow: ['AWSLogs/new.json.gz'], outOfWindow: ['AWSLogs/old.json.gz'] },
    accessLogs: { inWindow: ['access/2026-11-25-01'], outOfWindow: ['access/2026-11-10-01'] },
    ms: 1,
  },
  edge: {
    functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:review-generator`,
    functionUrl: 'https://x.lambda-url.us-east-1.on.aws/',
    restApiId: 'a1b2c3d4e5',
    stage: 'prod',
    distributionId: 'E1CDN',
    distributionDomain: 'd1.cloudfront.net',
    containArgs: [],
  },
};

const VERSIONS: VersionEntry[] = [
  { key: 'a.jpg', versionId: 'v1', isDeleteMarker: false, isLatest: false },
  { key: 'a.jpg', versionId: 'v2', isDeleteMarker: false, isLatest: true },
  { key: 'b.jpg', versionId: 'v3', isDeleteMarker: false, isLatest: false },
  { key: 'b.jpg', versionId: 'm1', isDeleteMarker: true, isLatest: true },
];

/** The emulator's state after a good containment run, as the ports would read it; `over` changes parts. */
function ports(
  over: { s3?: Partial<S3Port>; iam?: Partial<IamPort>; org?: Partial<OrganizationsPort> } = {},
) {
  const evidence: Record<string, string> = {
    [`${CT}AWSLogs/new.json.gz`]: 'ON',
    [`${AL}access/2026-11-25-01`]: 'ON',
    [`incidents/${INCIDENT}/bucket-state/20261125T030001Z/s3-config-${scenario.bucket}.json`]: 'ON',
    [`incidents/${INCIDENT}/bucket-state/20261125T030001Z/legal-holds-${scenario.bucket}.jsonl`]: 'ON',
  };
  const s3: Partial<S3Port> = {
    getPublicAccessBlock: async () => ({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    }),
    getObjectLockConfiguration: async () => ({ enabled: true, mode: 'GOVERNANCE', days: 30 }),
    async *listObjectVersions() {
      yield VERSIONS;
    },
    getObjectLegalHold: async () => true,
    getBucketPolicy: async () => JSON.stringify({ Version: '2012-10-17', Statement: [VENDOR, DENY] }),
    getEvidenceBucketLock: async () => ({
      enabled: true,
      defaultRetention: { mode: 'GOVERNANCE', days: 365 },
    }),
    async *listObjectsUnder(_bucket: string, prefix: string) {
      yield Object.keys(evidence)
        .filter((k) => k.startsWith(prefix))
        .map((key) => ({ key, size: 1 }));
    },
    headEvidenceObject: async (_bucket: string, key: string) => ({ size: 1, legalHold: evidence[key] }),
    ...over.s3,
  };
  const iam: Partial<IamPort> = {
    listAccessKeys: async () => [
      { accessKeyId: 'AKIAONE', status: 'Inactive' },
      { accessKeyId: 'AKIATWO', status: 'Inactive' },
    ],
    getRolePolicy: async (_role: string, name: string) =>
      name === `drp-revoke-${INCIDENT}`
        ? JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: '*',
                Resource: '*',
                Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-25T03:00:01.000Z' } },
              },
            ],
          })
        : undefined,
    ...over.iam,
  };
  const organizations: Partial<OrganizationsPort> = {
    // The drill's account as a member: the organization is managed from another account.
    describeOrganization: async () => ({
      id: 'o-abc',
      managementAccountId: '999999999999',
      featureSet: 'ALL',
    }),
    findScpByName: async (name: string) => (name === `drp-${INCIDENT}` ? { id: 'p-abc', name } : undefined),
    getPolicyContent: async () =>
      JSON.stringify({
        Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`] }],
      }),
    listPolicyTargets: async () => [ACCOUNT],
    ...over.org,
  };
  return {
    s3,
    iam,
    organizations,
    ...edgePorts(INCIDENT),
    callerIdentity: async () => ({ arn: RESPONDER, account: ACCOUNT, userId: 'x' }),
  } as DrillReadPorts;
}

describe('drill checks on a contained incident', () => {
  it('verifies every control, each with what it saw', async () => {
    const checks = await checkControls(ports(), target);
    expect(checks.filter((c) => !c.verified)).toEqual([]);
    expect(checks.map((c) => [c.control, c.detail])).toEqual([
      ['Block Public Access', 'all four settings on'],
      ['Vendor access keys inactive', `2 keys of ${scenario.user} Inactive, none deleted`],
      [
        'Role sessions revoked',
        `drp-revoke-${INCIDENT} on ${scenario.role} denies sessions issued before 2026-11-25T03:00:01.000Z`,
      ],
      [
        'Bucket policy deny',
        `1 original statement kept, 1 public grant removed, Deny ${DENY.Sid} exempts ${RESPONDER}`,
      ],
      ['SCP deny attached', `drp-${INCIDENT} (p-abc) attached to ${ACCOUNT}, denies the bucket`],
      ['Lambda function throttled', 'review-generator: reserved concurrency 0, every invocation throttled'],
      ['API stage throttled', 'a1b2c3d4e5/prod: every method rate 0, burst 0 (callers get 429)'],
      ['CDN cache invalidated', 'E1CDN: invalidation I1 of /* completed'],
      ['Object Lock default retention', 'enabled, default retention GOVERNANCE, 30 days'],
      [
        'Legal hold on every version',
        '3 of 3 versions held (seeded 3; 1 delete marker, which cannot be held)',
      ],
      ['Evidence bucket Object-Locked', `${EVIDENCE}: Object Lock on, GOVERNANCE 365 days`],
      ['Bucket state preserved', '2 files held: the configuration snapshot and the versions manifest'],
      ['CloudTrail logs preserved', '1 log and digest file of the window held, 1 older file left out'],
      ['Access logs preserved', '1 access log file of the window held, 1 older file left out'],
    ]);
  });
});

describe('drill checks: a control not in place is NOT verified, saying what was found', () => {
  const not = async (check: Parameters<typeof runCheck>[0]['check'], p: DrillReadPorts) =>
    runCheck({ control: 'x', check }, p, target);

  it('Block Public Access with a setting off, or none at all', async () => {
    const partial = ports({
      s3: {
        getPublicAccessBlock: async () => ({
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        }),
      },
    });
    expect(await not(blockPublicAccess, partial)).toMatchObject({
      verified: false,
      detail: 'off: BlockPublicPolicy',
    });
    expect(
      await not(blockPublicAccess, ports({ s3: { getPublicAccessBlock: async () => undefined } })),
    ).toMatchObject({
      verified: false,
      detail: 'no Block Public Access configuration on the bucket',
    });
  });

  it('a vendor key still Active, or deleted', async () => {
    const p = ports({ iam: { listAccessKeys: async () => [{ accessKeyId: 'AKIAONE', status: 'Active' }] } });
    expect(await not(accessKeysInactive, p)).toMatchObject({
      verified: false,
      detail: 'AKIAONE is Active; AKIATWO is gone (deleted: it was evidence)',
    });
  });

  it('a role without the revoke policy, or with one that denies nothing by token time', async () => {
    expect(
      await not(roleSessionsRevoked, ports({ iam: { getRolePolicy: async () => undefined } })),
    ).toMatchObject({
      verified: false,
      detail: `${scenario.role} has no inline policy drp-revoke-${INCIDENT}`,
    });
    const allow = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(
      await not(roleSessionsRevoked, ports({ iam: { getRolePolicy: async () => allow } })),
    ).toMatchObject({
      verified: false,
      detail: `drp-revoke-${INCIDENT} on ${scenario.role} has no Deny of * on aws:TokenIssueTime`,
    });
  });

  it('Object Lock off, or with another mode or retention', async () => {
    expect(
      await not(objectLockDefault, ports({ s3: { getObjectLockConfiguration: async () => undefined } })),
    ).toMatchObject({ verified: false, detail: 'Object Lock is not enabled on the bucket' });
    const compliance = ports({
      s3: { getObjectLockConfiguration: async () => ({ enabled: true, mode: 'COMPLIANCE', days: 1 }) },
    });
    expect(await not(objectLockDefault, compliance)).toMatchObject({
      verified: false,
      detail: 'enabled, default retention COMPLIANCE, 1 days (expected GOVERNANCE, 30 days)',
    });
  });

  it('a version without a legal hold, or fewer versions than were seeded', async () => {
    const unheld = ports({
      s3: { getObjectLegalHold: async (_b, key, v) => !(key === 'a.jpg' && v === 'v1') },
    });
    expect(await not(everyVersionHeld, unheld)).toMatchObject({
      verified: false,
      detail: '2 of 3 versions held (seeded 3; 1 delete marker, which cannot be held); not held: a.jpg@v1',
    });
    const lost = ports({
      s3: {
        async *listObjectVersions() {
          yield VERSIONS.slice(1);
        },
      },
    });
    expect(await not(everyVersionHeld, lost)).toMatchObject({
      verified: false,
      detail: '2 of 2 versions held (seeded 3; 1 delete marker, which cannot be held)',
    });
  });

  it('a bucket policy that lost an original statement, kept a public grant, or whose deny does not exempt the responder', async () => {
    const policy = (...Statement: object[]) => ({
      s3: { getBucketPolicy: async () => JSON.stringify({ Statement }) },
    });
    expect(await not(denyPolicy, ports(policy(DENY)))).toMatchObject({
      verified: false,
      detail: '1 of the 1 original non-public statements lost',
    });
    expect(await not(denyPolicy, ports(policy(VENDOR, PUBLIC_READ, DENY)))).toMatchObject({
      verified: false,
      detail: '1 public grant(s) still in the policy',
    });
    const lockout = {
      ...DENY,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::1:role/Other'] } },
    };
    expect(await not(denyPolicy, ports(policy(VENDOR, lockout)))).toMatchObject({
      verified: false,
      detail: `the deny does not exempt the responder ${RESPONDER}`,
    });
    expect(await not(denyPolicy, ports(policy(VENDOR)))).toMatchObject({
      verified: false,
      detail: 'no Deny of s3:* on the bucket',
    });
  });

  it('no SCP, or one attached elsewhere', async () => {
    expect(await not(scpAttached, ports({ org: { findScpByName: async () => undefined } }))).toMatchObject({
      verified: false,
      detail: `no SCP named drp-${INCIDENT}`,
    });
    expect(
      await not(scpAttached, ports({ org: { listPolicyTargets: async () => ['r-ab12'] } })),
    ).toMatchObject({
      verified: false,
      detail: `drp-${INCIDENT} is attached to r-ab12, not ${ACCOUNT}`,
    });
  });

  it('an SCP in the management account has no effect: neither verified nor failed', async () => {
    const management = ports({
      org: {
        describeOrganization: async () => ({ id: 'o-abc', managementAccountId: ACCOUNT, featureSet: 'ALL' }),
        findScpByName: async () => undefined,
      },
    });
    expect(await scpAttached(management, target)).toEqual({
      verified: false,
      noEffect: true,
      detail: `account ${ACCOUNT} is the organization's management account, which SCPs never restrict (scp-deny: not applicable)`,
    });
  });

  it('an evidence bucket without Object Lock', async () => {
    expect(
      await not(evidenceBucketLocked, ports({ s3: { getEvidenceBucketLock: async () => undefined } })),
    ).toMatchObject({ verified: false, detail: `${EVIDENCE} has no Object Lock` });
  });

  it('no snapshot in the evidence bucket', async () => {
    const empty = ports({
      s3: {
        async *listObjectsUnder() {
          yield [];
        },
      },
    });
    expect(await not(bucketStatePreserved, empty)).toMatchObject({
      verified: false,
      detail: 'no configuration snapshot of the bucket in the evidence bucket',
    });
  });

  it('log copies: one of the window missing, one from before it copied, one without a legal hold', async () => {
    const copies = (keys: string[], hold = 'ON') =>
      ports({
        s3: {
          async *listObjectsUnder(_b: string, prefix: string) {
            yield keys.filter((k) => k.startsWith(prefix)).map((key) => ({ key, size: 1 }));
          },
          headEvidenceObject: async () => ({ size: 1, legalHold: hold }),
        },
      });
    expect(await not(cloudTrailLogsPreserved, copies([`${CT}AWSLogs/old.json.gz`]))).toMatchObject({
      verified: false,
      detail:
        'log and digest files: 1 of the window missing (AWSLogs/new.json.gz); 1 from before the window copied (AWSLogs/old.json.gz)',
    });
    expect(await not(cloudTrailLogsPreserved, copies([`${CT}AWSLogs/new.json.gz`], 'OFF'))).toMatchObject({
      verified: false,
      detail: 'log and digest files: 1 without a legal hold',
    });
    // CloudTrail files nobody seeded are a finding; access logs the emulator wrote itself are not.
    const extra = [
      `${CT}AWSLogs/new.json.gz`,
      `${CT}AWSLogs/stray.json.gz`,
      `${AL}access/2026-11-25-01`,
      `${AL}access/x`,
    ];
    expect(await not(cloudTrailLogsPreserved, copies(extra))).toMatchObject({
      verified: false,
      detail: 'log and digest files: 1 not seeded (AWSLogs/stray.json.gz)',
    });
    expect(await not(accessLogsPreserved, copies(extra))).toMatchObject({
      verified: true,
      detail: '1 access log file of the window held (+1 the emulator wrote), 1 older file left out',
    });
  });

  it('a read that fails is NOT verified, with the error', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    const p = ports({
      s3: {
        getPublicAccessBlock: async () => {
          throw denied;
        },
      },
    });
    expect(
      await runCheck(
        { control: 'Block Public Access', stepId: 'block-public-access', check: blockPublicAccess },
        p,
        target,
      ),
    ).toEqual({
      control: 'Block Public Access',
      stepId: 'block-public-access',
      verified: false,
      detail: 'could not check: AccessDenied: Access Denied',
    });
  });
});

describe('journalVerified', () => {
  const ok = {
    ok: true,
    entries: 33,
    sealed: true,
    anchor: { location: `s3://${EVIDENCE}/incidents/${INCIDENT}/journals/j1/`, ok: true, problems: [] },
  };
  const run = (json: object, code = 0) => ({ code, stdout: JSON.stringify(json), stderr: '' });

  it('is verified when drp verify passed with the anchor compared', () => {
    expect(journalVerified(run(ok))).toEqual({
      control: 'Journal verified and anchored',
      verified: true,
      detail: `33 entries, sealed, signed by the drill's key, artefacts re-hashed, same as ${ok.anchor.location}`,
    });
  });

  it('is NOT verified when a line fails, the anchor differs, no anchor was compared, or verify did not answer', () => {
    expect(
      journalVerified(
        run({ ...ok, ok: false, failure: { line: 7, reason: 'signature does not verify' } }, 1),
      ),
    ).toMatchObject({ verified: false, detail: 'line 7: signature does not verify' });
    expect(
      journalVerified(
        run(
          { ...ok, ok: false, anchor: { ...ok.anchor, ok: false, problems: ['cut short after line 5'] } },
          1,
        ),
      ),
    ).toMatchObject({ verified: false, detail: 'anchor: cut short after line 5' });
    expect(journalVerified(run({ ...ok, anchor: undefined }))).toMatchObject({
      verified: false,
      detail: 'not compared with an anchor',
    });
    expect(
      journalVerified({ code: 2, stdout: '', stderr: 'drp: <journal>: cannot read x (ENOENT)\n' }),
    ).toMatchObject({
      verified: false,
      detail: 'drp verify failed: drp: <journal>: cannot read x (ENOENT)',
    });
  });
});
