import * as z from 'zod';
import type { Detector, FindingSearch } from '../aws/guardduty.js';
import { GUARDDUTY_GET_FINDINGS_MAX as GET_FINDINGS_MAX } from '../aws/service-limits.js';
import { type Change, defineStep, type Plan, type StepContext, StepFailure } from './define.js';
import { lineWriter } from './lib/artefact-lines.js';
import { describeWindow, Since, windowOf } from './lib/preservation/window.js';
import { BucketName, IamName } from '../names.js';

export interface Observed {
  enabled: boolean;
  region: string;
  window?: { start: string; end: string };
  detectors?: Detector[];
  /** Findings that matched when planned, per detector. */
  planned?: Record<string, number>;
}

const ARTEFACT = 'guardduty-findings.jsonl';

/** GuardDuty's severity bands (GuardDuty User Guide, "Severity levels"). */
export function severityBand(severity: number | undefined): 'critical' | 'high' | 'medium' | 'low' {
  const s = severity ?? 0;
  return s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : 'low';
}

/** ListFindings ANDs its criteria: the bucket and the identities are two searches. */
function searchesOf(p: { bucket: string; users: string[]; roles: string[] }, since: Date): FindingSearch[] {
  const names = [...p.users, ...p.roles];
  return [
    { bucketNames: [p.bucket], updatedSince: since },
    ...(names.length ? [{ userNames: names, updatedSince: since }] : []),
  ];
}

async function findingIds(
  ctx: StepContext,
  detectorId: string,
  searches: FindingSearch[],
): Promise<string[]> {
  const ids = new Set<string>();
  for (const search of searches)
    for await (const page of ctx.aws.guardduty.listFindingIds(detectorId, search))
      for (const id of page) ids.add(id);
  return [...ids];
}

/** Every way GuardDuty would miss this leak, with the command that fixes it. */
function detectorNotes(detectors: Detector[], bucket: string, region: string): string[] {
  const notes: string[] = [];
  for (const d of detectors) {
    if (d.status !== 'ENABLED')
      notes.push(
        `evidence is missing: GuardDuty detector ${d.id} in ${region} is suspended: it generates no findings. Turn it on: aws guardduty update-detector --detector-id ${d.id} --enable`,
      );
    if (d.s3Protection !== 'ENABLED')
      notes.push(
        `evidence is missing: GuardDuty S3 Protection is ${d.s3Protection === 'DISABLED' ? 'off' : 'not reported'} on detector ${d.id}: object-level API calls on ${bucket} (anomalous reads, exfiltration) are not analysed. Turn it on: aws guardduty update-detector --detector-id ${d.id} --features Name=S3_DATA_EVENTS,Status=ENABLED`,
      );
  }
  return notes;
}

export default defineStep({
  type: 'export-guardduty-findings',
  summary:
    "Export the region's GuardDuty findings of the window that name the bucket, or the contained users or roles, as a JSON Lines artefact (ListFindings, then GetFindings 50 at a time); no detector, a suspended one, or S3 Protection off is a finding",
  params: z
    .object({
      bucket: BucketName.describe('The bucket whose findings are exported (resource.s3BucketDetails.name)'),
      users: z
        .array(IamName)
        .default([])
        .describe('IAM users whose findings are exported (resource.accessKeyDetails.userName)'),
      roles: z
        .array(IamName)
        .default([])
        .describe('IAM roles whose findings are exported (resource.accessKeyDetails.userName)'),
      since: Since.default('7d').describe(
        'Findings updated since: a duration (7d, 36h, 90m), an ISO 8601 time with a zone, or a date',
      ),
      enabled: z.boolean().default(true).describe('false plans nothing (--no-guardduty)'),
    })
    .strict(),
  permissions: [
    'guardduty:ListDetectors',
    'guardduty:GetDetector',
    'guardduty:ListFindings',
    'guardduty:GetFindings',
  ],
  example: {
    bucket: 'product-media-prod',
    users: ['media-uploader'],
    roles: ['MediaPipeline'],
    since: '7d',
    enabled: true,
  },

  async plan(ctx, p): Promise<Plan<Observed>> {
    if (!p.enabled) return { observed: { enabled: false, region: ctx.region }, changes: [] };
    const window = windowOf(p.since, ctx.now());
    const ids = await ctx.aws.guardduty.listDetectors();
    if (ids.length === 0) {
      const missing = `evidence is missing: GuardDuty has no detector in ${ctx.region}: no findings exist for ${p.bucket}. Turn it on: aws guardduty create-detector --enable --features Name=S3_DATA_EVENTS,Status=ENABLED --region ${ctx.region}`;
      return {
        observed: { enabled: true, region: ctx.region, detectors: [] },
        changes: [],
        notApplicable: `GuardDuty has no detector in ${ctx.region}`,
        notes: [missing],
      };
    }
    const detectors = await Promise.all(ids.map((id) => ctx.aws.guardduty.getDetector(id)));
    const searches = searchesOf(p, window.start);
    const planned: Record<string, number> = {};
    for (const d of detectors) planned[d.id] = (await findingIds(ctx, d.id, searches)).length;
    const observed: Observed = {
      enabled: true,
      region: ctx.region,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      detectors,
      planned,
    };
    const subjects = [
      `bucket ${p.bucket}`,
      ...p.users.map((u) => `user ${u}`),
      ...p.roles.map((r) => `role ${r}`),
    ];
    const notes = detectorNotes(detectors, p.bucket, ctx.region);
    return {
      observed,
      changes: detectors.map((d) => ({
        action: 'export-findings',
        target: `guardduty:detector/${d.id}`,
        detail: `${planned[d.id]} finding(s) naming ${subjects.join(', ')}, updated ${describeWindow(window)}, to artefact ${ARTEFACT}`,
        count: planned[d.id],
      })),
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, p, plan) {
    const since = new Date(plan.observed.window!.start);
    const searches = searchesOf(p, since);
    const out = lineWriter(ctx.artefacts.stream(ARTEFACT));
    const changes: Change[] = [];
    const bySeverity: Record<string, number> = {};
    let total = 0;
    try {
      for (const d of plan.observed.detectors ?? []) {
        const ids = await findingIds(ctx, d.id, searches);
        for (let i = 0; i < ids.length; i += GET_FINDINGS_MAX) {
          const findings = await ctx.aws.guardduty.getFindings(d.id, ids.slice(i, i + GET_FINDINGS_MAX));
          for (const f of findings) {
            out.add(JSON.stringify({ detectorId: d.id, ...f }));
            const band = severityBand(f.Severity);
            bySeverity[band] = (bySeverity[band] ?? 0) + 1;
          }
          total += findings.length;
        }
        changes.push({
          action: 'export-findings',
          target: `guardduty:detector/${d.id}`,
          detail: `${ids.length} finding(s) to artefact ${out.path.split('/').pop() ?? ARTEFACT}`,
          count: ids.length,
        });
      }
    } catch (err) {
      const ref = await out.close();
      throw new StepFailure(
        {
          changes,
          requestIds: [],
          data: { findings: total, bySeverity, artefact: { path: ref.path, sha256: ref.sha256 } },
        },
        { cause: err },
      );
    }
    const ref = await out.close();
    return {
      changes,
      requestIds: [],
      data: { findings: total, bySeverity, artefact: { path: ref.path, sha256: ref.sha256 } },
    };
  },
});
