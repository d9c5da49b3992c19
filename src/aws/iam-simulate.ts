import { type ContextEntry, IAMClient, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { isNotImplementedByEndpoint, isUnreachable, NotImplementedByEndpoint } from './unavailable.js';

export type SimulatedDecision = 'allowed' | 'implicitDeny' | 'explicitDeny';

/** One action's simulated decision, and what decided it. */
export interface SimulatedAction {
  action: string;
  decision: SimulatedDecision;
  /** false: a service control policy of the account's organization denies it. */
  allowedByOrganizations?: boolean;
  /** false: the principal's permissions boundary does not allow it. */
  allowedByPermissionsBoundary?: boolean;
  /** Context keys the principal's policies test that the simulation was not given. */
  missingContextValues: string[];
  /** The policies whose statements decided it (an explicit deny's statement only). */
  matchedPolicies: string[];
}

export interface ContextValue {
  key: string;
  type: 'string' | 'stringList' | 'boolean';
  values: string[];
}

/**
 * iam:SimulatePrincipalPolicy, read-only: what the principal's own policies, its permissions
 * boundary and its organization's SCPs decide for each action, without calling it. AWS returns one
 * result per action whatever the number of resources, its decision the most restrictive across
 * them; the answer is paged (Marker, up to 1,000 items a page).
 */
export interface IamSimulatePort {
  /** Throws NotImplementedByEndpoint where the endpoint lacks the operation (moto). */
  simulate(
    principalArn: string,
    actions: string[],
    resources: string[],
    context?: ContextValue[],
  ): Promise<SimulatedAction[]>;
}

/**
 * Read-only, and with the SDK's default 3 attempts rather than a run's 8: preflight is a check,
 * not a control that must not be left half-applied, and an endpoint without the operation (moto's
 * HTML 500) would otherwise be retried for seconds before preflight can say so.
 */
export function createIamSimulateClient(settings: AwsSettings): IAMClient {
  return instrument(new IAMClient({ ...clientOptions(settings), maxAttempts: 3 }), true);
}

const DECISIONS = new Set<string>(['allowed', 'implicitDeny', 'explicitDeny']);

export function createIamSimulatePort(client: IAMClient): IamSimulatePort {
  return {
    async simulate(principalArn, actions, resources, context = []) {
      const results: SimulatedAction[] = [];
      const entries: ContextEntry[] = context.map((c) => ({
        ContextKeyName: c.key,
        ContextKeyType: c.type,
        ContextKeyValues: c.values,
      }));
      try {
        for await (const page of paginateSimulatePrincipalPolicy(
          { client, pageSize: 1000 },
          {
            PolicySourceArn: principalArn,
            ActionNames: actions,
            ...(resources.length ? { ResourceArns: resources } : {}),
            ...(entries.length ? { ContextEntries: entries } : {}),
          },
        )) {
          for (const r of page.EvaluationResults ?? []) {
            const decision = DECISIONS.has(r.EvalDecision ?? '')
              ? (r.EvalDecision as SimulatedDecision)
              : 'implicitDeny';
            results.push({
              action: r.EvalActionName ?? '',
              decision,
              ...(r.OrganizationsDecisionDetail
                ? { allowedByOrganizations: r.OrganizationsDecisionDetail.AllowedByOrganizations ?? false }
                : {}),
              ...(r.PermissionsBoundaryDecisionDetail
                ? {
                    allowedByPermissionsBoundary:
                      r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary ?? false,
                  }
                : {}),
              missingContextValues: r.MissingContextValues ?? [],
              matchedPolicies: [
                ...new Set((r.MatchedStatements ?? []).map((s) => s.SourcePolicyId ?? '').filter(Boolean)),
              ],
            });
          }
        }
      } catch (err) {
        // moto answers an operation it lacks with an HTML 500 or a 404: say so, not a parse error.
        if (isNotImplementedByEndpoint(err) && !isUnreachable(err))
          throw new NotImplementedByEndpoint('IAM', 'SimulatePrincipalPolicy', err);
        throw err;
      }
      return results;
    },
  };
}
