import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { verifyJournal } from '../journal/verify.js';
import { JOURNAL_FILE } from '../journal/writer.js';
import { table } from '../output/table.js';
import { incidentStatus, type IncidentStatus, type StepStanding } from '../report/status.js';
import { describeTimeLeft, formatUtc } from '../report/time.js';
import { checkIncidentId } from '../runbook/session.js';
import { SnsTopicArn } from '../names.js';
import type { CommandEnv, CommandResult } from './env.js';
import { createNotifier, notifyLines, type Notice } from './notify.js';

export interface StatusOptions {
  /** The incident's folder (default ./evidence/<incident-id>/). */
  evidenceDir?: string;
  notifyTopics: string[];
}

/** Once this little of the 72 hours is left, `drp status --notify-topic` tells the team. */
export const DEADLINE_WARNING_MS = 24 * 3_600_000;

/** Every journal.jsonl in the incident's folder: the run's, re-runs' (run-N/) and restores' (restore-*). */
function journalsUnder(dir: string, depth = 3): string[] {
  const here = existsSync(join(dir, JOURNAL_FILE)) ? [join(dir, JOURNAL_FILE)] : [];
  if (depth === 0) return here;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new UserError(
      `--evidence-dir ${dir}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  const subdirs = entries.filter((e) => e.isDirectory() && e.name !== 'artefacts');
  return [...here, ...subdirs.flatMap((e) => journalsUnder(join(dir, e.name), depth - 1))];
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

function incidentDir(opts: StatusOptions, incidentId: string | undefined): { dir: string; id: string } {
  if (opts.evidenceDir)
    return { dir: opts.evidenceDir, id: incidentId ?? basename(resolve(opts.evidenceDir)) };
  if (incidentId) return { dir: join('evidence', checkIncidentId(incidentId)), id: incidentId };
  const ids = existsSync('evidence')
    ? readdirSync('evidence', { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];
  if (ids.length === 1) return { dir: join('evidence', ids[0]!), id: ids[0]! };
  throw new UserError(
    ids.length
      ? `--incident: ./evidence holds ${ids.length} incidents; name one: ${ids.join(', ')}`
      : '--incident: no ./evidence/<incident-id>/ here; run drp status where drp contain ran, or pass --evidence-dir',
  );
}

const stepRows = (steps: StepStanding[]) =>
  steps.map((s) => [s.stepId, s.stepType, s.outcome + (s.detail ? `: ${s.detail}` : ''), s.command ?? '-']);

function render(status: IncidentStatus, dir: string): string {
  const c = status.clock;
  const section = (title: string, steps: StepStanding[]) =>
    steps.length
      ? [`${title} (${steps.length}):`, table(['step', 'type', 'outcome', 'by'], stepRows(steps)), '']
      : [];
  const containment = status.steps.filter((s) => s.kind === 'containment');
  const evidence = status.steps.filter((s) => s.kind === 'evidence');
  return [
    `drp status  incident ${status.incidentId}  (${dir}, ${status.journals.length} journal(s))`,
    c
      ? `GDPR Art. 33 clock: detected ${formatUtc(c.detectedAt)}; notify by ${formatUtc(c.deadline)}: ${describeTimeLeft(c.remainingMs)}`
      : 'GDPR Art. 33 clock: no live run recorded when the incident was detected',
    ...(status.rehearsalOnly ? ['Only dry-runs so far: nothing has been applied.'] : []),
    '',
    ...section(
      'Contained',
      containment.filter((s) => s.state === 'done'),
    ),
    ...section(
      'OPEN',
      [...containment, ...evidence].filter((s) => s.state === 'open' || s.state === 'undone'),
    ),
    ...section(
      'Not applicable',
      containment.filter((s) => s.state === 'not-applicable'),
    ),
    ...section(
      'Evidence preserved',
      evidence.filter((s) => s.state === 'done'),
    ),
    'Journals:',
    table(
      ['journal', 'command', 'outcome', 'verified', 'head'],
      status.journals.map((j) => [
        j.path,
        j.command ?? '-',
        j.dryRun ? `${j.outcome} (dry-run)` : j.outcome,
        j.intact ? 'yes' : `NO: ${j.failure ?? 'not sealed'}`,
        j.head ?? '-',
      ]),
    ),
  ].join('\n');
}

/** The team's warning once the deadline is under 24 hours away (or past). */
function deadlineNotice(status: IncidentStatus, now: Date): Notice | undefined {
  const c = status.clock;
  const latest = status.journals.filter((j) => !j.dryRun).at(-1);
  if (!c || c.remainingMs > DEADLINE_WARNING_MS || !latest) return undefined;
  const open = status.steps.filter((s) => s.state === 'open' || s.state === 'undone');
  return {
    event: 'deadline',
    outcome:
      c.remainingMs < 0
        ? 'GDPR DEADLINE PASSED'
        : `GDPR DEADLINE IN ${describeTimeLeft(c.remainingMs).replace(/ left$/, '')}`,
    incidentId: status.incidentId,
    accountId: latest.accountId ?? '-',
    region: latest.region ?? '-',
    lines: [
      `Notify the supervisory authority by ${formatUtc(c.deadline)} if personal data is affected (${describeTimeLeft(c.remainingMs)}).`,
      `Contained: ${status.steps.filter((s) => s.kind === 'containment' && s.state === 'done').length} step(s); open: ${open.map((s) => `${s.stepId} (${s.outcome})`).join(', ') || 'none'}`,
    ],
    journal: { path: resolve(latest.path), head: latest.head ?? '-', entries: latest.entries },
    report: `drp report ${resolve(latest.path)} --out report.html`,
    deadline: formatUtc(c.deadline),
    time: now.toISOString(),
  };
}

/** `drp status [--incident ID]`: what is contained, what is open, the time left, from the journals alone. */
export async function status(opts: StatusOptions, env: CommandEnv): Promise<CommandResult> {
  for (const arn of opts.notifyTopics) {
    const check = SnsTopicArn.safeParse(arn);
    if (!check.success) throw new UserError(`--notify-topic ${arn}: ${check.error.issues[0]?.message}`);
  }
  const { dir, id } = incidentDir(opts, env.incidentId);
  if (!isDirectory(dir))
    throw new UserError(
      opts.evidenceDir
        ? `--evidence-dir ${dir}: not a directory; give the incident's evidence folder (./evidence/<incident-id>)`
        : `--incident ${id}: no evidence folder ${dir}`,
    );
  const paths = journalsUnder(dir);
  if (paths.length === 0) throw new UserError(`--incident ${id}: ${dir} holds no journal.jsonl`);
  const now = env.now?.() ?? new Date();
  const journals = paths
    .map((path) => ({ path, verification: verifyJournal(readFileSync(path)) }))
    .sort((a, b) =>
      (a.verification.entries[0]?.time ?? '').localeCompare(b.verification.entries[0]?.time ?? ''),
    );
  const result = incidentStatus(id, journals, now);
  const notice = deadlineNotice(result, now);
  const notifier = notice ? await createNotifier(opts.notifyTopics, env.aws, env.log, true) : undefined;
  if (notice) notifier?.send(notice);
  const notifications = (await notifier?.settle()) ?? [];
  const broken = result.journals.some((j) => j.failure);
  return {
    exitCode: broken ? 1 : 0,
    text: [render(result, dir), ...notifyLines(notifications)].join('\n'),
    json: { ...result, ...(notifier ? { notifications } : {}) },
  };
}
