import { itemLine, totalText } from '../runbook/estimate-text.js';
import { changeLine } from './fields.js';
import { statusBox } from './status-box.js';
import type { ReportModel, TimelineStep } from './model.js';
import { plural } from '../text.js';
import { formatBytes, formatDuration, timelineTime } from './text.js';
import { describeTimeLeft, formatInZone, formatUtc, NOTIFICATION_HOURS } from './time.js';

/**
 * What each part of the report says, shared by the markdown and HTML renderers: text and code
 * pieces, unescaped. Each renderer escapes every piece for its own format; none is trusted.
 */
export type Piece = string | { code: string } | { strong: string };
export type Rich = Piece[];
export type Row = [label: string, value: Rich];

export const REHEARSAL = 'REHEARSAL (dry run)';
const MAX_IDS_SHOWN = 5;

const code = (text: string | undefined): Piece => (text ? { code: text } : '-');

export interface Banner {
  level: 'danger' | 'rehearsal' | 'warning';
  title: string;
  text: string;
}

export function banners(m: ReportModel): Banner[] {
  const out: Banner[] = [];
  const j = m.journal;
  if (j.failure) {
    const left = j.unverifiedLines
      ? ` This report covers the ${plural(j.entriesVerified, 'entry', 'entries')} before it; ${plural(j.unverifiedLines, 'later line')} could not be trusted and are left out.`
      : '';
    out.push({
      level: 'danger',
      title: `JOURNAL FAILED VERIFICATION at line ${j.failure.line}`,
      text: `${j.failure.reason}.${left} Do not rely on this report as evidence until the journal is explained.`,
    });
  }
  const bad = m.artefacts.filter((a) => a.check !== 'verified' && a.check !== 'not-checked');
  if (bad.length)
    out.push({
      level: 'danger',
      title: 'ARTEFACT FILES DO NOT MATCH THE JOURNAL',
      text: bad.map((a) => `${a.path}: ${a.check}`).join('; '),
    });
  if (m.rehearsal)
    out.push({
      level: 'rehearsal',
      title: REHEARSAL,
      text: 'Nothing in AWS was changed: this journal records the plan of a dry run, not a containment.',
    });
  if (m.run.outcome === 'declined')
    out.push({
      level: 'warning',
      title: 'DECLINED',
      text: 'The operator answered no to the plan: nothing was applied.',
    });
  if (m.clock && m.clock.remainingMs < 0 && !m.rehearsal)
    out.push({
      level: 'warning',
      title: 'NOTIFICATION DEADLINE PASSED',
      text: `${NOTIFICATION_HOURS} hours after detection was ${formatUtc(m.clock.deadline)}.`,
    });
  return out;
}

export const modeText = (m: ReportModel) => (m.rehearsal ? `${REHEARSAL}: nothing was changed` : 'LIVE');

/** A restore journal reports what was put back; every other journal, the incident's run. */
export const reportKind = (m: ReportModel) => (m.incident.restoreOf ? 'Restore report' : 'Incident report');

