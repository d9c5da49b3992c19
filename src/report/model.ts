import type { Entry } from '../journal/entry.js';
import type { Estimate } from '../runbook/estimate.js';
import type { Failure, Verification } from '../journal/verify.js';
import { artefactRows, type ArtefactCheck, type ArtefactRow } from './evidence.js';
import { num, obj, str, strings, type Fields } from './fields.js';
import { buildFindings, type Finding } from './findings.js';
import { provenanceLines } from './provenance.js';
import { formatUtc, notificationDeadline, validTime } from './time.js';
import { buildTimeline, type InterruptEvent, type ResumeEvent, type TimelineStep } from './timeline.js';

export type { Finding } from './findings.js';
export type { InterruptEvent, ResumeEvent, StepOutcome, TimelineStep } from './timeline.js';

export type { ArtefactCheck, ArtefactRow } from './evidence.js';

export interface ReportInput {
  verification: Verification;
  /** Lines in the journal file, complete or torn: how many the report could not use. */
  totalLines: number;
  /** --pubkey was given: the signatures were checked against a key the reader chose. */
  pinned: boolean;
  /** By artefact entry seq. */
  artefactChecks: Map<number, ArtefactCheck>;
  now: Date;
  timeZone: string;
}

export interface ReportModel {
  generatedAt: string;
  timeZone: string;
  /** A dry-run journal: nothing was changed. */
  rehearsal: boolean;
  incident: {
    incidentId?: string;
    command?: string;
    runbook: { name?: string; path?: string; sha256?: string };
    /** A restore journal: the run it undid (`drp restore` links them by journal id and head hash). */
    restoreOf?: { journalId?: string; head?: string; path?: string };
    tool?: string;
    operator?: string;
    osUser?: string;
    host?: string;
    caller: { arn?: string; accountId?: string; principalArn?: string };
    region?: string;
    params: [string, string][];
    exemptPrincipals: string[];
  };
  /** GDPR Art. 33's 72 hours; absent when the journal has no usable time. */
  clock?: {
    detectedAt: string;
    /**
     * `genesis`: a person gave it (--detected-at, or the prompt). `not-given`: nobody did, the run's
     * start stands in (so the deadline is later than the real one). `first-entry`: a journal from
     * before --detected-at; its first entry stands in.
     */
    detectedAtSource: 'genesis' | 'not-given' | 'first-entry';
    deadline: string;
    now: string;
    remainingMs: number;
  };
  run: { outcome: string; start?: string; end?: string; stepsMs?: number; sinceDetectionMs?: number };
  /** The plan's estimated AWS cost, as the genesis recorded it (journals before issue 24 have none). */
  estimate?: Estimate;
  steps: TimelineStep[];
  /** Each `drp resume` that continued this journal. */
  resumes: ResumeEvent[];
  /** Each Ctrl-C (or SIGTERM) that stopped it cleanly. */
  interrupts: InterruptEvent[];
  artefacts: ArtefactRow[];
  evidenceBucket?: { bucket: string; prefix: string; stored: number };
  findings: Finding[];
  /** Content Credentials (C2PA) classes, generators and signers of provenance-scan steps. */
  provenance: string[];
  remaining: string[];
  journal: {
    /** Verified, sealed, and every artefact file matches its hash. */
    intact: boolean;
    sealed: boolean;
    failure?: Failure;
    warnings: string[];
    journalId?: string;
    /** The seal's count when sealed, else the entries that verified. */
    entryCount: number;
    entriesVerified: number;
    /** Lines after the failing one: left out of this report because they could not be trusted. */
    unverifiedLines: number;
    /** SHA-256 of the last verified entry's PAE: what an anchor records. */
    headHash?: string;
    fingerprint?: string;
    pinned: boolean;
    algorithm?: string;
    keyRef?: string;
    firstTime?: string;
    lastTime?: string;
  };
}

/** Journal fields are signed, not schema-checked: an estimate is used only when it has its shape. */
const isEstimate = (v: unknown): v is Estimate =>
  Boolean(v) && typeof (v as Estimate).totalUsd === 'number' && Array.isArray((v as Estimate).items);

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function incidentOf(g: Fields) {
  const runbook = obj(g.runbook) ?? {};
  const caller = obj(g.caller) ?? {};
  const restoreOf = obj(g.restoreOf);
  return {
    incidentId: str(g.incidentId),
    command: str(g.command),
    runbook: { name: str(runbook.name), path: str(runbook.path), sha256: str(runbook.sha256) },
    ...(restoreOf
      ? {
          restoreOf: {
            journalId: str(restoreOf.journalId),
            head: str(restoreOf.head),
            path: str(restoreOf.path),
          },
        }
      : {}),
    tool: [str(obj(g.tool)?.name), str(obj(g.tool)?.version)].filter(Boolean).join(' ') || undefined,
    operator: str(g.operator),
    osUser: str(g.osUser),
    host: str(g.host),
    caller: {
      arn: str(caller.arn),
      accountId: str(caller.accountId),
      principalArn: str(caller.principalArn),
    },
    region: str(g.region),
    params: Object.entries(obj(g.params) ?? {}).map(([k, v]): [string, string] => [k, show(v)]),
    exemptPrincipals: strings(g.exemptPrincipals),
  };
}

