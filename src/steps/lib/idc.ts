import { setTimeout as delay } from 'node:timers/promises';
import type { IdcInstance, ProvisioningStatus } from '../../aws/ssoadmin.js';
import { describeError } from '../../errors.js';
import type { StepContext } from '../define.js';

/** IAM Identity Center, as the idc-* steps reach it: its instance, and provisioning a permission set. */

/**
 * The credentials cannot administer Identity Center: the organization's instance answers only to
 * the management account or its delegated administrator. The step fails with what to do, and the
 * run goes on (its runbook step is onError: continue), so the summary lists it as not done.
 */
export class IdcUnreachable extends Error {
  override readonly name = 'IdcUnreachable';
}

const ADMIN_HINT =
  "IAM Identity Center is administered from the organization's management account or its delegated administrator: run drp again with credentials there (a profile of that account; the organization's role once drp takes one), or in the Identity Center console disable the user and deny it in each permission set assigned to it (AWS: Revoke active user permissions)";

const DENIED = /AccessDenied|UnauthorizedOperation|UnrecognizedClient/;

/** The organization's Identity Center instance, or IdcUnreachable saying what to do. */
export async function idcInstance(ctx: StepContext, what: string): Promise<IdcInstance> {
  let instances: IdcInstance[];
  try {
    instances = await ctx.aws.ssoAdmin.listInstances();
  } catch (err) {
    const e = describeError(err);
    if (!DENIED.test(e.code)) throw err;
    throw new IdcUnreachable(
      `cannot ${what}: these credentials (${ctx.caller.arn}) may not use IAM Identity Center (sso:ListInstances: ${e.code}: ${e.message}). ${ADMIN_HINT}`,
      { cause: err },
    );
  }
  const instance = instances[0];
  if (!instance)
    throw new IdcUnreachable(
      `cannot ${what}: no IAM Identity Center instance is visible to ${ctx.caller.arn} in ${ctx.region}. ${ADMIN_HINT}; Identity Center lives in one region: pass --region with it`,
    );
  return instance;
}

/** How long drp waits for a provisioning to finish: AWS usually takes seconds; bounded, not forever. */
export const PROVISIONING_WAIT = { intervalMs: 2_000, attempts: 60 };

export interface Provisioned {
  provisioningId: string;
  /** SUCCEEDED, or IN_PROGRESS when the wait ran out (it goes on at AWS). */
  status: ProvisioningStatus['status'];
  /** The ProvisionPermissionSet call's request id, for the journal. */
  requestId?: string;
}

/**
 * Provisions the permission set to the account (its role there gets the new inline policy) and
 * waits for it, bounded. A provisioning already running for the same permission set answers
 * ConflictException: drp waits and tries again. FAILED throws with AWS's reason.
 */
export async function provisionAndWait(
  ctx: StepContext,
  instanceArn: string,
  permissionSetArn: string,
  accountId: string,
): Promise<Provisioned> {
  const { ssoAdmin } = ctx.aws;
  const { intervalMs, attempts } = PROVISIONING_WAIT;
  let started: Awaited<ReturnType<typeof ssoAdmin.provisionToAccount>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await ssoAdmin.provisionToAccount(instanceArn, permissionSetArn, accountId);
    } catch (err) {
      if (describeError(err).code !== 'ConflictException' || attempt >= attempts) throw err;
      await delay(intervalMs);
    }
  }
  let status: ProvisioningStatus = started;
  for (let attempt = 1; status.status === 'IN_PROGRESS' && attempt <= attempts; attempt++) {
    await delay(intervalMs);
    status = await ssoAdmin.describeProvisioning(instanceArn, started.provisioningId);
  }
  if (status.status === 'FAILED')
    throw new Error(
      `provisioning ${permissionSetArn} to account ${accountId} failed (provisioning ${started.provisioningId}): ${status.failureReason ?? 'no reason given'}`,
    );
  return {
    provisioningId: started.provisioningId,
    status: status.status,
    ...(started.requestId ? { requestId: started.requestId } : {}),
  };
}

/** The note for a provisioning still running when drp stopped waiting. */
export const stillProvisioningNote = (p: Provisioned, instanceArn: string, accountId: string) =>
  `provisioning to account ${accountId} was still in progress after ${(PROVISIONING_WAIT.intervalMs * PROVISIONING_WAIT.attempts) / 1000} s: check it with "aws sso-admin describe-permission-set-provisioning-status --instance-arn ${instanceArn} --provision-permission-set-request-id ${p.provisioningId}"`;
