import { isDeepStrictEqual } from 'node:util';

/** drp's SCP of an incident. */
export const scpName = (incidentId: string) => `drp-${incidentId}`;

/** Two SCP documents mean the same (Organizations may store them reformatted). */
export function sameContent(current: string | null, desired: string): boolean {
  if (current === null) return false;
  try {
    return isDeepStrictEqual(JSON.parse(current), JSON.parse(desired));
  } catch {
    return false;
  }
}

/** AWS's limit on an SCP document, in characters. drp sends it minified, so that is what counts. */
export const SCP_MAX_CHARS = 5120;

export interface ScpInput {
  /** aws, aws-cn, aws-us-gov: the partition of the caller. */
  partition: string;
  bucket: string;
  functions: readonly string[];
  apis: readonly string[];
  exemptPrincipals: readonly string[];
}

export const partitionOf = (arn: string) => arn.split(':')[1] || 'aws';

/**
 * A function ARN without a qualifier denies only unqualified calls: invoking a version or an
 * alias (`function:NAME:prod`) names a different resource. Deny both forms.
 */
function functionResources(arn: string): string[] {
  const qualified = arn.split(':').length > 7;
  return qualified || arn.endsWith('*') ? [arn] : [arn, `${arn}:*`];
}

/** execute-api ARNs name API-ID/STAGE/METHOD/PATH: a bare API id would match no request. */
function apiResources(arn: string): string[] {
  const resource = arn.split(':').slice(5).join(':');
  return [resource.includes('/') ? arn : `${arn}/*`];
}

/**
 * The SCP: deny `s3:*` on the bucket and its objects, `lambda:*` on the functions and
 * `execute-api:*` on the APIs, to every principal except the exempt ones (the responder).
 */
export function scpDocument(input: ScpInput) {
  const unless = { ArnNotLike: { 'aws:PrincipalArn': [...input.exemptPrincipals] } };
  const deny = (Sid: string, Action: string, Resource: string[]) => ({
    Sid,
    Effect: 'Deny',
    Action,
    Resource,
    Condition: unless,
  });
  const p = input.partition;
  return {
    Version: '2012-10-17',
    Statement: [
      deny('DrpDenyS3', 's3:*', [`arn:${p}:s3:::${input.bucket}`, `arn:${p}:s3:::${input.bucket}/*`]),
      ...(input.functions.length
        ? [deny('DrpDenyLambda', 'lambda:*', input.functions.flatMap(functionResources))]
        : []),
      ...(input.apis.length
        ? [deny('DrpDenyExecuteApi', 'execute-api:*', input.apis.flatMap(apiResources))]
        : []),
    ],
  };
}
