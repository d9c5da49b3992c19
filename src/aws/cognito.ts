import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  paginateListUserPoolClients,
  type TimeUnitsType,
} from '@aws-sdk/client-cognito-identity-provider';
import { callOf, isNotFound, type Call } from './call.js';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface PoolUser {
  /** The user's username as Cognito stores it (the flag may have named an alias: an email). */
  username: string;
  enabled: boolean;
  status?: string;
}

/** How long a pool's access and ID tokens live, in seconds: the longest of its app clients. */
export interface TokenLifetimes {
  clients: number;
  accessTokenSeconds: number;
  idTokenSeconds: number;
}

export interface CognitoPort {
  userPoolExists(userPoolId: string): Promise<boolean>;
  /** undefined when the pool has no such user. */
  getUser(userPoolId: string, username: string): Promise<PoolUser | undefined>;
  tokenLifetimes(userPoolId: string): Promise<TokenLifetimes>;
  globalSignOut(userPoolId: string, username: string): Promise<Call>;
  disableUser(userPoolId: string, username: string): Promise<Call>;
  /** Only `drp restore` calls it, and only for users drp disabled. */
  enableUser(userPoolId: string, username: string): Promise<Call>;
}

export function createCognitoClient(settings: AwsSettings, readOnly: boolean): CognitoIdentityProviderClient {
  return instrument(new CognitoIdentityProviderClient(clientOptions(settings)), readOnly);
}

const SECONDS: Record<TimeUnitsType, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
/** Cognito's default for an app client that sets none: one hour, in hours. */
const DEFAULT_VALIDITY_HOURS = 1;

const seconds = (value: number | undefined, unit: TimeUnitsType | undefined) =>
  value === undefined ? DEFAULT_VALIDITY_HOURS * 3600 : value * SECONDS[unit ?? 'hours'];

export function createCognitoPort(client: CognitoIdentityProviderClient): CognitoPort {
  return {
    async userPoolExists(userPoolId) {
      try {
        await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
        return true;
      } catch (err) {
        if (isNotFound(err, 'ResourceNotFoundException')) return false;
        throw err;
      }
    },

    async getUser(userPoolId, username) {
      try {
        const out = await client.send(
          new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }),
        );
        return {
          username: out.Username ?? username,
          enabled: out.Enabled ?? true,
          ...(out.UserStatus ? { status: out.UserStatus } : {}),
        };
      } catch (err) {
        if (isNotFound(err, 'UserNotFoundException')) return undefined;
        throw err;
      }
    },

    async tokenLifetimes(userPoolId) {
      const lifetimes: TokenLifetimes = { clients: 0, accessTokenSeconds: 0, idTokenSeconds: 0 };
      for await (const page of paginateListUserPoolClients({ client }, { UserPoolId: userPoolId })) {
        for (const summary of page.UserPoolClients ?? []) {
          if (!summary.ClientId) continue;
          // Only the validity fields are read: the description also carries the client's secret.
          const { UserPoolClient: c } = await client.send(
            new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: summary.ClientId }),
          );
          lifetimes.clients++;
          const units = c?.TokenValidityUnits;
          lifetimes.accessTokenSeconds = Math.max(
            lifetimes.accessTokenSeconds,
            seconds(c?.AccessTokenValidity, units?.AccessToken),
          );
          lifetimes.idTokenSeconds = Math.max(
            lifetimes.idTokenSeconds,
            seconds(c?.IdTokenValidity, units?.IdToken),
          );
        }
      }
      return lifetimes;
    },

    async globalSignOut(userPoolId, username) {
      return callOf(
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username })),
      );
    },

    async disableUser(userPoolId, username) {
      return callOf(
        await client.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username })),
      );
    },

    // Puts back a user drp disabled; the restore checks that drp did.
    async enableUser(userPoolId, username) {
      return callOf(
        await client.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username })),
      );
    },
  };
}
