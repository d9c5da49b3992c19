import {
  AttachUserPolicyCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedUserPoliciesCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  UpdateLoginProfileCommand,
  UpdateServiceSpecificCredentialCommand,
  UpdateSigningCertificateCommand,
  UpdateSSHPublicKeyCommand,
} from '@aws-sdk/client-iam';
import type { Secret } from '../secret.js';
import { callOf, isNotFound, type Call } from './call.js';
import { isNotImplementedByEndpoint, isUnreachable, NotImplementedByEndpoint } from './unavailable.js';

/** What an IAM user signs in and authenticates with besides access keys, and its own policies. */

export type CredentialStatus = 'Active' | 'Inactive';

/** A user's console password: IAM never gives the password itself back. */
export interface LoginProfile {
  /** ISO time. */
  createDate?: string;
  passwordResetRequired: boolean;
}

/** The account's password policy, as far as a generated password must satisfy it. */
export interface PasswordPolicy {
  minimumLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercase: boolean;
  requireLowercase: boolean;
}

export type CredentialKind = 'ssh-public-key' | 'signing-certificate' | 'service-specific-credential';

export interface UserCredential {
  kind: CredentialKind;
  id: string;
  status: CredentialStatus;
  /** ISO time of upload or creation. */
  createDate?: string;
  /** For a service-specific credential: the service and the user name it signs in with there. */
  service?: string;
  serviceUserName?: string;
}

export interface MfaDevice {
  serialNumber: string;
  enableDate?: string;
}

export interface AttachedPolicy {
  arn: string;
  name: string;
}

export interface IamUserPort {
  /** undefined: the user has no console password. */
  getLoginProfile(userName: string): Promise<LoginProfile | undefined>;
  /** undefined: the account has no password policy (IAM's default rules apply). */
  getAccountPasswordPolicy(): Promise<PasswordPolicy | undefined>;
  /** Sets a new password (never logged: it is a Secret until the request is built). */
  updateLoginProfile(userName: string, password: Secret, resetRequired: boolean): Promise<Call>;
  /** SSH public keys, signing certificates or service-specific credentials of the user. */
  listCredentials(kind: CredentialKind, userName: string): Promise<UserCredential[]>;
  updateCredentialStatus(
    kind: CredentialKind,
    userName: string,
    id: string,
    status: CredentialStatus,
  ): Promise<Call>;
  listMfaDevices(userName: string): Promise<MfaDevice[]>;
  listUserPolicyNames(userName: string): Promise<string[]>;
  /** The inline policy's document (JSON text), or undefined when the user has none of that name. */
  getUserPolicy(userName: string, policyName: string): Promise<string | undefined>;
  putUserPolicy(userName: string, policyName: string, document: string): Promise<Call>;
  /** Only `drp restore` calls it, and only for drp's own `drp-contain-<incident>` inline policy. */
  deleteUserPolicy(userName: string, policyName: string): Promise<Call>;
  listAttachedUserPolicies(userName: string): Promise<AttachedPolicy[]>;
  attachUserPolicy(userName: string, policyArn: string): Promise<Call>;
  /** Only `drp restore` calls it, and only for the AWSDenyAll policy drp attached. */
  detachUserPolicy(userName: string, policyArn: string): Promise<Call>;
}

const iso = (d: Date | undefined) => (d ? { createDate: d.toISOString() } : {});
const statusOf = (s: string | undefined): CredentialStatus => (s === 'Active' ? 'Active' : 'Inactive');

/** Every page of a Marker-paginated IAM list. */
async function allPages<T>(page: (marker?: string) => Promise<{ items: T[]; next?: string }>) {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const out = await page(marker);
    items.push(...out.items);
    marker = out.next;
  } while (marker);
  return items;
}

const nextOf = (out: { IsTruncated?: boolean; Marker?: string }) =>
  out.IsTruncated ? out.Marker : undefined;

// IAM returns policy documents URL-encoded (RFC 3986); emulators often return them plain.
export function decodePolicy(document: string): string {
  if (document.trimStart().startsWith('{')) return document;
  return decodeURIComponent(document);
}

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

/** undefined for IAM's NoSuchEntity: "there is none". */
export async function orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err, ...NO_SUCH_ENTITY)) return undefined;
    throw err;
  }
}

