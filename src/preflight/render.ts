import { GROUPS, type Check, type Verdict } from './check.js';
import type { PreflightReport } from './run.js';

const MARK: Record<Verdict, string> = { ready: 'ready  ', gap: 'gap    ', blocked: 'BLOCKED' };

function line(c: Check): string[] {
  // The steps a check concerns, unless its detail already names them.
  const named = c.steps?.every((s) => c.detail.includes(s)) ?? true;
  const steps = c.steps?.length && !named ? ` [${c.steps.join(', ')}]` : '';
  return [
    `  ${MARK[c.verdict]} ${c.name}: ${c.detail}${steps}`,
    ...(c.verdict !== 'ready' && c.fix ? [`          fix: ${c.fix}`] : []),
  ];
}

/** The checklist, grouped, each gap and block with its fix; then the readiness summary. */
export function renderPreflight(report: PreflightReport): string {
  const out = [`drp preflight: runbook ${report.runbook}, region ${report.region}`, ''];
  for (const group of GROUPS) {
    const checks = report.checks.filter((c) => c.group === group);
    if (checks.length === 0) continue;
    out.push(`${group[0]!.toUpperCase()}${group.slice(1)}`, ...checks.flatMap(line), '');
  }
  const { ready, gap, blocked } = report.counts;
  out.push(
    `Readiness: ${ready} ready, ${gap} ${gap === 1 ? 'gap' : 'gaps'}, ${blocked} blocked${blocked ? ': a run would fail' : ''}`,
  );
  if (report.topFixes.length) {
    out.push('Fix first:');
    report.topFixes.forEach((f, i) => out.push(`  ${i + 1}. ${f.name}: ${f.fix}`));
  }
  return out.join('\n');
}
