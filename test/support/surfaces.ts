import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { IAMClient } from '@aws-sdk/client-iam';
import { seedLambdaRole } from './aws.js';

/** SDK clients for the dossier's other surfaces (issue 24) on the emulator: to seed, and to read back. */
export function surfaceClients(endpoint: string) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    dynamodb: new DynamoDBClient(config),
    cognito: new CognitoIdentityProviderClient(config),
    ec2: new EC2Client(config),
    lambda: new LambdaClient(config),
  };
}

type Clients = ReturnType<typeof surfaceClients>;

/** A customer table with `items` items: its ARN. */
export async function seedTable({ dynamodb }: Clients, table: string, items: number): Promise<string> {
  const { CreateTableCommand, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const out = await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let i = 0; i < items; i++)
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: `customer-${i}` }, avatar: { S: `s3://media/${i}.png` } },
      }),
    );
  return out.TableDescription!.TableArn!;
}

/** A user pool with one app client and the given users (false: created disabled): the pool id. */
export async function seedUserPool({ cognito }: Clients, users: Record<string, boolean>): Promise<string> {
  const m = await import('@aws-sdk/client-cognito-identity-provider');
  const { UserPool } = await cognito.send(new m.CreateUserPoolCommand({ PoolName: 'shop-customers' }));
  const pool = UserPool!.Id!;
  await cognito.send(
    new m.CreateUserPoolClientCommand({
      UserPoolId: pool,
      ClientName: 'storefront',
      AccessTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes' },
    }),
  );
  for (const [username, enabled] of Object.entries(users)) {
    await cognito.send(new m.AdminCreateUserCommand({ UserPoolId: pool, Username: username }));
    if (!enabled) await cognito.send(new m.AdminDisableUserCommand({ UserPoolId: pool, Username: username }));
  }
  return pool;
}

/** A VPC with a subnet and an application security group, and a Lambda function in it. */
export async function seedVpcFunction(clients: Clients, iam: IAMClient, name: string) {
  const ec2 = await import('@aws-sdk/client-ec2');
  const { CreateFunctionCommand } = await import('@aws-sdk/client-lambda');
  const { Vpc } = await clients.ec2.send(new ec2.CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const { Subnet } = await clients.ec2.send(
    new ec2.CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.20.1.0/24' }),
  );
  const { GroupId } = await clients.ec2.send(
    new ec2.CreateSecurityGroupCommand({
      VpcId: Vpc!.VpcId!,
      GroupName: 'reviews-app',
      Description: 'app egress',
    }),
  );
  const role = await seedLambdaRole(iam, `${name}-role`, '/');
  // An empty zip: the function is configured, never invoked.
  const zip = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64');
  const fn = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'python3.12',
      Role: role,
      Handler: 'main.handler',
      Code: { ZipFile: zip },
      VpcConfig: { SubnetIds: [Subnet!.SubnetId!], SecurityGroupIds: [GroupId!] },
    }),
  );
  return { vpcId: Vpc!.VpcId!, subnetId: Subnet!.SubnetId!, appGroup: GroupId!, arn: fn.FunctionArn! };
}
