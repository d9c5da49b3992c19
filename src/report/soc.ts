import { num, obj, str, type Fields } from './fields.js';
import { plural } from '../text.js';

/**
 * The SOC's evidence in a report (issue 18): what export-guardduty-findings exported and what
 * securityhub-report imported, from their result data. Notes (a VPC without flow logs, no detector,
 * Security Hub off) are findings already, like every step's notes.
 */
export function socSummary(stepType: string, data: Fields): { text: string; todo?: string } | undefined {
  if (stepType === 'export-guardduty-findings') {
    const n = num(data.findings);
    if (n === undefined) return undefined;
    const bands = Object.entries(obj(data.bySeverity) ?? {})
      .filter(([, v]) => num(v))
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ');
    const file = str(obj(data.artefact)?.path);
    return {
      text: `GuardDuty: ${plural(n, 'finding')} exported${bands ? ` (${bands})` : ''}${file ? ` to ${file}` : ''}`,
      ...(n ? { todo: `review the ${plural(n, 'GuardDuty finding')}${file ? ` in ${file}` : ''}` } : {}),
    };
  }
  if (stepType === 'securityhub-report') {
    const n = num(data.imported);
    const id = str(data.incidentFindingId);
    if (n === undefined || !id) return undefined;
    const scans = num(data.scanFindings);
    return {
      text: `Security Hub: ${plural(n, 'finding')} imported${scans ? ` (${scans} from the scan)` : ''}; the incident's is ${id} in ${str(data.productArn) ?? 'the account'}${str(data.journalHead) ? `, with journal head ${str(data.journalHead)}` : ''}`,
    };
  }
  return undefined;
}
