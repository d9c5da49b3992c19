import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { isNotFound } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface IamRole {
  arn: string;
  name: string;
  path: string;
}

export interface IamPort {
  /** undefined when the role does not exist. */
  getRole(roleName: string): Promise<IamRole | undefined>;
}

export function createIamClient(settings: AwsSettings, readOnly: boolean): IAMClient {
  return instrument(new IAMClient(clientOptions(settings)), readOnly);
}

export function createIamPort(client: IAMClient): IamPort {
  return {
    async getRole(roleName) {
      try {
        const { Role } = await client.send(new GetRoleCommand({ RoleName: roleName }));
        return Role
          ? { arn: Role.Arn ?? '', name: Role.RoleName ?? roleName, path: Role.Path ?? '/' }
          : undefined;
      } catch (err) {
        if (isNotFound(err, 'NoSuchEntity', 'NoSuchEntityException')) return undefined;
        throw err;
      }
    },
  };
}
