import {
  CreateAccessKeyCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  PutRolePolicyCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { Secret } from '../secret.js';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface IamRole {
  arn: string;
  name: string;
  path: string;
}

export interface IamUser {
  arn: string;
  name: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKey {
  accessKeyId: string;
  status: AccessKeyStatus;
  /** ISO time, when IAM gives it. */
  createDate?: string;
}

/** A key just created. The secret is wrapped so that it never serialises by accident. */
export interface NewAccessKey extends Call {
  accessKeyId: string;
  secretAccessKey: Secret;
  createDate: string;
}

export interface IamPort {
  /** undefined when the role does not exist. */
  getRole(roleName: string): Promise<IamRole | undefined>;
  /** undefined when the user does not exist. */
  getUser(userName: string): Promise<IamUser | undefined>;
  /** Every access key of the user, active or not (IAM allows two per user). */
  listAccessKeys(userName: string): Promise<AccessKey[]>;
  listUserTags(userName: string): Promise<Record<string, string>>;
  updateAccessKeyStatus(userName: string, accessKeyId: string, status: AccessKeyStatus): Promise<Call>;
  createAccessKey(userName: string): Promise<NewAccessKey>;
  tagUser(userName: string, tags: Record<string, string>): Promise<Call>;
  /** The inline policy's document (JSON text), or undefined when the role has no policy of that name. */
  getRolePolicy(roleName: string, policyName: string): Promise<string | undefined>;
  putRolePolicy(roleName: string, policyName: string, document: string): Promise<Call>;
  /** Only `drp restore` calls it, and only for drp's own `drp-revoke-<incident>` inline policy. */
  deleteRolePolicy(roleName: string, policyName: string): Promise<Call>;
}

export function createIamClient(settings: AwsSettings, readOnly: boolean): IAMClient {
  return instrument(new IAMClient(clientOptions(settings)), readOnly);
}

const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

async function orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err, ...NO_SUCH_ENTITY)) return undefined;
    throw err;
  }
}

// IAM returns policy documents URL-encoded (RFC 3986); emulators often return them plain.
function decodePolicy(document: string): string {
  if (document.trimStart().startsWith('{')) return document;
  return decodeURIComponent(document);
}

export function createIamPort(client: IAMClient): IamPort {
  return {
    async getRole(roleName) {
      const out = await orUndefined(() => client.send(new GetRoleCommand({ RoleName: roleName })));
      const role = out?.Role;
      return role
        ? { arn: role.Arn ?? '', name: role.RoleName ?? roleName, path: role.Path ?? '/' }
        : undefined;
    },

    async getUser(userName) {
      const out = await orUndefined(() => client.send(new GetUserCommand({ UserName: userName })));
      const user = out?.User;
      return user ? { arn: user.Arn ?? '', name: user.UserName ?? userName } : undefined;
    },

    async listAccessKeys(userName) {
      // Two keys per user at most: one page always holds them all.
      const out = await client.send(new ListAccessKeysCommand({ UserName: userName }));
      return (out.AccessKeyMetadata ?? []).map((k) => ({
        accessKeyId: k.AccessKeyId ?? '',
        status: k.Status === 'Active' ? 'Active' : 'Inactive',
        ...(k.CreateDate ? { createDate: k.CreateDate.toISOString() } : {}),
      }));
    },

    async listUserTags(userName) {
      const tags: Record<string, string> = {};
      let marker: string | undefined;
      do {
        const out = await client.send(new ListUserTagsCommand({ UserName: userName, Marker: marker }));
        for (const t of out.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
        marker = out.IsTruncated ? out.Marker : undefined;
      } while (marker);
      return tags;
    },

    async updateAccessKeyStatus(userName, accessKeyId, status) {
      return callOf(
        await client.send(
          new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
        ),
      );
    },

    async createAccessKey(userName) {
      const out = await client.send(new CreateAccessKeyCommand({ UserName: userName }));
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey)
        throw new Error(`IAM.CreateAccessKey returned no key for user ${userName}`);
      return {
        accessKeyId: key.AccessKeyId,
        secretAccessKey: new Secret(key.SecretAccessKey),
        createDate: (key.CreateDate ?? new Date()).toISOString(),
        ...callOf(out),
      };
    },

    async tagUser(userName, tags) {
      return callOf(
        await client.send(
          new TagUserCommand({
            UserName: userName,
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
      );
    },

    async getRolePolicy(roleName, policyName) {
      const out = await orUndefined(() =>
        client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      return out?.PolicyDocument === undefined ? undefined : decodePolicy(out.PolicyDocument);
    },

    async putRolePolicy(roleName, policyName, document) {
      return callOf(
        await client.send(
          new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: document }),
        ),
      );
    },

    // Removes drp's own revoke policy (the restore checks the name); never another policy of the role.
    async deleteRolePolicy(roleName, policyName) {
      return callOf(
        await client.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
    },
  };
}
