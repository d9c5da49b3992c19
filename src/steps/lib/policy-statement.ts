import { MAX_POLICY_BYTES, parse, PolicyTooLarge, sameMeaning, type Statement } from './bucket-policy.js';

/**
 * Adding one statement to a bucket policy and taking it out again, every other statement kept as
 * it is (order and content): what `drp harden` does to the leaked bucket's policy, and what its
 * restore undoes. Unlike the containment deny, nothing else is removed.
 */

const statementsOf = (bucket: string, policy: string | null): Statement[] => {
  const doc = parse(bucket, policy);
  return doc.Statement === undefined ? [] : [doc.Statement].flat();
};
const withoutSid = ({ Sid: _, ...rest }: Statement) => rest;

export type Added =
  | { unchanged: true; equivalentSid?: string }
  | { unchanged: false; text: string; bytes: number; replaced: boolean; kept: number };

/** The policy with `statement` in it: replaced in place when its Sid is there, unchanged when an equivalent drp statement is. */
export function withStatement(
  bucket: string,
  policy: string | null,
  statement: Statement,
  sidPrefix: string,
): Added {
  const doc = parse(bucket, policy);
  const statements = statementsOf(bucket, policy);
  const own = statements.findIndex((s) => s.Sid === statement.Sid);
  if (own >= 0 && sameMeaning(statements[own], statement)) return { unchanged: true };
  const equivalent = statements.find(
    (s) =>
      typeof s.Sid === 'string' &&
      s.Sid.startsWith(sidPrefix) &&
      sameMeaning(withoutSid(s), withoutSid(statement)),
  );
  if (own < 0 && equivalent) return { unchanged: true, equivalentSid: String(equivalent.Sid) };
  if (own >= 0) statements[own] = statement;
  else statements.push(statement);
  const text = JSON.stringify({ ...doc, Version: doc.Version ?? '2012-10-17', Statement: statements });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_POLICY_BYTES)
    throw new PolicyTooLarge(
      `the bucket policy of s3://${bucket} would be ${bytes} bytes with drp's statement, over S3's 20 KB limit (${MAX_POLICY_BYTES} bytes): nothing was sent. Remove statements the bucket no longer needs, then run again`,
    );
  return { unchanged: false, text, bytes, replaced: own >= 0, kept: statements.length - 1 };
}

/** The live policy without the statement of that Sid: the text to put, or null when nothing else is left. */
export function withoutStatement(
  bucket: string,
  policy: string,
  sid: string,
): { text: string | null; found: Statement | undefined } {
  const doc = parse(bucket, policy);
  const statements = statementsOf(bucket, policy);
  const found = statements.find((s) => s.Sid === sid);
  const rest = statements.filter((s) => s.Sid !== sid);
  return { text: rest.length ? JSON.stringify({ ...doc, Statement: rest }) : null, found };
}
