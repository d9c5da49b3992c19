import { sameMeaning, type PolicyDocument, type Statement } from './bucket-policy.js';
import { policyChars } from './user-deny-policy.js';

/**
 * drp's statements in the inline policy of an IAM Identity Center permission set: merged in beside
 * the customer's, and taken out again. IAM Identity Center provisions that inline policy as the
 * inline policy of the AWSReservedSSO_ role in each account, so it must fit two limits:
 * PutInlinePolicyToPermissionSet's 32,768 characters of text, and IAM's 10,240 characters (not
 * counting whitespace) for a role's inline policies, which the provisioning meets.
 */
export const MAX_INLINE_POLICY_LENGTH = 32_768;
export const MAX_ROLE_INLINE_CHARS = 10_240;

export class PermissionSetPolicyTooLarge extends Error {
  override readonly name = 'PermissionSetPolicyTooLarge';
}

/** IAM Sids are [A-Za-z0-9] only. */
const alnum = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

/** Deny one Identity Center user everything, by its identity store user id (AWS: "Revoke active user permissions"). */
export function userDenyStatement(incidentId: string, userId: string): Statement {
  return {
    Sid: `DrpContain${alnum(incidentId)}User${alnum(userId)}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { StringEquals: { 'identitystore:userId': userId } },
  };
}

/** Deny every session of the permission set's role issued before `before` (the IAM console's revoke, for SSO roles). */
export function revokeStatement(incidentId: string, before: Date): Statement {
  return {
    Sid: `DrpRevoke${alnum(incidentId)}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } },
  };
}

function parse(where: string, text: string | null): PolicyDocument {
  if (text === null) return { Version: '2012-10-17', Statement: [] };
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    throw new Error(`the inline policy of ${where} is not valid JSON: drp will not rewrite it`);
  }
}

const statementsOf = (doc: PolicyDocument): Statement[] =>
  doc.Statement === undefined ? [] : [doc.Statement].flat();

export interface Merged {
  text: string;
  /** Characters of text, against PutInlinePolicyToPermissionSet's 32,768. */
  length: number;
  /** Characters without whitespace, against IAM's 10,240 for the provisioned role. */
  chars: number;
  /** Statements of the customer's kept as they were. */
  kept: number;
}

/**
 * The inline policy with drp's statements in it (each replacing one of the same Sid), every other
 * statement kept in order. Written without whitespace: the customer's formatting is in the
 * recorded before-state, which a restore puts back byte for byte. Throws when it would not fit.
 */
export function withStatements(where: string, before: string | null, add: Statement[]): Merged {
  const doc = parse(where, before);
  const statements = statementsOf(doc);
  const sids = new Set(add.map((s) => s.Sid));
  const kept = statements.filter((s) => !sids.has(s.Sid));
  const text = JSON.stringify({ ...doc, Version: doc.Version ?? '2012-10-17', Statement: [...kept, ...add] });
  const merged = { text, length: text.length, chars: policyChars(text), kept: kept.length };
  if (merged.length > MAX_INLINE_POLICY_LENGTH || merged.chars > MAX_ROLE_INLINE_CHARS)
    throw new PermissionSetPolicyTooLarge(
      `the inline policy of ${where} would be ${merged.chars} characters (${merged.length} with its text) with drp's deny, over the limits of ${MAX_ROLE_INLINE_CHARS} characters without whitespace (IAM's quota for the role it is provisioned to) and ${MAX_INLINE_POLICY_LENGTH} of text: nothing was sent. Move some of its statements to a customer managed policy referenced by the permission set, then run again; or deny the user with a service control policy (identitystore:userId)`,
    );
  return merged;
}

/** Whether the live inline policy already holds every one of these statements, as drp wrote them. */
export function hasStatements(live: string | null, add: Statement[]): boolean {
  if (live === null) return false;
  try {
    const statements = statementsOf(JSON.parse(live) as PolicyDocument);
    return add.every((a) => statements.some((s) => s.Sid === a.Sid && sameMeaning(s, a)));
  } catch {
    return false;
  }
}

/** Whether a Sid is one of drp's in this incident (the user denies and the revoke). */
export const isDrpSid = (incidentId: string) => (sid: unknown) =>
  typeof sid === 'string' &&
  (sid.startsWith(`DrpContain${alnum(incidentId)}User`) || sid === `DrpRevoke${alnum(incidentId)}`);

/**
 * The live inline policy without drp's statements `sids`: the text to put back, or null when no
 * statement remains (the inline policy is then removed). When what remains means the same as the
 * recorded before-state, that exact text is put back. `drifted` says whether anything but drp's
 * own statements of this incident (`ours`) changed since: another drp step's statement in the same
 * permission set is not drift, it is taken out by that step's own restore.
 */
export function withoutStatements(
  where: string,
  live: string | null,
  before: string | null,
  sids: readonly string[],
  ours: (sid: unknown) => boolean,
): { text: string | null; drifted: boolean } {
  const doc = parse(where, live);
  const remaining = statementsOf(doc).filter((s) => !sids.includes(String(s.Sid)));
  const beforeStatements = statementsOf(parse(where, before));
  const others = (list: Statement[]) => list.filter((s) => !ours(s.Sid));
  const drifted = !sameMeaning(others(remaining), others(beforeStatements));
  if (sameMeaning(remaining, beforeStatements)) return { text: before, drifted };
  if (remaining.length === 0) return { text: null, drifted };
  return { text: JSON.stringify({ ...doc, Statement: remaining }), drifted };
}