export function summaryRows(m: ReportModel): Row[] {
  const i = m.incident;
  const who = [i.osUser && `OS user ${i.osUser}`, i.host && `on ${i.host}`].filter(Boolean).join(' ');
  const run = m.run;
  const timing = [
    run.start && `started ${formatUtc(run.start)}`,
    run.stepsMs !== undefined && `last step done ${formatDuration(run.stepsMs)} after the start`,
    run.sinceDetectionMs !== undefined && `${formatDuration(run.sinceDetectionMs)} after detection`,
  ].filter(Boolean);
  return [
    ['Incident', [code(i.incidentId)]],
    ['Mode', [{ strong: modeText(m) }]],
    ['Outcome', [{ strong: statusBox(m).headline }]],
    ['Operator', [i.operator ?? '-', ...(who ? [` (${who})`] : [])]],
    ['Caller', [code(i.caller.arn)]],
    ['Principal', [code(i.caller.principalArn)]],
    ['Account / region', [code(i.caller.accountId), ' / ', code(i.region)]],
    ['Command', [code(i.command ? `drp ${i.command}` : undefined)]],
    ...(i.restoreOf
      ? ([
          [
            'Restore of',
            [
              code(i.restoreOf.path),
              ' journal ',
              code(i.restoreOf.journalId),
              ' head ',
              code(i.restoreOf.head),
            ],
          ],
        ] satisfies Row[])
      : ([
          ['Runbook', [code(i.runbook.name), ' SHA-256 ', code(i.runbook.sha256)]],
          [
            'Parameters',
            i.params.length ? i.params.flatMap(([k, v], n) => [n ? '; ' : '', `${k} = `, code(v)]) : ['-'],
          ],
        ] satisfies Row[])),
    [
      'Exempt principals',
      i.exemptPrincipals.length ? i.exemptPrincipals.flatMap((p, n) => [n ? ', ' : '', code(p)]) : ['-'],
    ],
    ['Run', [timing.join('; ') || '-']],
    ...(m.estimate
      ? ([
          [
            'Estimated AWS cost',
            [{ strong: totalText(m.estimate) }, ...m.estimate.items.map((i) => `; ${itemLine(i)}`)],
          ],
        ] satisfies Row[])
      : []),
    ['Tool', [i.tool ?? '-']],
  ];
}

/** Rows of the clock table: [label, UTC, local] (local only when --tz is not UTC). */
export function clockRows(m: ReportModel): string[][] {
  const c = m.clock;
  if (!c) return [];
  const utc = m.timeZone === 'UTC';
  const row = (label: string, iso: string) => [
    label,
    formatUtc(iso),
    ...(utc ? [] : [formatInZone(iso, m.timeZone)]),
  ];
  return [
    row(
      {
        genesis: 'Detected',
        'not-given': 'Detected (not given: the run started)',
        'first-entry': 'Detected (run start; not recorded)',
      }[c.detectedAtSource],
      c.detectedAt,
    ),
    row(`Notification deadline (+${NOTIFICATION_HOURS} h)`, c.deadline),
    row('Report time', c.now),
  ];
}

export function clockNotes(m: ReportModel): string[] {
  const c = m.clock;
  if (!c) return ['The journal has no usable time: the deadline cannot be computed.'];
  return [
    `At report time: ${describeTimeLeft(c.remainingMs)}.`,
    ...(c.detectedAtSource === 'not-given'
      ? [
          m.incident.restoreOf
            ? "The contained run's detection time was not given, so its start stood in: the real deadline may be earlier than shown."
            : 'Detection time not given: the clock starts at this run, which is later than the real detection; the real deadline may be earlier than shown.',
        ]
      : []),
    ...(c.detectedAtSource === 'first-entry'
      ? [
          m.incident.restoreOf
            ? "The restored run's journal does not record its detection time: this restore's start stands in, so the real deadline is earlier than shown; take it from the contained run's report."
            : 'This journal does not record when the incident was detected (drp before --detected-at): its first entry stands in.',
        ]
      : []),
    ...(m.rehearsal ? [`${REHEARSAL}: the clock is shown for practice.`] : []),
  ];
}

export function outcomeText(s: TimelineStep): string {
  if (s.outcome === 'planned') return 'planned (not applied)';
  if (s.outcome === 'no-result') return 'NO RESULT';
  if (s.outcome === 'interrupted') return 'INTERRUPTED';
  if (s.outcome === 'failed') return s.phase === 'plan' ? 'FAILED (plan)' : 'FAILED';
  if (s.outcome === 'not-applicable') return 'not applicable';
  return s.outcome;
}

