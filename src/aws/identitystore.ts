import {
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsForMemberCommand,
} from '@aws-sdk/client-identitystore';
import { isNotFound } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

/** The Identity Store of IAM Identity Center: who a user is, and the groups it belongs to. */
export interface IdentityStorePort {
  /** The user's id (identitystore:UserId in policies), or undefined when no user has that user name. */
  getUserIdByUserName(identityStoreId: string, userName: string): Promise<string | undefined>;
  /** Ids of the groups the user is a member of (account assignments made to a group reach its members). */
  listGroupIdsOfUser(identityStoreId: string, userId: string): Promise<string[]>;
}

export function createIdentityStoreClient(settings: AwsSettings, readOnly: boolean): IdentitystoreClient {
  return instrument(new IdentitystoreClient(clientOptions(settings)), readOnly);
}

export function createIdentityStorePort(client: IdentitystoreClient): IdentityStorePort {
  return {
    async getUserIdByUserName(IdentityStoreId, userName) {
      try {
        // userName is one of the two unique attributes GetUserId accepts (emails.value the other).
        const out = await client.send(
          new GetUserIdCommand({
            IdentityStoreId,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
          }),
        );
        return out.UserId;
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return undefined;
        throw err;
      }
    },

    async listGroupIdsOfUser(IdentityStoreId, UserId) {
      const ids: string[] = [];
      let NextToken: string | undefined;
      do {
        const out = await client.send(
          new ListGroupMembershipsForMemberCommand({ IdentityStoreId, MemberId: { UserId }, NextToken }),
        );
        for (const m of out.GroupMemberships ?? []) if (m.GroupId) ids.push(m.GroupId);
        NextToken = out.NextToken;
      } while (NextToken);
      return ids;
    },
  };
}
