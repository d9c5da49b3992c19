import { drillChildEnv, runCli } from './cli-child.js';
import type { DrpRuns } from './drp-runs.js';

/**
 * `drp preflight` as the drill runs it, before it seeds the incident and after: on a fresh
 * emulator it finds gaps and blocks (no bucket, no trail, no key yet), after seeding it should
 * find the account ready, save for what the emulator lacks (the IAM policy simulator). The score
 * card shows both, so a tabletop sees what preflight would have told the account owner.
 */

/**
 * A verdict as `drp preflight --output json` prints it. The drill reads preflight's JSON as an
 * operator's script would (src/preflight is its peer, not a library it imports).
 */
type Verdict = 'ready' | 'gap' | 'blocked';

/** What one preflight found: its verdict counts and its first fixes, or why it gave no answer. */
export type PreflightSummary =
  | {
      exitCode: number;
      counts: Record<Verdict, number>;
      topFixes: { verdict: Verdict; name: string; fix: string }[];
    }
  | { error: string };

interface PreflightJson {
  counts: Record<Verdict, number>;
  topFixes: { verdict: Verdict; name: string; fix: string }[];
}

/** `drp preflight --bucket <the scenario's> --output json`, with the drill's key and roles. */
export async function runPreflight(r: DrpRuns, key: string): Promise<PreflightSummary> {
  const args = [
    ...['--endpoint-url', r.endpoint, '--output', 'json', ...(r.roleFlags ?? [])],
    ...['preflight', '--bucket', r.scenario.bucket, '--key', key],
  ];
  const run = await runCli(args, { env: drillChildEnv(r.endpoint, r.dir), signal: r.signal });
  // Exit 1 is an answer (something is blocked); anything else without JSON is not.
  try {
    const report = JSON.parse(run.stdout) as PreflightJson;
    return { exitCode: run.code ?? -1, counts: report.counts, topFixes: report.topFixes.slice(0, 3) };
  } catch {
    const why = run.stderr.trim().split('\n').pop() ?? `exit ${run.code ?? run.signal}`;
    return { error: `drp preflight gave no report: ${why}` };
  }
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "4 ready, 6 gaps, 3 blocked; first fix: ..." */
export function preflightLine(when: string, p: PreflightSummary): string {
  if ('error' in p) return `Preflight ${when}: ${p.error}`;
  const { ready, gap, blocked } = p.counts;
  const first = p.topFixes[0];
  const fix = first ? `; first fix (${first.verdict}, ${first.name}): ${first.fix}` : '';
  return `Preflight ${when}: ${ready} ready, ${plural(gap, 'gap', 'gaps')}, ${blocked} blocked${fix}`;
}
