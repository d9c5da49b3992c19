import pLimit from 'p-limit';
import type { DrillReadPorts } from '../aws/drill.js';
import { plural } from '../text.js';
import {
  CONTAINMENT_CHECKS,
  runCheck,
  type Check,
  type CheckTarget,
  type ControlCheck,
  type Verdict,
} from './checks.js';
import { EDGE_CHECKS } from './checks-edge.js';
import { CONTAINMENT_STEPS } from './scenario.js';

const verdict = (verified: boolean, detail: string): Verdict => ({ verified, detail });
const incidentPrefix = (t: CheckTarget) => `incidents/${t.incidentId}/`;

export const evidenceBucketLocked: Check = async ({ s3 }, t) => {
  const lock = await s3.getEvidenceBucketLock(t.evidenceBucket);
  if (!lock?.enabled) return verdict(false, `${t.evidenceBucket} has no Object Lock`);
  const r = lock.defaultRetention;
  const retention = r
    ? `${r.mode} ${r.days ? `${r.days} days` : `${r.years ?? 0} years`}`
    : 'no default retention';
  return verdict(Boolean(r), `${t.evidenceBucket}: Object Lock on, ${retention}`);
};

async function keysUnder(ports: DrillReadPorts, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of ports.s3.listObjectsUnder(bucket, prefix)) keys.push(...page.map((o) => o.key));
  return keys;
}

async function notHeld(ports: DrillReadPorts, bucket: string, keys: string[]): Promise<string[]> {
  const limit = pLimit(16);
  const heads = await Promise.all(keys.map((k) => limit(() => ports.s3.headEvidenceObject(bucket, k))));
  return keys.filter((_, i) => heads[i]?.legalHold !== 'ON');
}

const short = (keys: string[]) =>
  keys.slice(0, 2).join(', ') + (keys.length > 2 ? `, +${keys.length - 2}` : '');

interface Seeded {
  inWindow: string[];
  outOfWindow: string[];
}

/**
 * The log files copied under `prefix` (by source key): every seeded one of the window, none from
 * before it, each under a legal hold. `othersAllowed`: an emulator that writes access logs of its
 * own (LocalStack, a plain moto) adds files of the window that are rightly preserved too.
 */
async function copiesOf(
  ports: DrillReadPorts,
  t: CheckTarget,
  prefix: string,
  files: Seeded,
  what: string,
  othersAllowed: boolean,
): Promise<Verdict> {
  const copied = (await keysUnder(ports, t.evidenceBucket, prefix)).map((k) => k.slice(prefix.length));
  const missing = files.inWindow.filter((k) => !copied.includes(k));
  const stale = copied.filter((k) => files.outOfWindow.includes(k));
  const others = copied.filter((k) => !files.inWindow.includes(k) && !files.outOfWindow.includes(k));
  const unheld = await notHeld(
    ports,
    t.evidenceBucket,
    copied.map((k) => `${prefix}${k}`),
  );
  const problems = [
    ...(missing.length ? [`${missing.length} of the window missing (${short(missing)})`] : []),
    ...(stale.length ? [`${stale.length} from before the window copied (${short(stale)})`] : []),
    ...(others.length && !othersAllowed ? [`${others.length} not seeded (${short(others)})`] : []),
    ...(unheld.length ? [`${unheld.length} without a legal hold`] : []),
  ];
  if (problems.length) return verdict(false, `${what}s: ${problems.join('; ')}`);
  const extra = others.length ? ` (+${others.length} the emulator wrote)` : '';
  return verdict(
    true,
    `${plural(files.inWindow.length, what)} of the window held${extra}, ${plural(files.outOfWindow.length, 'older file')} left out`,
  );
}

export const cloudTrailLogsPreserved: Check = (ports, t) =>
  copiesOf(
    ports,
    t,
    `${incidentPrefix(t)}cloudtrail/${t.scenario.trailBucket}/`,
    t.seeded.trailFiles,
    'log and digest file',
    false,
  );

export const accessLogsPreserved: Check = (ports, t) =>
  copiesOf(
    ports,
    t,
    `${incidentPrefix(t)}access-logs/${t.scenario.logBucket}/`,
    t.seeded.accessLogs,
    'access log file',
    true,
  );

export const bucketStatePreserved: Check = async (ports, t) => {
  const keys = await keysUnder(ports, t.evidenceBucket, `${incidentPrefix(t)}bucket-state/`);
  const snapshot = keys.find((k) => k.endsWith(`/s3-config-${t.scenario.bucket}.json`));
  if (!snapshot) return verdict(false, 'no configuration snapshot of the bucket in the evidence bucket');
  const unheld = await notHeld(ports, t.evidenceBucket, keys);
  return unheld.length
    ? verdict(false, `${unheld.length} of ${keys.length} files without a legal hold (${short(unheld)})`)
    : verdict(
        true,
        `${plural(keys.length, 'file')} held: the configuration snapshot and the versions manifest`,
      );
};

export const EVIDENCE_CHECKS: { control: string; stepId: string; check: Check }[] = [
  { control: 'Evidence bucket Object-Locked', stepId: 'evidence-bucket', check: evidenceBucketLocked },
  { control: 'Bucket state preserved', stepId: 'preserve-bucket-state', check: bucketStatePreserved },
  {
    control: 'CloudTrail logs preserved',
    stepId: 'preserve-cloudtrail-logs',
    check: cloudTrailLogsPreserved,
  },
  { control: 'Access logs preserved', stepId: 'preserve-access-logs', check: accessLogsPreserved },
];

/** Every control of the scenario, checked from the outside, in runbook order. */
export function checkControls(ports: DrillReadPorts, target: CheckTarget): Promise<ControlCheck[]> {
  // The edge's isolation runs between the bucket's and the locks: order the containment checks as
  // the runbook's steps run.
  const position = (c: { stepId: string }) => (CONTAINMENT_STEPS as readonly string[]).indexOf(c.stepId);
  const containment = [...CONTAINMENT_CHECKS, ...EDGE_CHECKS].sort((a, b) => position(a) - position(b));
  return Promise.all([...containment, ...EVIDENCE_CHECKS].map((c) => runCheck(c, ports, target)));
}

/** What `drp --output json verify` prints. */
interface VerifyJson {
  ok?: boolean;
  entries?: number;
  sealed?: boolean;
  fingerprint?: string;
  failure?: { line: number; reason: string };
  anchor?: { location: string; ok: boolean; problems: string[] };
}

/**
 * The journal control, from `drp verify --artefacts --anchor ... --pubkey <drill key>`: intact,
 * sealed, signed by the drill's key, every artefact re-hashed, and the same as the anchored copy.
 */
export function journalVerified(run: { code: number | null; stdout: string; stderr: string }): ControlCheck {
  const control = 'Journal verified and anchored';
  let v: VerifyJson;
  try {
    v = JSON.parse(run.stdout) as VerifyJson;
  } catch {
    const why = run.stderr.trim().split('\n').at(-1) ?? `exit ${run.code}`;
    return { control, verified: false, detail: `drp verify failed: ${why}` };
  }
  const problems = [
    ...(v.failure ? [`line ${v.failure.line}: ${v.failure.reason}`] : []),
    ...(v.anchor ? v.anchor.problems.map((p) => `anchor: ${p}`) : ['not compared with an anchor']),
  ];
  if (run.code !== 0 || !v.ok || problems.length)
    return { control, verified: false, detail: problems.join('; ') || `drp verify exited ${run.code}` };
  return {
    control,
    verified: true,
    detail: `${v.entries} entries, sealed, signed by the drill's key, artefacts re-hashed, same as ${v.anchor!.location}`,
  };
}
