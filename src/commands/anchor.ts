import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { AwsSettings } from '../aws/config.js';
import type { EvidenceObjectBody, EvidencePort } from '../aws/s3-evidence.js';
import { formatError } from '../errors.js';
import {
  anchorPrefix,
  HEAD_FILE,
  sha256OfFile,
  signHead,
  type AnchoredFile,
  type JournalHead,
} from '../journal/anchor.js';
import type { StoredArtefact } from '../journal/artefacts.js';
import type { Signer } from '../journal/signer.js';
import { JOURNAL_FILE, type JournalWriter } from '../journal/writer.js';
import { logFailure, type Logger } from '../log.js';
import type { PreparedStep, RunReport } from '../runbook/execute.js';
import type { CommandResult } from './env.js';

/** The step that makes the evidence bucket safe to write: a run anchors its journal only after it. */
const EVIDENCE_BUCKET_STEP = 'evidence-bucket';

export interface SealedJournal {
  path: string;
  journalId: string;
  entryCount: number;
  headHash: string;
  artefacts: StoredArtefact[];
}

export interface AnchorResult {
  bucket: string;
  prefix: string;
  /** Every object written, with its version: what a regulator asks for with the legal hold. */
  objects: { key: string; versionId?: string; sha256: string }[];
}

/** Uploads the journal, then every artefact, then head.json (last: a head only exists over a stored journal). */
export async function anchorJournal(
  s3: Pick<EvidencePort, 'putEvidenceObject'>,
  target: { bucket: string; incidentId: string },
  journal: SealedJournal,
  signer: Signer,
  now: () => Date = () => new Date(),
): Promise<AnchorResult> {
  const prefix = anchorPrefix(target.incidentId, journal.journalId);
  const result: AnchorResult = { bucket: target.bucket, prefix, objects: [] };
  const put = async (key: string, object: EvidenceObjectBody & { sha256: string }) => {
    const stored = await s3.putEvidenceObject(target.bucket, key, object);
    result.objects.push({
      key,
      ...(stored.versionId ? { versionId: stored.versionId } : {}),
      sha256: object.sha256,
    });
  };

  const journalFile: AnchoredFile = {
    path: JOURNAL_FILE,
    size: statSync(journal.path).size,
    sha256: await sha256OfFile(journal.path),
  };
  await put(`${prefix}${JOURNAL_FILE}`, {
    body: () => createReadStream(journal.path),
    contentLength: journalFile.size,
    sha256: journalFile.sha256,
    contentType: 'application/jsonl',
  });
  for (const a of journal.artefacts)
    await put(`${prefix}${a.path}`, {
      body: () => createReadStream(a.file),
      contentLength: a.size,
      sha256: a.sha256,
    });
  const head: JournalHead = {
    v: 1,
    type: 'head',
    journalId: journal.journalId,
    incidentId: target.incidentId,
    entries: journal.entryCount,
    head: journal.headHash,
    journal: journalFile,
    artefacts: journal.artefacts.map((a) => ({ path: a.path, size: a.size, sha256: a.sha256 })),
    time: now().toISOString(),
  };
  const signed = Buffer.from(await signHead(head, signer), 'utf8');
  await put(`${prefix}${HEAD_FILE}`, {
    body: signed,
    sha256: createHash('sha256').update(signed).digest('hex'),
    contentType: 'application/json',
  });
  return result;
}

export type AnchorStatus =
  | { status: 'anchored'; location: string; result: AnchorResult }
  | { status: 'not-anchored'; reason: string }
  | { status: 'failed'; error: string };

/** A run anchors when it changed AWS and its runbook preserves evidence. */
export const wantsAnchor = (dryRun: boolean, steps: PreparedStep[]) =>
  !dryRun && steps.some((s) => s.type === EVIDENCE_BUCKET_STEP);

/**
 * After the seal: uploads journal.jsonl, every artefact and a signed head.json to the evidence
 * bucket, when the evidence-bucket step made it usable (or, for a run interrupted before that
 * step, when the bucket already exists with Object Lock on). A failure is reported, never thrown:
 * the run's own outcome stands, and the local journal is intact either way.
 */
export async function anchorSealedRun(input: {
  report: RunReport;
  journal: JournalWriter;
  signer: Signer;
  incidentId: string;
  evidenceBucket: string;
  aws: AwsSettings;
  log: Logger;
  /** Artefacts of the journal's earlier runs (drp resume): anchored with this run's. */
  earlierArtefacts?: StoredArtefact[];
}): Promise<AnchorStatus> {
  const { report, journal } = input;
  if (report.outcome === 'declined') return { status: 'not-anchored', reason: 'the run was declined' };
  const bucketStep = report.steps.find((s) => s.type === EVIDENCE_BUCKET_STEP);
  const madeUsable = bucketStep && ['applied', 'nothing-to-do'].includes(bucketStep.outcome);
  try {
    const { createS3Client, createS3Port } = await import('../aws/s3.js');
    const s3 = createS3Port(createS3Client(input.aws, false));
    if (!madeUsable) {
      const interrupted = report.outcome === 'interrupted' && bucketStep?.outcome === 'not-run';
      // Read-only, and only after an interrupt: a bucket an earlier run made is safe to anchor in.
      const lock = interrupted
        ? await s3.getEvidenceBucketLock(input.evidenceBucket).catch(() => undefined)
        : undefined;
      if (!lock?.enabled)
        return {
          status: 'not-anchored',
          reason: interrupted
            ? `the run stopped before step "${bucketStep.id}" and s3://${input.evidenceBucket} is not an Object-Locked bucket yet; the journal stays local (drp resume anchors it)`
            : `step "${bucketStep?.id ?? EVIDENCE_BUCKET_STEP}" did not make s3://${input.evidenceBucket} usable; the journal stays local`,
        };
    }
    const result = await anchorJournal(
      s3,
      { bucket: input.evidenceBucket, incidentId: input.incidentId },
      {
        path: journal.path,
        journalId: journal.journalId,
        entryCount: journal.entryCount,
        headHash: journal.headHash,
        artefacts: [...(input.earlierArtefacts ?? []), ...journal.artefacts.list()],
      },
      input.signer,
    );
    return { status: 'anchored', location: `s3://${result.bucket}/${result.prefix}`, result };
  } catch (err) {
    logFailure(input.log, 'error', {}, err, 'anchoring the journal failed');
    return { status: 'failed', error: formatError(err) };
  }
}

/** The run's result with the anchor's outcome: a failed anchor makes the run exit 1. */
export function withAnchor(result: CommandResult, anchor: AnchorStatus, journalPath: string): CommandResult {
  const lines =
    anchor.status === 'anchored'
      ? [
          `anchored: ${anchor.location} (journal, head.json and ${anchor.result.objects.length - 2} artefact(s), each under legal hold)`,
          `  check it: drp verify ${journalPath} --anchor ${anchor.location}`,
        ]
      : anchor.status === 'failed'
        ? [
            `ANCHOR FAILED: the sealed journal could not be stored in the evidence bucket: ${anchor.error}`,
            '  the local journal is complete; fix the cause (permissions, the bucket) and keep the evidence dir safe.',
          ]
        : [`journal not anchored: ${anchor.reason}`];
  return {
    exitCode: anchor.status === 'failed' ? 1 : result.exitCode,
    text: [result.text, ...lines].join('\n'),
    json: { ...(result.json as Record<string, unknown>), anchor },
  };
}
