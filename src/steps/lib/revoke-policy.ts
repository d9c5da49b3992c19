/** The inline policy iam-revoke-role-sessions puts on a role, and how to read it back. */

export const revokePolicyName = (incidentId: string) => `drp-revoke-${incidentId}`;

/**
 * The document the IAM console's "Revoke active sessions" puts on a role (as its inline policy
 * AWSRevokeOlderSessions): deny everything to credentials issued before `before`. Sessions opened
 * afterwards are unaffected, so the role's legitimate users only have to assume it again.
 */
export function revokePolicy(before: Date) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:TokenIssueTime': before.toISOString() } },
      },
    ],
  };
}

export function issuedBefore(document: string): string | undefined {
  try {
    const statements = ([] as unknown[]).concat((JSON.parse(document) as { Statement?: unknown }).Statement);
    for (const s of statements as { Condition?: { DateLessThan?: Record<string, string> } }[]) {
      const time = s?.Condition?.DateLessThan?.['aws:TokenIssueTime'];
      if (time) return time;
    }
  } catch {
    // Not ours to parse: the note then omits the time.
  }
  return undefined;
}
