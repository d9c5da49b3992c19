import { resolve } from 'node:path';
import type { JournalWriter } from '../journal/writer.js';
import { describeTimeLeft, formatUtc, notificationDeadline } from '../report/time.js';
import type { Estimate } from '../runbook/estimate.js';
import { totalText } from '../runbook/estimate-text.js';
import type { PlannedStep, StepReport } from '../runbook/execute.js';
import type { Notice, Notifier } from './notify.js';

export interface RunNoticeContext {
  notifier: Notifier;
  incidentId: string;
  accountId: string;
  region: string;
  command: string;
  journal: Pick<JournalWriter, 'path' | 'headHash' | 'entryCount'>;
  detectedAt: string;
  now: () => Date;
}

/**
 * A step that changes something drp can undo is containment (the bucket's controls, keys,
 * sessions, the SCP, a harden rule); the evidence starts with the first step that writes into the
 * evidence bucket (it acts as, or also as, the evidence identity). The run is "contained" once the
 * last containment step before the evidence is done, and its evidence is "preserved" at the end.
 * Steps after the evidence starts that can also be undone (a DynamoDB export's PITR, the Security
 * Hub finding) are evidence and reporting, not containment.
 */
export function phasesOf(planned: Pick<PlannedStep, 'definition'>[]) {
  const writesEvidence = (d: PlannedStep['definition']) =>
    d.identity === 'evidence' || Boolean(d.alsoActsAs?.evidence);
  const firstEvidence = planned.findIndex((s) => writesEvidence(s.definition));
  const before = firstEvidence < 0 ? planned : planned.slice(0, firstEvidence);
  const containmentEnd = before.map((s) => Boolean(s.definition.restore)).lastIndexOf(true);
  const evidence = planned.flatMap((_, i) =>
    i > containmentEnd && firstEvidence >= 0 && i >= firstEvidence ? [i] : [],
  );
  return { containmentEnd, evidence };
}

const DONE = new Set(['applied', 'nothing-to-do']);
const stepLine = (r: StepReport) =>
  `${r.id} (${r.type}): ${r.outcome}${r.error ? `: ${r.error.text}` : r.reason ? `: ${r.reason}` : ''}`;

/** The notices of one run: sent at approval, after each failed step, once contained, and at the end. */
export function runNotices(planned: PlannedStep[], ctx: RunNoticeContext) {
  const { containmentEnd, evidence } = phasesOf(planned);
  const contained = ctx.command === 'harden' ? 'HARDENED' : 'CONTAINED';
  const deadline = notificationDeadline(ctx.detectedAt);
  const notice = (event: string, outcome: string, lines: string[], anchor?: string): Notice => {
    const path = resolve(ctx.journal.path);
    const now = ctx.now();
    return {
      event,
      outcome,
      incidentId: ctx.incidentId,
      accountId: ctx.accountId,
      region: ctx.region,
      lines: [
        ...lines,
        `Time left to notify (GDPR Art. 33): ${describeTimeLeft(Date.parse(deadline) - now.getTime())}`,
      ],
      journal: { path, head: ctx.journal.headHash, entries: ctx.journal.entryCount },
      report: `drp report ${path} --out report.html${anchor ? `; anchored at ${anchor}` : ''}`,
      deadline: formatUtc(deadline),
      time: now.toISOString(),
    };
  };
  const reports: StepReport[] = [];

  return {
    approved(estimate: Estimate): void {
      const changes = planned.reduce((n, s) => n + (s.plan?.changes.length ?? 0), 0);
      ctx.notifier.send(
        notice('approved', 'PLAN APPROVED', [
          `drp ${ctx.command} is applying ${changes} change(s) in ${planned.length} step(s): ${planned.map((s) => s.id).join(', ')}`,
          `Estimated AWS cost: ${totalText(estimate)}`,
        ]),
      );
    },

    stepDone(report: StepReport, index: number): void {
      reports[index] = report;
      if (report.outcome === 'failed')
        ctx.notifier.send(notice('failed', `STEP FAILED: ${report.id}`, [stepLine(report)]));
      if (index !== containmentEnd) return;
      const steps = reports.filter((r, i) => r && Boolean(planned[i]?.definition.restore));
      const open = steps.filter((r) => r.outcome === 'failed' || r.outcome === 'skipped');
      const pending = evidence.length
        ? [`evidence preservation: ${evidence.length} step(s) still to run`]
        : [];
      ctx.notifier.send(
        notice(
          contained === 'HARDENED' ? 'hardened' : 'contained',
          open.length ? `PARTIALLY ${contained}: ${open.length} open` : contained,
          [
            `Done: ${
              steps
                .filter((r) => DONE.has(r.outcome))
                .map((r) => r.id)
                .join(', ') || 'none'
            }`,
            ...steps
              .filter((r) => r.outcome === 'not-applicable')
              .map((r) => `Not applicable: ${stepLine(r)}`),
            ...(open.length || pending.length
              ? ['Still open:', ...open.map((r) => `  ${stepLine(r)}`), ...pending.map((p) => `  ${p}`)]
              : ['Still open: nothing']),
          ],
        ),
      );
    },

    /** After the seal (and the anchor): the evidence steps' outcome, when the run had any. */
    finished(anchor?: string): void {
      if (evidence.length === 0) return;
      const steps = evidence.map((i) => reports[i]).filter((r): r is StepReport => Boolean(r));
      const open = steps.filter((r) => !DONE.has(r.outcome) && r.outcome !== 'not-applicable');
      ctx.notifier.send(
        notice(
          'evidence',
          open.length ? `EVIDENCE INCOMPLETE: ${open.length} open` : 'EVIDENCE PRESERVED',
          [
            `Preserved: ${
              steps
                .filter((r) => DONE.has(r.outcome))
                .map((r) => r.id)
                .join(', ') || 'none'
            }`,
            ...(open.length ? ['Still open:', ...open.map((r) => `  ${stepLine(r)}`)] : []),
            anchor ? `Journal anchored at ${anchor}` : 'Journal not anchored in the evidence bucket',
          ],
          anchor,
        ),
      );
    },
  };
}
