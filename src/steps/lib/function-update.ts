import type { FunctionNetwork, NetworkPort, VpcSettings } from '../../aws/network.js';
import { pollUntil } from './poll.js';

export interface Timing {
  waitMinutes: number;
  pollSeconds: number;
}

const settled = (f: FunctionNetwork | undefined) =>
  !f || (f.state !== 'Pending' && f.lastUpdateStatus !== 'InProgress');

/**
 * Sets a function's VPC security groups the way Lambda allows: only once no other update is in
 * progress (ResourceConflictException otherwise), pinned to the revision just read, and then
 * waited for, since Lambda applies a VPC change over about a minute. A function still updating
 * at the deadline is reported, not failed: the change is on its way.
 */
export async function updateFunctionVpc(
  network: NetworkPort,
  functionName: string,
  vpc: VpcSettings,
  timing: Timing,
): Promise<{ requestId?: string; stillUpdating: boolean }> {
  const wait = { timeoutMs: timing.waitMinutes * 60_000, intervalMs: timing.pollSeconds * 1000 };
  const ready = await pollUntil(() => network.getFunctionNetwork(functionName), settled, wait);
  if (!ready.value) throw new Error(`Lambda function ${functionName} no longer exists`);
  if (ready.timedOut)
    throw new Error(
      `Lambda function ${functionName} was still updating after ${timing.waitMinutes} min (LastUpdateStatus InProgress): its security groups were not changed; run again`,
    );
  const call = await network.setFunctionVpc(functionName, vpc, ready.value.revisionId);
  const after = await pollUntil(() => network.getFunctionNetwork(functionName), settled, wait);
  if (after.value?.lastUpdateStatus === 'Failed')
    throw new Error(
      `Lambda could not apply the security groups to ${functionName}: ${after.value.lastUpdateReason ?? 'LastUpdateStatus Failed'}`,
    );
  return { ...(call.requestId ? { requestId: call.requestId } : {}), stillUpdating: after.timedOut };
}

export const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
