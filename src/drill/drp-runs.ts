import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildReport } from '../report/build.js';
import type { ReportModel } from '../report/model.js';
import { drillChildEnv, runCli, type CliRun } from './cli-child.js';
import type { Scenario } from './scenario.js';

/** The drp commands a drill runs, each as the operator would type it, in the drill's directory. */
export interface DrpRuns {
  scenario: Scenario;
  incidentId: string;
  /** The drill's directory: key/, evidence/, report.html, report.md, moto.log. */
  dir: string;
  endpoint: string;
  say(text: string): void;
  signal: AbortSignal;
  /** More contain flags for what the seeds added (--function, --api). */
  containArgs?: string[];
  /** --target-role-arn and friends, when the drill runs across accounts. */
  roleFlags?: string[];
}

/** Paths shown relative to where the operator stands, when that is shorter. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && rel.length < path.length ? rel : path;
}

const paths = (dir: string) => ({
  keyDir: join(dir, 'key'),
  key: join(dir, 'key', 'signing-key.pem'),
  pubkey: join(dir, 'key', 'signing-key.pub.pem'),
  evidenceDir: join(dir, 'evidence'),
  journal: join(dir, 'evidence', 'journal.jsonl'),
});

/** A throwaway signing key for the drill (never the operator's default key). */
export async function runKeygen(r: DrpRuns): Promise<void> {
  const env = drillChildEnv(r.endpoint, r.dir);
  const keygen = await runCli(['keygen', '--out', paths(r.dir).keyDir], { env, signal: r.signal });
  if (keygen.code !== 0) throw new Error(`drp keygen failed: ${keygen.stderr.trim()}`);
}

/** `drp contain` against the seeded incident (after runKeygen), its output streamed, indented. */
export async function runContain(r: DrpRuns): Promise<CliRun> {
  const env = drillChildEnv(r.endpoint, r.dir);
  const p = paths(r.dir);
  const detectedAt = new Date(Date.now() - r.scenario.detectedMinutesAgo * 60_000).toISOString();
  const s = r.scenario;
  const args = [
    ...['--endpoint-url', r.endpoint, '--incident', r.incidentId, ...(r.roleFlags ?? [])],
    ...['contain', '--bucket', s.bucket],
    ...['--user', s.user, '--role', s.role, ...(r.containArgs ?? [])],
    ...['--yes', '--detected-at', detectedAt],
    ...['--key', p.key, '--evidence-dir', p.evidenceDir],
  ];
  r.say(`\n$ drp ${args.map((a) => (a.startsWith(r.dir) ? shown(a) : a)).join(' ')}`);
  const indent = (line: string) => r.say(`    ${line}`);
  const run = await runCli(args, { env, signal: r.signal, onStdout: indent, onStderr: indent });
  r.say(`  drp contain exited ${run.code ?? run.signal} after ${(run.ms / 1000).toFixed(1)} s`);
  return run;
}

/** `drp verify --artefacts --anchor` with the drill's public key pinned; its JSON answer. */
export function runVerify(r: DrpRuns, evidenceBucket: string): Promise<CliRun> {
  const p = paths(r.dir);
  const anchor = `s3://${evidenceBucket}/incidents/${r.incidentId}/`;
  return runCli(
    ['--endpoint-url', r.endpoint, '--output', 'json', 'verify', p.journal, '--pubkey', p.pubkey].concat([
      '--artefacts',
      '--anchor',
      anchor,
    ]),
    { env: drillChildEnv(r.endpoint, r.dir), signal: r.signal },
  );
}

export interface WrittenReports {
  model: ReportModel;
  html: string;
  markdown: string;
}

/**
 * `drp report` to report.html and report.md beside the evidence; the model (what
 * `drp report --output json` prints) gives the score card its times. None without a journal.
 */
export async function writeReports(r: Pick<DrpRuns, 'dir'>): Promise<WrittenReports | undefined> {
  const { journal, pubkey } = paths(r.dir);
  if (!existsSync(journal)) return undefined;
  const html = join(r.dir, 'report.html');
  const markdown = join(r.dir, 'report.md');
  const { model } = await buildReport(journal, { format: 'html', out: html, pubkey });
  await buildReport(journal, { format: 'md', out: markdown, pubkey });
  return { model, html, markdown };
}

export const journalPath = (dir: string) => paths(dir).journal;
export const keyPath = (dir: string) => paths(dir).key;
