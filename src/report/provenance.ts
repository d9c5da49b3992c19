import { num, obj, str, type Fields } from './fields.js';
import type { TimelineStep } from './timeline.js';

/** Steps whose result `data` carries Content Credentials classes (issue 19's provenance-scan). */
export const PROVENANCE_STEP_TYPES = ['provenance-scan'];

/** What each class means, for readers who do not know C2PA. */
const MEANING: Record<string, string> = {
  'declared-ai': 'the file itself declares AI-generated or synthetic content',
  invalid: 'credentials present but failing validation: altered after signing, or a bad signature',
  untrusted: 'validly signed, by a signer not on the trusted list',
  trusted: 'validly signed by a trusted signer, no AI declared',
  none: 'no Content Credentials and no AI declaration',
  unreadable: 'not an image drp could parse',
};

const counts = (v: unknown) =>
  Object.entries(obj(v) ?? {})
    .filter(([, n]) => num(n) !== undefined)
    .map(([k, n]) => [k, n as number] as const);
const list = (v: unknown) =>
  counts(v)
    .map(([k, n]) => `${k} ${n}`)
    .join('; ');

function linesOf(step: TimelineStep, d: Fields): string[] {
  const bucket = str(d.bucket) ?? '?';
  const byClass = counts(d.byClass)
    .map(([k, n]) => `${k} ${n} (${MEANING[k] ?? k})`)
    .join('; ');
  const findings = obj(d.findings);
  const notScanned = counts(d.notScanned).reduce((a, [, n]) => a + n, 0);
  return [
    `Step ${step.stepId} read the Content Credentials (C2PA) and XMP digital source type of ${num(d.scanned) ?? 0} image(s) in s3://${bucket}.`,
    ...(byClass ? [`By class: ${byClass}.`] : []),
    ...(counts(d.sourceTypes).length
      ? [`Digital source types declared (IPTC): ${list(d.sourceTypes)}.`]
      : []),
    ...(counts(d.generators).length
      ? [`Claim generators (the software that wrote the credentials): ${list(d.generators)}.`]
      : []),
    ...(counts(d.signers).length
      ? [`Signers (certificate subjects, as the files present them): ${list(d.signers)}.`]
      : []),
    `${num(d.withFindings) ?? 0} image(s) are findings (declared-ai and invalid${d.requireCredentials === true ? ', and with credentials required none and untrusted' : ''})${str(findings?.path) ? `, each with its evidence in ${str(findings?.path)} (SHA-256 ${str(findings?.sha256) ?? '?'})` : ''}.`,
    ...(notScanned
      ? [
          `NOT SCANNED: ${notScanned} image(s) could not be read (${list(d.notScanned)}); their class is unknown.`,
        ]
      : []),
    'A declared-ai image carries a machine-readable marking of AI generation (EU AI Act Art. 50(2)); an image without credentials is not thereby authentic, and a signer subject proves identity only when pinned by its certificate fingerprint.',
  ];
}

/** The report's provenance section, for AI-governance and legal readers: one paragraph per provenance step. */
export function provenanceLines(steps: TimelineStep[]): string[] {
  return steps.flatMap((s) => {
    const d = obj(s.data);
    return d && PROVENANCE_STEP_TYPES.includes(s.stepType) && d.kind === 'provenance' ? linesOf(s, d) : [];
  });
}
