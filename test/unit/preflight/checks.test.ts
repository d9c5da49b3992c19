import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectLockConfigurationCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createKmsPort } from '../../../src/aws/kms.js';
import { createOrganizationsClient, createOrganizationsPort } from '../../../src/aws/organizations.js';
import { createS3Client, createS3Port } from '../../../src/aws/s3.js';
import { checkEvidenceBucket } from '../../../src/preflight/evidence.js';
import { checkOrganization } from '../../../src/preflight/organization.js';
import { checkKmsKey } from '../../../src/preflight/signing.js';
import { loadRunbook } from '../../../src/runbook/load.js';
import '../../support/matchers.js';

const s3 = mockClient(S3Client);
const orgs = mockClient(OrganizationsClient);
const kms = mockClient(KMSClient);
const runbook = loadRunbook('deepfake-s3-leak');
const settings = { region: 'us-east-1' };

beforeEach(() => {
  s3.reset();
  orgs.reset();
  kms.reset();
});

describe('preflight checks', () => {
  it('blocks on an evidence bucket without Object Lock: the evidence-bucket step (onError: stop) refuses it', async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: 'eu-west-1' });
    s3.on(GetObjectLockConfigurationCommand).rejects(
      Object.assign(new Error('Object Lock configuration does not exist for this bucket'), {
        name: 'ObjectLockConfigurationNotFoundError',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const checks = await checkEvidenceBucket(
      createS3Port(createS3Client(settings, true)),
      runbook,
      'ev',
      'eu-west-1',
    );
    expect(checks).toEqual([
      expect.objectContaining({
        verdict: 'blocked',
        steps: ['evidence-bucket'],
        fix: expect.stringContaining('aws s3api put-object-lock-configuration --bucket ev'),
      }),
    ]);
  });

  it('says an account outside any organization cannot get the SCP: a gap, since scp-deny is onError: continue', async () => {
    orgs.on(DescribeOrganizationCommand).rejects(
      Object.assign(new Error('Your account is not a member of an organization.'), {
        name: 'AWSOrganizationsNotInUseException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const checks = await checkOrganization(
      createOrganizationsPort(createOrganizationsClient(settings, true)),
      runbook,
      '111111111111',
    );
    expect(checks).toEqual([
      expect.objectContaining({
        verdict: 'gap',
        steps: ['scp-deny'],
        fix: expect.stringContaining('aws organizations create-organization --feature-set ALL'),
      }),
    ]);
  });

  it('blocks on a KMS key that is not ECC_NIST_P256, and on one GetPublicKey refuses', async () => {
    const port = createKmsPort(settings, true);
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'RSA_2048', SigningAlgorithms: ['RSASSA_PSS_SHA_256'] });
    expect(await checkKmsKey(port, 'alias/drp')).toEqual([expect.objectContaining({ verdict: 'blocked' })]);
    kms.on(GetPublicKeyCommand).rejects(
      Object.assign(new Error('not authorized to perform: kms:GetPublicKey'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await checkKmsKey(port, 'alias/drp')).toEqual([
      expect.objectContaining({
        verdict: 'blocked',
        fix: expect.stringContaining('kms:GetPublicKey and kms:Sign'),
      }),
    ]);
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'ECC_NIST_P256', SigningAlgorithms: ['ECDSA_SHA_256'] });
    expect(await checkKmsKey(port, 'alias/drp')).toEqual([expect.objectContaining({ verdict: 'ready' })]);
  });
});
