import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReadOnlyViolation } from '../../../src/aws/config.js';
import { createDrillReadPorts, DRILL_CREDENTIALS, emulatorOptions } from '../../../src/aws/drill.js';
import { drillChildEnv } from '../../../src/drill/cli-child.js';

const EMULATOR = 'http://127.0.0.1:40001';

/** An operator's shell with real AWS set-up in it: none of it may reach the drill. */
const OPERATOR_ENV = {
  AWS_PROFILE: 'prod-admin',
  AWS_ACCESS_KEY_ID: 'AKIAREALREALREALREAL',
  AWS_SECRET_ACCESS_KEY: 'real-secret',
  AWS_SESSION_TOKEN: 'real-token',
  AWS_ENDPOINT_URL: 'https://s3.eu-central-1.amazonaws.com',
  AWS_REGION: 'eu-central-1',
  DRP_SIGNING_KEY: '/home/oncall/.config/drp/signing-key.pem',
};

describe('the drill reaches only its emulator, as its throwaway identity', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [k, v] of Object.entries(OPERATOR_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("gives every drp it starts a clean environment: the emulator, fake keys, none of the operator's AWS settings", () => {
    const env = drillChildEnv(EMULATOR, '/tmp/drill-x');
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: DRILL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DRILL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: EMULATOR,
      AWS_REGION: 'us-east-1',
      HOME: '/tmp/drill-x/home',
      AWS_CONFIG_FILE: '/tmp/drill-x/home/no-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/tmp/drill-x/home/no-aws-credentials',
    });
    expect(Object.keys(env)).not.toContain('AWS_PROFILE');
    expect(Object.keys(env)).not.toContain('AWS_SESSION_TOKEN');
    expect(Object.keys(env)).not.toContain('DRP_SIGNING_KEY');
    expect(JSON.stringify(env)).not.toMatch(/real|prod-admin|amazonaws\.com|eu-central-1/);
  });

  it("resolves the drill's credentials and endpoint in-process whatever the environment says", async () => {
    const client = new S3Client(emulatorOptions(EMULATOR));
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: 'drill',
      secretAccessKey: 'drill',
    });
    expect(await client.config.region()).toBe('us-east-1');
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe(EMULATOR);
  });

  it('checks read through read-only clients: a change is refused before anything is sent', async () => {
    const ports = createDrillReadPorts(EMULATOR);
    await expect(
      ports.s3.putPublicAccessBlock('any-bucket', {
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      }),
    ).rejects.toBeInstanceOf(ReadOnlyViolation);
    await expect(ports.iam.updateAccessKeyStatus('u', 'AKIA1', 'Active')).rejects.toBeInstanceOf(
      ReadOnlyViolation,
    );
  });
});
