import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientOptions, instrument, type AwsSettings } from './config.js';

export interface CallerIdentityRaw {
  arn: string;
  account: string;
  userId: string;
}

export interface StsPort {
  getCallerIdentity(): Promise<CallerIdentityRaw>;
  /** The region the SDK resolved (flag, AWS_REGION, or the profile), or undefined when none is set. */
  region(): Promise<string | undefined>;
}

export function createStsPort(settings: AwsSettings): StsPort {
  const client = instrument(new STSClient(clientOptions(settings)), true);
  return {
    async getCallerIdentity() {
      const out = await client.send(new GetCallerIdentityCommand({}));
      return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
    },
    async region() {
      try {
        return await client.config.region();
      } catch {
        return undefined;
      }
    },
  };
}
