import {
  GetCallerIdentityCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type STSClientResolvedConfig,
} from '@aws-sdk/client-sts';
import type { AwsStub } from 'aws-sdk-client-mock';

export const ACCOUNT = '123456789012';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;

type StsStub = AwsStub<ServiceInputTypes, ServiceOutputTypes, STSClientResolvedConfig>;

/** STS says who runs drp: alice, an IAM user of account 123456789012, unless told otherwise. */
export function stubCaller(sts: StsStub, arn = ALICE, account = arn.split(':')[4] ?? ACCOUNT): void {
  sts.on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: account, UserId: 'AIDA' });
}
