import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { clientOptions, instrument, type AwsSettings, type CredentialProvider } from './config.js';

/** One role drp assumes for an incident. */
export interface RoleRequest {
  roleArn: string;
  /** drp-<incident>: CloudTrail shows it on every call made with the role. */
  sessionName: string;
  externalId?: string;
  /** The operator, where the role's trust policy allows sts:SetSourceIdentity. */
  sourceIdentity?: string;
}

/**
 * IAM's answer when a trust policy (or the caller's own policy) does not allow the permission-only
 * action sts:SetSourceIdentity: AccessDenied, "... is not authorized to perform:
 * sts:SetSourceIdentity on resource: arn:...:role/...". Only this denial drops the SourceIdentity.
 */
export function isSourceIdentityRefused(err: unknown): boolean {
  return err instanceof Error && /AccessDenied/.test(err.name) && /sts:SetSourceIdentity/.test(err.message);
}

/** The STS client settings of the base credentials, without an identity's own credentials. */
const stsConfig = (base: AwsSettings) => clientOptions({ ...base, credentials: undefined });

/**
 * The temporary credentials of a role, from the SDK's own provider (fromTemporaryCredentials: it
 * calls AssumeRole again when they near their expiry, so a long run keeps working), memoized once
 * for every client of the identity. Without a base provider, the role is assumed with the default
 * chain (environment, --profile, SSO). A role that refuses sts:SetSourceIdentity is assumed again
 * without it, and `onSourceIdentityRefused` says so.
 */
export function assumeRoleCredentials(
  base: AwsSettings,
  role: RoleRequest,
  onSourceIdentityRefused: (err: Error) => void,
): CredentialProvider {
  const master = base.credentials ?? fromNodeProviderChain(base.profile ? { profile: base.profile } : {});
  const providerFor = (sourceIdentity: string | undefined) =>
    fromTemporaryCredentials({
      masterCredentials: master,
      params: {
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
        ...(sourceIdentity ? { SourceIdentity: sourceIdentity } : {}),
      },
      clientConfig: stsConfig(base),
    });
  let sourceIdentity = role.sourceIdentity;
  let provider = providerFor(sourceIdentity);
  const assume = async () => {
    try {
      return await provider();
    } catch (err) {
      if (!sourceIdentity || !isSourceIdentityRefused(err)) throw err;
      sourceIdentity = undefined;
      provider = providerFor(undefined);
      onSourceIdentityRefused(err as Error);
      return provider();
    }
  };
  return memoizeIdentityProvider(assume, isIdentityExpired, doesIdentityRequireRefresh) as CredentialProvider;
}

/** How long an MFA session lasts: GetSessionToken's default for an IAM user, 12 hours. */
export const MFA_SESSION_SECONDS = 43_200;

/**
 * An MFA-authenticated session of the caller's own IAM user (STS GetSessionToken with the device's
 * serial and a code): one code for the whole run, since every role is then assumed with these
 * credentials, which carry the MFA context a trust policy's aws:MultiFactorAuthPresent asks for.
 * GetSessionToken needs long-term IAM user credentials; it is called once, when first needed.
 */
export function mfaSessionCredentials(
  base: AwsSettings,
  serialNumber: string,
  code: () => Promise<string>,
): CredentialProvider {
  const client = instrument(new STSClient(stsConfig(base)), false);
  let session: ReturnType<CredentialProvider> | undefined;
  return () =>
    (session ??= (async () => {
      const out = await client.send(
        new GetSessionTokenCommand({
          SerialNumber: serialNumber,
          TokenCode: await code(),
          DurationSeconds: MFA_SESSION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey)
        throw new Error('STS GetSessionToken returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    })());
}
