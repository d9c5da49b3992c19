import type { ObjectTag } from '../aws/s3-objects.js';
import { defineRestore, StepFailure, type Change, type Recorded } from './define.js';
import type { Observed } from './s3-quarantine-objects.js';
import { isVersionRef, jsonlPages, undoEach, type UndoResult, type VersionRef } from './lib/undo-versions.js';

interface Quarantined extends VersionRef {
  placedHold: boolean;
  addedTags: boolean;
}

type Params = { bucket: string };
const logOf = (r: Recorded<Params, Observed>) =>
  (r.result?.data as { log?: { path: string; sha256: string } } | undefined)?.log;

/** The versions of the run's quarantine log where drp placed the hold or added its tags. */
const quarantined = (path: string) =>
  jsonlPages<Quarantined>(path, (line) => {
    const placedHold = line.legalHold === 'placed';
    const addedTags = line.tags === 'merged';
    if (!isVersionRef(line) || (!placedHold && !addedTags)) return undefined;
    return { key: line.key as string, versionId: line.versionId as string, placedHold, addedTags };
  });

/** The version's tags without drp's quarantine tags of this incident; the others are kept. */
function withoutOurs(tags: ObjectTag[], incidentId: string): ObjectTag[] {
  const ours = tags.some((t) => t.key === 'drp:incident' && t.value === incidentId);
  return ours ? tags.filter((t) => t.key !== 'drp:incident' && t.key !== 'drp:quarantine') : tags;
}

/**
 * Quarantine holds and tags are evidence, as the containment's legal holds are: they stay unless
 * --release-holds, which releases exactly the holds drp placed and removes exactly the tags drp
 * added, as the run's quarantine log (SHA-256 checked against the journal) records them.
 */
export default defineRestore<Params, Observed>({
  permissions: ['s3:PutObjectLegalHold', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging'],

  async plan(_ctx, recorded, options) {
    const { bucket } = recorded.params;
    const log = logOf(recorded);
    const base = { observed: { bucket }, before: { legalHolds: 'OFF', drpTags: 'none' }, drift: [] };
    if (!log) return { ...base, changes: [], kept: [] };
    if (!options.releaseHolds)
      return {
        ...base,
        changes: [],
        kept: [
          `legal holds and drp tags on the quarantined versions of s3://${bucket} stay: they are evidence; --release-holds removes exactly those drp placed`,
        ],
      };
    const path = await recorded.artefact(log);
    let holds = 0;
    let tags = 0;
    for await (const page of quarantined(path))
      for (const q of page) {
        holds += q.placedHold ? 1 : 0;
        tags += q.addedTags ? 1 : 0;
      }
    const target = `s3://${bucket}`;
    const changes: Change[] = [
      ...(holds
        ? [{ action: 'release-legal-hold', target, detail: `${holds} quarantined version(s)`, count: holds }]
        : []),
      ...(tags
        ? [
            {
              action: 'remove-drp-tags',
              target,
              detail: `drp:quarantine, drp:incident on ${tags} version(s)`,
              count: tags,
            },
          ]
        : []),
    ];
    return { ...base, changes, kept: [] };
  },

  async apply(ctx, recorded, plan) {
    const { bucket } = recorded.params;
    const path = await recorded.artefact(logOf(recorded)!);
    const s3 = ctx.aws.s3;
    const counted = { holds: 0, tags: 0 };
    const summary = (): Change[] => [
      ...(counted.holds
        ? [
            {
              action: 'release-legal-hold',
              target: `s3://${bucket}`,
              detail: `${counted.holds} quarantined version(s)`,
              count: counted.holds,
            },
          ]
        : []),
      ...(counted.tags
        ? [
            {
              action: 'remove-drp-tags',
              target: `s3://${bucket}`,
              detail: `${counted.tags} version(s)`,
              count: counted.tags,
            },
          ]
        : []),
    ];
    const undo = async (q: Quarantined) => {
      const requestIds: string[] = [];
      if (q.placedHold) {
        const call = await s3.releaseLegalHold(bucket, q.key, q.versionId);
        counted.holds++;
        if (call.requestId) requestIds.push(call.requestId);
      }
      if (q.addedTags) {
        const tags = await s3.getObjectVersionTags(bucket, q.key, q.versionId);
        const rest = withoutOurs(tags, ctx.incidentId);
        if (rest.length !== tags.length) {
          const call = await s3.tagObjectVersion(bucket, q.key, q.versionId, rest);
          counted.tags++;
          if (call.requestId) requestIds.push(call.requestId);
        }
      }
      return {
        requestIds,
        record: {
          legalHold: q.placedHold ? 'OFF' : 'untouched',
          drpTags: q.addedTags ? 'removed' : 'untouched',
        },
      };
    };
    const total = Math.max(0, ...plan.changes.map((c) => c.count ?? 0));
    try {
      const r = await undoEach(
        ctx,
        { label: `release quarantine s3://${bucket}`, logName: `released-quarantine-${bucket}.jsonl`, total },
        quarantined(path),
        undo,
      );
      return {
        changes: summary(),
        requestIds: r.requestIds,
        data: { ...counted, gone: r.gone, log: r.log.path },
      };
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      const r = err.partial as UndoResult;
      const data = { ...counted, gone: r.gone, log: r.log.path };
      throw new StepFailure({ changes: summary(), requestIds: r.requestIds, data }, { cause: err.cause });
    }
  },
});
