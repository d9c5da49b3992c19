import { changeLine, num, obj } from './fields.js';
import type { ReportModel } from './model.js';
import { PROVENANCE_STEP_TYPES, provenanceLines } from './provenance.js';
import { SCAN_STEP_TYPES, scanFindingCount, scanSummary } from './scan.js';
import { statusBox, stillOpen } from './status-box.js';
import { bucketNote } from './view.js';
import { formatUtc, NOTIFICATION_HOURS } from './time.js';

/**
 * A draft of the notification to the supervisory authority, GDPR Art. 33(3): drp fills in what the
 * journal proves (what happened and when, the systems, the measures with their times, the
 * evidence and its hashes); what only people know is a marked placeholder. Plus, when a scan of
 * the incident found synthetic media, the facts an EU AI Act Art. 50 assessment starts from.
 */

/** A piece of a draft line: journal text, or a placeholder for people to fill. */
export type DraftPiece = string | { fill: string };
export type DraftLine = DraftPiece[];

export interface DraftSection {
  heading: string;
  /** What the law asks this section to contain, quoted or close to it. */
  asks?: string;
  lines: DraftLine[];
}

export interface GdprDraft {
  title: string;
  preface: string[];
  sections: DraftSection[];
}

const fill = (what: string): DraftPiece => ({ fill: what });
const param = (m: ReportModel, name: string) => m.incident.params.find(([k]) => k === name)?.[1];
const listParam = (m: ReportModel, name: string): string[] => {
  const v = param(m, name);
  if (!v || v === '[]') return [];
  try {
    const parsed = JSON.parse(v) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [v];
  } catch {
    return [v];
  }
};

function timing(m: ReportModel): DraftSection {
  const c = m.clock;
  const contained = m.run.outcome === 'completed' && !stillOpen(m).length ? m.run.end : undefined;
  return {
    heading: 'Timing',
    asks: `Art. 33(1): notify without undue delay and, where feasible, within ${NOTIFICATION_HOURS} hours of becoming aware; later, with the reasons for the delay.`,
    lines: [
      c
        ? [
            `Became aware (detected): ${formatUtc(c.detectedAt)}`,
            ...(c.detectedAtSource === 'genesis'
              ? []
              : [' (not given to drp: the run start stands in; ', fill('the real detection time'), ')']),
            '.',
          ]
        : ['Became aware (detected): ', fill('date and time')],
      c
        ? [
            `Notification due by: ${formatUtc(c.deadline)}`,
            ...(c.detectedAtSource === 'genesis'
              ? []
              : [
                  ' (from the run start: ',
                  fill(`the real detection time + ${NOTIFICATION_HOURS} hours`),
                  ')',
                ]),
            '.',
          ]
        : ['Notification due by: ', fill(`detection + ${NOTIFICATION_HOURS} hours`)],
      ['Containment run started: ', m.run.start ? formatUtc(m.run.start) : '-', '.'],
      contained
        ? [`Contained (every applicable control in place): ${formatUtc(contained)}.`]
        : [`Containment status: ${statusBox(m).headline}`],
      ['Notified at: ', fill('date and time this notification is sent')],
      ['If later than the deadline, the reasons for the delay: ', fill('reasons, or "not late"')],
    ],
  };
}

function nature(m: ReportModel): DraftSection {
  const bucket = param(m, 'bucket');
  const users = listParam(m, 'users');
  const roles = listParam(m, 'roles');
  const holds = m.steps.find((s) => s.stepType === 's3-object-lock' && s.outcome === 'applied');
  const versions = obj(holds?.data)?.versions;
  return {
    heading: '(a) Nature of the breach',
    asks: 'Art. 33(3)(a): describe the nature of the personal data breach including, where possible, the categories and approximate number of data subjects concerned and the categories and approximate number of personal data records concerned.',
    lines: [
      [
        `Incident ${m.incident.incidentId ?? '?'}: `,
        fill('what happened, in a sentence (e.g. a storage bucket holding media was publicly readable)'),
      ],
      [
        `Systems (from the journal): AWS account ${m.incident.caller.accountId ?? '?'}, region ${m.incident.region ?? '?'}`,
        ...(bucket ? [`; S3 bucket ${bucket}`] : []),
        ...(users.length ? [`; IAM users ${users.join(', ')}`] : []),
        ...(roles.length ? [`; IAM roles ${roles.join(', ')}`] : []),
        '.',
      ],
      ...(typeof versions === 'number'
        ? [
            [
              `Object versions in the bucket when contained: ${versions} (an upper bound on the records exposed through it).`,
            ],
          ]
        : []),
      ['Categories of data subjects: ', fill('e.g. customers, employees, persons depicted in images')],
      ['Approximate number of data subjects: ', fill('number, or a range')],
      ['Categories of personal data records: ', fill('e.g. images of faces, names, e-mail addresses')],
      ['Approximate number of personal data records: ', fill('number, or a range')],
    ],
  };
}

