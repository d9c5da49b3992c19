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
import { callOf, type Call } from './call.js';
import { trackServerClock, type ServerClock } from './clock.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';
import { createIamUserPort, decodePolicy, orUndefined, type IamUserPort } from './iam-users.js';

export interface IamRole {
  arn: string;
  name: string;
  path: string;
}

export interface IamUser {
  arn: string;
  name: string;
  /** ISO time the console password was last used, when IAM has one: evidence of console use. */
  passwordLastUsed?: string;
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

export interface IamPort extends IamUserPort {
  /** AWS's clock as the latest IAM response gave it (its Date header); undefined before any. */
  serverClock(): ServerClock | undefined;
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

/** IAM's tag patterns (API Reference, Tag): AWS answers anything else with a ValidationError. */
const IAM_TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const IAM_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

export function createIamPort(client: IAMClient): IamPort {
  const serverClock = trackServerClock(client);
  return {
    ...createIamUserPort(client),
    serverClock,

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
      if (!user) return undefined;
      return {
        arn: user.Arn ?? '',
        name: user.UserName ?? userName,
        ...(user.PasswordLastUsed ? { passwordLastUsed: user.PasswordLastUsed.toISOString() } : {}),
      };
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
      for (const [key, value] of Object.entries(tags))
        if (!IAM_TAG_KEY.test(key) || !IAM_TAG_VALUE.test(value))
          throw new Error(
            `IAM tag ${JSON.stringify(key)}=${JSON.stringify(value)} of user ${userName} would be refused: IAM tags allow only letters, digits, spaces and _.:/=+-@ (keys 1-128, values 0-256 characters)`,
          );
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
