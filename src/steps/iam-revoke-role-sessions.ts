import * as z from 'zod';
import { awsNow, skewNote } from '../aws/clock.js';
import type { IamRole } from '../aws/iam.js';
import { UserError } from '../errors.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import { arnLike } from './lib/arn-like.js';
import restore from './iam-revoke-role-sessions.restore.js';
import { IamName } from '../names.js';
import { issuedBefore, revokePolicy, revokePolicyName } from './lib/revoke-policy.js';

export { issuedBefore, revokePolicy, revokePolicyName } from './lib/revoke-policy.js';

export interface RoleObserved {
  role: string;
  arn: string;
  policyName: string;
  /** The inline policy of that name before this step (JSON text), or null: a restore removes or puts it back. */
  existingPolicy: string | null;
}

export interface Observed {
  roles: RoleObserved[];
}

/** IAM Identity Center's roles: IAM refuses PutRolePolicy on them (UnmodifiableEntity). */
const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';

/** The time the revocation denies sessions before: AWS's (a fresh IAM answer's Date), and what to say about it. */
async function revocationTime(ctx: StepContext, role: string | undefined) {
  // A fresh answer, so its Date is AWS's clock now; only read calls, the role is re-read.
  if (role) await ctx.aws.iam.getRole(role);
  const clock = ctx.aws.iam.serverClock();
  const notes: string[] = [];
  const skew = skewNote(clock, 'IAM');
  if (skew) notes.push(skew);
  if (!clock) notes.push("no Date came from IAM's answer: the revocation time is this machine's clock");
  return { before: awsNow(clock, ctx.now()) ?? ctx.now(), notes };
}

const Params = z
  .object({
    roles: z.array(IamName).default([]).describe('IAM role names whose active sessions are revoked'),
    allowSelf: z
      .boolean()
      .default(false)
      .describe(
        "Allow revoking the role drp itself runs as (or an exempt principal's role): it cuts this run's session",
      ),
  })
  .strict();

function refuseSelf(ctx: StepContext, role: IamRole): void {
  const isCaller = role.arn === ctx.caller.principalArn || role.name === ctx.caller.roleName;
  // An exempt principal may be a pattern (role/ops/*): the role is exempt if the pattern matches it.
  const exempt = ctx.exemptPrincipals.find((p) => arnLike(p, role.arn));
  if (!isCaller && !exempt) return;
  throw new UserError(
    `refusing to revoke the sessions of role "${role.name}": ${
      isCaller
        ? `it is the role drp runs as (${ctx.caller.arn}); this run and every responder on that role would lose access`
        : `it is an exempt principal (--exempt-principal ${exempt})`
    }. Remove it from --role / param roles, or set allowSelf: true in the step's with: block if you mean it.`,
  );
}

export default defineStep({
  type: 'iam-revoke-role-sessions',
  summary:
    'Revoke the active sessions of the given IAM roles, as the IAM console does: an inline policy denying everything to credentials issued before now',
  params: Params,
  permissions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy'],
  example: { roles: ['media-pipeline'], allowSelf: false },

  async plan(ctx, { roles, allowSelf }) {
    if (roles.length === 0)
      return {
        observed: { roles: [] },
        changes: [],
        notes: ['no roles given (param roles is empty): no session to revoke'],
      };
    const found: IamRole[] = [];
    const missing: string[] = [];
    for (const name of new Set(roles)) {
      const role = await ctx.aws.iam.getRole(name);
      if (role) found.push(role);
      else missing.push(name);
    }
    if (missing.length)
      throw new UserError(
        `IAM role${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in account ${ctx.caller.accountId} (--role / param roles)`,
      );
    for (const role of found) {
      if (role.path.startsWith('/aws-service-role/'))
        throw new UserError(
          `role "${role.name}" is a service-linked role: AWS does not allow revoking its sessions (--role / param roles)`,
        );
      if (!allowSelf) refuseSelf(ctx, role);
    }
    const policyName = revokePolicyName(ctx.incidentId);
    const observed: Observed = { roles: [] };
    const changes: Change[] = [];
    const notes: string[] = [];
    for (const role of found) {
      if (role.path.startsWith(SSO_PATH)) {
        notes.push(
          `role ${role.name} is an IAM Identity Center role: IAM refuses to change it (UnmodifiableEntity), so its sessions are revoked through its permission set (step idc-revoke-permission-set-sessions, with the organization's credentials)`,
        );
        continue;
      }
      const existing = (await ctx.aws.iam.getRolePolicy(role.name, policyName)) ?? null;
      observed.roles.push({ role: role.name, arn: role.arn, policyName, existingPolicy: existing });
      // Already revoked in this incident: nothing to do. Revoking again with a newer time would
      // also cut the sessions responders (or the role's workloads) opened since the first revocation.
      if (existing !== null) {
        const before = issuedBefore(existing);
        notes.push(
          `role ${role.name} already has ${policyName}${before ? ` (sessions issued before ${before} are denied)` : ''}; not revoked again`,
        );
        continue;
      }
      changes.push({
        action: 'put-role-policy',
        target: role.arn,
        detail: `${policyName}: deny every action to sessions issued before the time of apply`,
      });
    }
    return { observed, changes, ...(notes.length ? { notes } : {}) };
  },

  async apply(ctx, _params, plan) {
    // One instant for every role, AWS's: the journal then holds a single revocation time, and a
    // laptop clock that is off neither spares recent sessions nor cuts the next ones.
    const todo = plan.observed.roles.filter((o) => o.existingPolicy === null);
    const { before, notes } = await revocationTime(ctx, todo[0]?.role);
    const document = JSON.stringify(revokePolicy(before));
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const revoked: string[] = [];
    try {
      for (const r of todo) {
        const call = await ctx.aws.iam.putRolePolicy(r.role, r.policyName, document);
        if (call.requestId) requestIds.push(call.requestId);
        revoked.push(r.role);
        changes.push({
          action: 'put-role-policy',
          target: r.arn,
          detail: `${r.policyName}: sessions issued before ${before.toISOString()} are denied`,
        });
      }
    } catch (err) {
      throw new StepFailure(
        { changes, requestIds, data: { issuedBefore: before.toISOString(), roles: revoked }, notes },
        { cause: err },
      );
    }
    return {
      changes,
      requestIds,
      data: { issuedBefore: before.toISOString(), roles: revoked },
      ...(notes.length ? { notes } : {}),
    };
  },

  restore,
});
