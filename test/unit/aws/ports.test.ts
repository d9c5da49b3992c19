import { describe, expect, it } from 'vitest';
import { servicesOf } from '../../../src/aws/ports.js';

describe('servicesOf', () => {
  it('maps an action to the port of its prefix', () => {
    expect([...servicesOf(['s3:GetBucketPolicy', 'iam:GetRole'])].sort()).toEqual(['iam', 's3']);
  });

  it('serves the S3 Batch Operations actions through the S3 Control port, not the S3 one', () => {
    expect([...servicesOf(['s3:CreateJob', 's3:DescribeJob', 's3:ListJobs'])]).toEqual(['s3control']);
  });
});

describe('servicesOf, edge services', () => {
  it('loads both API Gateway ports for the one apigateway: prefix (REST, and HTTP/WebSocket APIs)', () => {
    expect([...servicesOf(['apigateway:GET', 'apigateway:PATCH'])].sort()).toEqual([
      'apigateway',
      'apigatewayv2',
    ]);
  });

  it('maps lambda:, cloudfront: and wafv2: actions to their ports', () => {
    expect(
      [
        ...servicesOf(['lambda:PutFunctionConcurrency', 'cloudfront:CreateInvalidation', 'wafv2:GetWebACL']),
      ].sort(),
    ).toEqual(['cloudfront', 'lambda', 'wafv2']);
  });
});

describe('the ports of the other surfaces (issue 24)', () => {
  it('maps dynamodb, cognito-idp, detective and personalize actions to their ports', () => {
    expect(
      [
        ...servicesOf([
          'dynamodb:PutResourcePolicy',
          'cognito-idp:AdminDisableUser',
          'detective:StartInvestigation',
          'personalize:ListDatasetImportJobs',
        ]),
      ].sort(),
    ).toEqual(['cognito', 'detective', 'dynamodb', 'personalize']);
  });

  it("loads the network port for network-isolate's Lambda and EC2 actions, beside the lambda and ec2 ports of their prefix", () => {
    expect([...servicesOf(['lambda:UpdateFunctionConfiguration'])].sort()).toEqual(['lambda', 'network']);
    expect([...servicesOf(['ec2:CreateSecurityGroup', 'ec2:RevokeSecurityGroupEgress'])].sort()).toEqual([
      'ec2',
      'network',
    ]);
    // An ec2 action network-isolate does not send selects no network port.
    expect([...servicesOf(['ec2:DescribeSubnets'])]).toEqual(['ec2']);
  });
});