function clockOf(genesis: Entry | undefined, now: Date): ReportModel['clock'] {
  const recorded = validTime(genesis?.detectedAt);
  const detectedAt = recorded ?? validTime(genesis?.time);
  if (!detectedAt) return undefined;
  const deadline = notificationDeadline(detectedAt);
  return {
    detectedAt,
    detectedAtSource: !recorded
      ? 'first-entry'
      : genesis?.detectedAtGiven === false
        ? 'not-given'
        : 'genesis',
    deadline,
    now: now.toISOString(),
    remainingMs: Date.parse(deadline) - now.getTime(),
  };
}

/** Journal entries (those that verified) to a plain model both renderers draw from. Pure. */
export function buildReportModel(input: ReportInput): ReportModel {
  const { verification: v, now } = input;
  const entries = v.entries;
  const genesis = entries[0]?.type === 'genesis' ? entries[0] : undefined;
  const seal = entries.at(-1)?.type === 'seal' ? entries.at(-1) : undefined;
  const rehearsal = genesis?.dryRun === true || seal?.outcome === 'dry-run';
  const outcome = str(seal?.outcome) ?? (v.sealed ? 'sealed' : 'not sealed');
  const { steps, resumes, interrupts, artefactSteps } = buildTimeline(entries);
  const artefacts = artefactRows(entries, steps, artefactSteps, input.artefactChecks);
  const clock = clockOf(genesis, now);
  const incident = incidentOf(genesis ?? {});
  const { findings, remaining } = buildFindings(steps, {
    rehearsal,
    declined: outcome === 'declined',
    resumes,
  });

  const lastInterrupt = outcome === 'interrupted' ? interrupts.at(-1) : undefined;
  if (lastInterrupt?.notRun.length)
    remaining.push(
      `Not run yet (the run was interrupted): ${lastInterrupt.notRun.join(', ')}. drp resume of this journal runs them; the steps already done are kept.`,
    );
  if (clock && !rehearsal)
    remaining.push(
      `If personal data is affected, notify the supervisory authority by ${formatUtc(clock.deadline)} ` +
        '(GDPR Art. 33(1)); document the breach either way (Art. 33(5)).',
    );
  const problems = artefacts.filter((a) => a.check !== 'verified' && a.check !== 'not-checked');
  findings.unshift(
    ...[
      ...(v.failure ? [`journal failed verification at line ${v.failure.line}: ${v.failure.reason}`] : []),
      ...problems.map((a) => `artefact ${a.path} (journal line ${a.seq + 1}): ${a.check}`),
    ].map((text): Finding => ({ kind: 'journal', text })),
  );

  const lastEnd = steps
    .map((s) => s.end)
    .filter((t): t is string => Boolean(t))
    .at(-1);
  const start = entries[0]?.time;
  const bucket = str(genesis?.evidenceBucket);
  const prefix = bucket ? `s3://${bucket}/incidents/${incident.incidentId ?? ''}/` : '';
  const signer = obj(genesis?.signer) ?? {};
  return {
    generatedAt: now.toISOString(),
    timeZone: input.timeZone,
    rehearsal,
    incident,
    clock,
    run: {
      outcome,
      start,
      end: str(seal?.lastTime) ?? entries.at(-1)?.time,
      stepsMs: start && lastEnd ? Date.parse(lastEnd) - Date.parse(start) : undefined,
      sinceDetectionMs: clock && lastEnd ? Date.parse(lastEnd) - Date.parse(clock.detectedAt) : undefined,
    },
    ...(isEstimate(genesis?.estimate) ? { estimate: genesis.estimate } : {}),
    steps,
    resumes,
    interrupts,
    artefacts,
    evidenceBucket: bucket
      ? { bucket, prefix, stored: artefacts.filter((a) => a.location?.startsWith(prefix)).length }
      : undefined,
    findings,
    provenance: provenanceLines(steps),
    remaining,
    journal: {
      intact: v.ok && problems.length === 0,
      sealed: v.sealed,
      failure: v.failure,
      warnings: v.warnings,
      journalId: v.head?.journalId ?? entries[0]?.journalId,
      entryCount: num(seal?.entries) ?? entries.length,
      entriesVerified: entries.length,
      unverifiedLines: Math.max(0, input.totalLines - entries.length),
      headHash: entries.length ? v.head?.prev : undefined,
      fingerprint: v.fingerprint,
      pinned: input.pinned,
      algorithm: str(signer.algorithm),
      keyRef: str(signer.keyRef),
      firstTime: start,
      lastTime: entries.at(-1)?.time,
    },
  };
}