async function listCredentials(client: IAMClient, kind: CredentialKind, UserName: string) {
  if (kind === 'ssh-public-key')
    return allPages(async (Marker) => {
      const out = await client.send(new ListSSHPublicKeysCommand({ UserName, Marker }));
      const items = (out.SSHPublicKeys ?? []).map((k) => ({
        kind,
        id: k.SSHPublicKeyId ?? '',
        status: statusOf(k.Status),
        ...iso(k.UploadDate),
      }));
      return { items, next: nextOf(out) };
    });
  if (kind === 'signing-certificate')
    return allPages(async (Marker) => {
      const out = await client.send(new ListSigningCertificatesCommand({ UserName, Marker }));
      const items = (out.Certificates ?? []).map((c) => ({
        kind,
        id: c.CertificateId ?? '',
        status: statusOf(c.Status),
        ...iso(c.UploadDate),
      }));
      return { items, next: nextOf(out) };
    });
  return allPages(async (Marker) => {
    const out = await client
      .send(new ListServiceSpecificCredentialsCommand({ UserName, Marker }))
      .catch((err: unknown) => {
        // moto has no service-specific credentials: the step says so instead of failing.
        if (!isNotImplementedByEndpoint(err) || isUnreachable(err)) throw err;
        throw new NotImplementedByEndpoint('IAM', 'ListServiceSpecificCredentials', err);
      });
    const items = (out.ServiceSpecificCredentials ?? []).map((c) => ({
      kind,
      id: c.ServiceSpecificCredentialId ?? '',
      status: statusOf(c.Status),
      ...iso(c.CreateDate),
      ...(c.ServiceName ? { service: c.ServiceName } : {}),
      ...(c.ServiceUserName ? { serviceUserName: c.ServiceUserName } : {}),
    }));
    return { items, next: nextOf(out) };
  });
}

function updateCredential(
  client: IAMClient,
  kind: CredentialKind,
  UserName: string,
  id: string,
  Status: CredentialStatus,
) {
  if (kind === 'ssh-public-key')
    return client.send(new UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: id, Status }));
  if (kind === 'signing-certificate')
    return client.send(new UpdateSigningCertificateCommand({ UserName, CertificateId: id, Status }));
  return client.send(
    new UpdateServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id, Status }),
  );
}

export function createIamUserPort(client: IAMClient): IamUserPort {
  return {
    async getLoginProfile(UserName) {
      const out = await orUndefined(() => client.send(new GetLoginProfileCommand({ UserName })));
      const p = out?.LoginProfile;
      return p
        ? { ...iso(p.CreateDate), passwordResetRequired: p.PasswordResetRequired ?? false }
        : undefined;
    },

    async getAccountPasswordPolicy() {
      const out = await orUndefined(() => client.send(new GetAccountPasswordPolicyCommand({})));
      const p = out?.PasswordPolicy;
      if (!p) return undefined;
      return {
        minimumLength: p.MinimumPasswordLength ?? 8,
        requireSymbols: p.RequireSymbols ?? false,
        requireNumbers: p.RequireNumbers ?? false,
        requireUppercase: p.RequireUppercaseCharacters ?? false,
        requireLowercase: p.RequireLowercaseCharacters ?? false,
      };
    },

    async updateLoginProfile(UserName, password, PasswordResetRequired) {
      return callOf(
        await client.send(
          new UpdateLoginProfileCommand({ UserName, Password: password.reveal(), PasswordResetRequired }),
        ),
      );
    },

    listCredentials: (kind, userName) => listCredentials(client, kind, userName),

    async updateCredentialStatus(kind, userName, id, status) {
      return callOf(await updateCredential(client, kind, userName, id, status));
    },

    listMfaDevices: (UserName) =>
      allPages(async (Marker) => {
        const out = await client.send(new ListMFADevicesCommand({ UserName, Marker }));
        const items = (out.MFADevices ?? []).map((d) => ({
          serialNumber: d.SerialNumber ?? '',
          ...(d.EnableDate ? { enableDate: d.EnableDate.toISOString() } : {}),
        }));
        return { items, next: nextOf(out) };
      }),

    listUserPolicyNames: (UserName) =>
      allPages(async (Marker) => {
        const out = await client.send(new ListUserPoliciesCommand({ UserName, Marker }));
        return { items: out.PolicyNames ?? [], next: nextOf(out) };
      }),

    async getUserPolicy(UserName, PolicyName) {
      const out = await orUndefined(() => client.send(new GetUserPolicyCommand({ UserName, PolicyName })));
      return out?.PolicyDocument === undefined ? undefined : decodePolicy(out.PolicyDocument);
    },

    async putUserPolicy(UserName, PolicyName, PolicyDocument) {
      return callOf(await client.send(new PutUserPolicyCommand({ UserName, PolicyName, PolicyDocument })));
    },

    async deleteUserPolicy(UserName, PolicyName) {
      return callOf(await client.send(new DeleteUserPolicyCommand({ UserName, PolicyName })));
    },

    listAttachedUserPolicies: (UserName) =>
      allPages(async (Marker) => {
        const out = await client.send(new ListAttachedUserPoliciesCommand({ UserName, Marker }));
        const items = (out.AttachedPolicies ?? []).map((p) => ({
          arn: p.PolicyArn ?? '',
          name: p.PolicyName ?? '',
        }));
        return { items, next: nextOf(out) };
      }),

    async attachUserPolicy(UserName, PolicyArn) {
      return callOf(await client.send(new AttachUserPolicyCommand({ UserName, PolicyArn })));
    },

    async detachUserPolicy(UserName, PolicyArn) {
      return callOf(await client.send(new DetachUserPolicyCommand({ UserName, PolicyArn })));
    },
  };
}