export function whatChanged(s: TimelineStep): string {
  if (s.outcome === 'interrupted' && s.changes.length)
    return `done before the interrupt: ${s.changes.map(changeLine).join('; ')}`;
  const intended = ['planned', 'no-result', 'interrupted'].includes(s.outcome);
  const lines = (intended ? s.planned : s.changes).map(changeLine);
  const prefix = s.outcome === 'planned' ? 'would: ' : intended ? 'intended: ' : '';
  const parts = lines.length ? [`${prefix}${lines.join('; ')}`] : [];
  if (s.error) parts.push(`error: ${s.error}`);
  if (s.reason) parts.push(s.reason);
  if (!parts.length) return s.outcome === 'applied' ? '-' : 'nothing to do';
  return parts.join('; ');
}

export function requestIdsOf(s: TimelineStep): { shown: string[]; more: number } {
  const shown = s.requestIds.slice(0, MAX_IDS_SHOWN);
  return { shown, more: Math.max(0, s.requestIdCount - shown.length) };
}

export function timelineCells(s: TimelineStep): string[] {
  return [
    timelineTime(s.start),
    s.durationMs !== undefined ? formatDuration(s.durationMs) : '-',
    s.sinceStartMs !== undefined ? `+${formatDuration(s.sinceStartMs)}` : '-',
  ];
}

/** The lines under the evidence bucket's name and prefix. */
export function bucketNote(m: ReportModel): string {
  if (m.rehearsal) return `${REHEARSAL}: nothing was uploaded.`;
  const n = m.artefacts.length;
  const stored = n
    ? `${m.evidenceBucket?.stored ?? 0} of ${n} artefact entries record a location under it. `
    : '';
  // Issue 5 anchors the journal after its seal, so the journal cannot say so itself.
  return `${stored}A copy of the journal anchored after its seal is checked with drp verify --anchor ${m.evidenceBucket?.prefix ?? ''}`;
}

export const sizeText = (size: number | undefined) => (size === undefined ? '-' : formatBytes(size));

export const CHECK_TEXT: Record<string, string> = {
  verified: 'verified',
  missing: 'MISSING',
  changed: 'CHANGED (hash differs)',
  outside: 'NOT READ (path leaves the evidence dir)',
  'not-checked': '-',
};

export function journalRows(m: ReportModel): Row[] {
  const j = m.journal;
  const status: Rich = j.intact
    ? [
        { strong: 'INTACT' },
        ': every signature, the hash chain and the seal verify; every artefact file matches its hash',
      ]
    : [
        { strong: 'FAILED' },
        j.failure ? `: line ${j.failure.line}: ${j.failure.reason}` : ': artefact files do not match',
      ];
  const key: Rich = [
    code(j.fingerprint),
    j.algorithm ? ` (${j.algorithm})` : '',
    j.pinned
      ? ': pinned with --pubkey'
      : ': NOT pinned (checked against the key in the journal itself; pass --pubkey)',
  ];
  return [
    ['Verification', status],
    ['Journal id', [code(j.journalId)]],
    ['Entries', [`${j.entryCount}${j.sealed ? ' (sealed)' : ' (NOT sealed)'}`]],
    ['Resumed', [m.resumes.length ? m.resumes.map((r) => formatUtc(r.time)).join(', ') : 'no']],
    ['Head hash', [code(j.headHash)]],
    ['Signing key', key],
    ['Key reference', [code(j.keyRef)]],
    [
      'First / last entry',
      [j.firstTime ? formatUtc(j.firstTime) : '-', ' / ', j.lastTime ? formatUtc(j.lastTime) : '-'],
    ],
  ];
}

export const FINDING_LABEL: Record<string, string> = {
  journal: 'JOURNAL',
  failed: 'FAILED',
  'no-result': 'NO RESULT',
  resumed: 'RESUMED',
  interrupted: 'INTERRUPTED',
  skipped: 'SKIPPED',
  declined: 'DECLINED',
  scan: 'scan',
  soc: 'SOC',
  note: 'note',
};

export const footer = (m: ReportModel) =>
  `Generated by drp report at ${formatUtc(m.generatedAt)} from the signed journal alone. ` +
  'Check it independently: drp verify --pubkey KEY --artefacts journal.jsonl.';
