import { isHubDisabled } from '../aws/service-limits.js';
import { defineRestore, type RestorePlan } from './define.js';
import type { Observed } from './securityhub-report.js';

interface ReportData {
  productArn?: string;
  incidentFindingId?: string;
}

const CLOSED = new Set(['RESOLVED', 'SUPPRESSED']);

/**
 * Security Hub has no delete: the incident finding drp imported stays (Security Hub keeps a
 * finding 90 days after its last update). What the restore changes is its workflow status: the
 * containment it reports is lifted, so it is RESOLVED, with a note saying by whom. Scan findings
 * are facts about objects and stay as they are.
 */
export default defineRestore<unknown, Observed>({
  permissions: ['securityhub:GetFindings', 'securityhub:BatchUpdateFindings'],

  async plan(ctx, recorded) {
    const data = (recorded.result?.data ?? {}) as ReportData;
    const base = { before: { workflowStatus: 'no finding before drp imported it' }, drift: [] as string[] };
    if (!data.productArn || !data.incidentFindingId)
      return { ...base, observed: {}, changes: [], kept: [] } satisfies RestorePlan;
    const target = `securityhub:${data.incidentFindingId}`;
    let live;
    try {
      live = await ctx.aws.securityhub.getFinding(data.productArn, data.incidentFindingId);
    } catch (err) {
      if (!isHubDisabled(err)) throw err;
      return {
        ...base,
        observed: {},
        changes: [],
        kept: [],
        notApplicable: `Security Hub is no longer enabled in ${ctx.region}: the incident finding cannot be resolved`,
      };
    }
    if (!live)
      return {
        ...base,
        observed: {},
        changes: [],
        kept: [`${target} is no longer in Security Hub (it keeps a finding 90 days after its last update)`],
      };
    if (CLOSED.has(live.workflowStatus ?? ''))
      return {
        ...base,
        observed: { workflowStatus: live.workflowStatus },
        changes: [],
        kept: [
          `${target} is ${live.workflowStatus} already (set in Security Hub since the run): left as it is`,
        ],
      };
    return {
      ...base,
      observed: { workflowStatus: live.workflowStatus },
      changes: [
        {
          action: 'update-finding-workflow',
          target,
          detail: `${live.workflowStatus ?? 'NEW'} -> RESOLVED, with a note: containment lifted by drp restore`,
        },
      ],
      kept: ['the scan findings drp imported stay as they are: they describe objects, not the containment'],
    };
  },

  async apply(ctx, recorded, plan) {
    const data = (recorded.result?.data ?? {}) as ReportData;
    if (!plan.changes.length || !data.productArn || !data.incidentFindingId)
      return { changes: [], requestIds: [] };
    const call = await ctx.aws.securityhub.updateWorkflow(
      { productArn: data.productArn, id: data.incidentFindingId },
      'RESOLVED',
      {
        text: `Containment of incident ${ctx.incidentId} lifted by drp restore.`,
        updatedBy: ctx.caller.principalArn,
      },
    );
    if (call.unprocessed)
      throw new Error(`Security Hub did not update ${data.incidentFindingId}: ${call.unprocessed}`);
    return { changes: plan.changes, requestIds: call.requestId ? [call.requestId] : [] };
  },
});
