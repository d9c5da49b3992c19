import { execFileSync } from 'node:child_process';
import { cpus, release, type as osType } from 'node:os';

/** One contender on one path, as the table shows it. */
export interface Row {
  name: string;
  /** Calls made (versions held, files copied); for the AWS CLI, the sample it ran. */
  count?: number;
  wallSeconds?: number;
  perS?: number | null;
  /** Client CPU per call, and the fake endpoint's CPU per call: what bounds the rate on 2 cores. */
  cpuMsPerCall?: number;
  fakeCpuMsPerCall?: number;
  peakRssMB?: number;
  /** "ok", or why the figure is missing or wrong. */
  check: string;
}

const cell = (v: number | string | null | undefined, digits = 0) =>
  v === undefined || v === null ? '-' : typeof v === 'number' ? v.toFixed(digits) : v;

export function table(title: string, rows: Row[], limitPerS: number | null | undefined): string {
  const head = [
    'contender',
    'calls',
    'wall s',
    'per s',
    'x limit',
    'CPU ms/call',
    'fake ms/call',
    'peak RSS MB',
    'check',
  ];
  const body = rows.map((r) => [
    r.name,
    cell(r.count),
    cell(r.wallSeconds, 1),
    cell(r.perS, r.perS != null && r.perS < 10 ? 2 : 0),
    r.perS && limitPerS ? (r.perS / limitPerS).toFixed(2) : '-',
    cell(r.cpuMsPerCall, 2),
    cell(r.fakeCpuMsPerCall, 2),
    cell(r.peakRssMB),
    r.check,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cols: string[]) => `| ${cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `${title}\n`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map((b) => line(b.map(String))),
  ].join('\n');
}

const version = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0];
  } catch {
    return 'not installed';
  }
};

export function machine(loadAtStart: number[]): string {
  const cpu = cpus();
  return [
    `- CPU: ${cpu[0]?.model ?? '?'}, ${cpu.length} cores, shared with other work ` +
      `(load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start of the run)`,
    `- OS: ${osType()} ${release()}`,
    `- Node ${process.version}; ${version('python3', ['-c', 'import boto3, sys; print("Python", sys.version.split()[0], "boto3", boto3.__version__)'])}; ${version('aws', ['--version'])}`,
  ].join('\n');
}

/** RESULTS.md. `machineText` is what machine() probed (it runs python3 and aws): given, so a test spawns nothing. */
export function resultsMarkdown(
  command: string,
  machineText: string,
  tables: string[],
  figures: object,
  notes: string[],
  analysis = '',
): string {
  return `# Benchmark results

Written by \`npm run bench -- --record\` (bench/run.ts); edit by hand only the section "${ANALYSIS}", which a new record keeps.

Command: \`${command}\`

## Machine

${machineText}

## Figures

${tables.join('\n\n')}

\`\`\`json
${JSON.stringify(figures)}
\`\`\`

## What bounds it

${notes.map((n) => `- ${n}`).join('\n')}
${analysis ? `\n${analysis.trimEnd()}\n` : ''}`;
}

const ANALYSIS = '## Analysis (by hand)';

/** The hand-written analysis of an earlier RESULTS.md, kept when the figures are recorded again. */
export function analysisOf(previous: string | undefined): string {
  const at = previous?.search(/^## Analysis \(by hand\)$/m) ?? -1;
  return at === -1 ? '' : previous!.slice(at);
}