function contact(): DraftSection {
  return {
    heading: '(b) Contact point',
    asks: 'Art. 33(3)(b): the name and contact details of the data protection officer or other contact point where more information can be obtained.',
    lines: [
      ['Data protection officer or contact point: ', fill('name')],
      ['E-mail and telephone: ', fill('contact details')],
    ],
  };
}

function consequences(): DraftSection {
  return {
    heading: '(c) Likely consequences',
    asks: 'Art. 33(3)(c): describe the likely consequences of the personal data breach.',
    lines: [
      [fill('e.g. identity misuse, reputational harm to persons depicted, further publication of copies')],
    ],
  };
}

function measures(m: ReportModel): DraftSection {
  const taken = m.steps
    .filter((s) => (s.outcome === 'applied' || s.outcome === 'nothing-to-do') && s.end)
    .map((s): DraftLine => [
      `${formatUtc(s.end!)}: ${s.stepId}: ${s.changes.length ? s.changes.map(changeLine).join('; ') : 'already in place'}.`,
    ]);
  const open = stillOpen(m);
  return {
    heading: '(d) Measures taken or proposed',
    asks: 'Art. 33(3)(d): describe the measures taken or proposed to address the breach, including, where appropriate, measures to mitigate its possible adverse effects.',
    lines: [
      ...(taken.length ? taken : [['No containment measure is recorded as applied in this journal.']]),
      ...(open.length ? [[`Not (yet) in place, per the journal: ${open.join(', ')}.`]] : []),
      [
        'Further measures proposed: ',
        fill('e.g. notify the persons depicted, request takedown of copies, rotate credentials'),
      ],
    ],
  };
}

function evidence(m: ReportModel): DraftSection {
  return {
    heading: 'Evidence preserved',
    asks: 'Art. 33(5): document the facts of the breach, its effects and the remedial action taken.',
    lines: [
      [
        `Signed journal ${m.journal.journalId ?? '?'} (${m.journal.entryCount} entries, head SHA-256 ${m.journal.headHash ?? '?'}, key ${m.journal.fingerprint ?? '?'}): ${m.journal.intact ? 'verifies' : 'FAILS verification'}.`,
      ],
      ...m.artefacts.map((a): DraftLine => [
        `${a.path}: SHA-256 ${a.sha256 ?? '?'}${a.location ? `, stored at ${a.location}` : ''}.`,
      ]),
      // What the journal records of the bucket, not what drp usually does with it.
      ...(m.evidenceBucket ? [[`Evidence bucket prefix ${m.evidenceBucket.prefix}: ${bucketNote(m)}.`]] : []),
    ],
  };
}

/** EU AI Act Art. 50: the facts a scan of the incident established about synthetic media. */
function aiAct(scans: ReportModel[]): DraftSection | undefined {
  const lines: DraftLine[] = [];
  let flagged = 0;
  for (const scan of scans) {
    for (const s of scan.steps) {
      const d = obj(s.data);
      if (!d) continue;
      // A provenance step's findings are its declared-ai and invalid images; a scan of clean
      // images (or one without credentials) is no ground for an Art. 50 section.
      if (PROVENANCE_STEP_TYPES.includes(s.stepType)) flagged += num(d.withFindings) ?? 0;
      if (!SCAN_STEP_TYPES.includes(s.stepType)) continue;
      flagged += scanFindingCount(d) ?? 0;
      const summary = scanSummary(d);
      if (summary) lines.push([`Journal ${scan.journal.journalId ?? '?'}, step ${s.stepId}: ${summary}.`]);
    }
    for (const p of provenanceLines(scan.steps)) lines.push([p]);
  }
  if (!lines.length || flagged === 0) return undefined;
  return {
    heading: 'Synthetic media (EU AI Act Art. 50)',
    asks: 'Art. 50(2): outputs of AI systems generating synthetic image, audio, video or text are marked in a machine-readable format and detectable as such; Art. 50(4): deployers of an AI system generating a deep fake disclose that the content is artificially generated or manipulated.',
    lines: [
      ...lines,
      ['The AI system that generated the media, and its provider: ', fill('name, or "unknown"')],
      ['Whether the media depicts real persons, places or events (a deep fake): ', fill('yes / no, and who')],
      ['Disclosure made that the content is artificially generated, and where: ', fill('what, when, where')],
    ],
  };
}

/** The draft, from a run's report model and the models of the incident's scan runs. */
export function gdprDraft(m: ReportModel, scans: ReportModel[] = []): GdprDraft {
  const ai = aiAct([m, ...scans]);
  return {
    title: `DRAFT: notification of a personal data breach (GDPR Art. 33), incident ${m.incident.incidentId ?? '?'}`,
    preface: [
      'Drafted by drp from the signed journal: facts drp recorded are filled in; every [TO FILL: ...] is for the people responsible to complete before sending.',
      'Art. 33(4): what is not yet known may be provided in phases, without undue further delay.',
      ...(m.rehearsal
        ? ['REHEARSAL (dry run): this journal changed nothing; do not send a notification drafted from it.']
        : []),
    ],
    sections: [
      timing(m),
      nature(m),
      contact(),
      consequences(),
      measures(m),
      evidence(m),
      ...(ai ? [ai] : []),
    ],
  };
}
