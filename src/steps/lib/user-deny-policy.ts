import { isDeepStrictEqual } from 'node:util';
import { partitionOf } from '../../names.js';

/** The deny-all drp puts on a contained IAM user, and IAM's limits on where it can go. */

export const containPolicyName = (incidentId: string) => `drp-contain-${incidentId}`;

/**
 * Deny everything. On the user, it applies to every request the user's credentials sign: its
 * access keys, its console session, and the temporary credentials it minted with
 * GetSessionToken or GetFederationToken (their permissions are the user's, evaluated on each
 * request: IAM User Guide, "Disabling permissions for temporary security credentials").
 */
export const denyAllDocument = () => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DrpDenyAll', Effect: 'Deny', Action: '*', Resource: '*' }],
});

/** IAM's quota on the inline policies of one user, together, in characters other than whitespace. */
export const USER_INLINE_POLICY_CHARS = 2_048;

/** IAM counts a policy's size without its whitespace. */
export const policyChars = (text: string) => text.replace(/\s/g, '').length;

/** AWS's own deny-all managed policy: the way in when the user's inline policies have no room left. */
export const denyAllManagedArn = (callerArn: string) =>
  `arn:${partitionOf(callerArn)}:iam::aws:policy/AWSDenyAll`;

/** Whether a document is drp's deny-all (as IAM gives it back, reformatted or not). */
export function isDenyAll(document: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(document), denyAllDocument());
  } catch {
    return false;
  }
}
