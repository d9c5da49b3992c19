import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorClients, seedOrganization } from '../support/aws.js';
import { drpEnv, runDrp, scratch } from '../support/drp.js';

const endpoint = inject('motoUrl');
const { s3, organizations } = emulatorClients(endpoint);
const bucket = 'product-media-prod';

const publicAccessBlock = () =>
  s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })).then(
    (out) => out.PublicAccessBlockConfiguration,
    (err: Error) => (err.name === 'NoSuchPublicAccessBlockConfiguration' ? undefined : Promise.reject(err)),
  );

describe('drp against the emulator', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // The bundled runbook ends with an SCP: give it an organization with SCPs enabled.
    await seedOrganization(organizations);
  });

  it('contain --dry-run prints the plan, changes nothing, keeps the SDK warning off stderr, and journals the rehearsal', async () => {
    const dir = scratch();
    const out = await runDrp(
      ['contain', '--bucket', bucket, '--dry-run', '--evidence-dir', join(dir, 'ev')],
      { endpoint },
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/DRY-RUN/);
    expect(out.stdout).toMatch(
      /\+ put-public-access-block s3:\/\/product-media-prod: all four settings on \(was: none set\)/,
    );
    expect(out.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(await publicAccessBlock()).toBeUndefined();
    const verify = await runDrp(['verify', join(dir, 'ev', 'journal.jsonl')]);
    expect(verify.code).toBe(0);
  });

  it('contain without --yes and without a terminal refuses with exit 2 and changes nothing', async () => {
    const out = await runDrp(['contain', '--bucket', bucket, '--evidence-dir', join(scratch(), 'ev')], {
      endpoint,
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/stdin is not a terminal/);
    expect(await publicAccessBlock()).toBeUndefined();
  });

  it('contain on a bucket that does not exist is exit 2 naming it', async () => {
    const out = await runDrp(
      ['contain', '--bucket', 'no-such-bucket', '--yes', '--evidence-dir', join(scratch(), 'ev')],
      { endpoint },
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/bucket "no-such-bucket" does not exist/);
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('contain --yes turns Block Public Access on, and a second run changes nothing', async () => {
    const first = await runDrp(
      ['contain', '--bucket', bucket, '--yes', '--evidence-dir', join(scratch(), 'ev')],
      { endpoint },
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/block-public-access\s+applied/);
    expect(await publicAccessBlock()).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const second = await runDrp(
      ['contain', '--bucket', bucket, '--yes', '--evidence-dir', join(scratch(), 'ev')],
      { endpoint },
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/block-public-access\s+nothing-to-do/);
  });

  it('honours AWS_ENDPOINT_URL when --endpoint-url is absent', async () => {
    const out = await runDrp(['plan', 'deepfake-s3-leak', '--param', `bucket=${bucket}`], {
      env: drpEnv({ AWS_ENDPOINT_URL: endpoint }),
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/nothing to do/);
  });

  it('--output json prints one JSON document on stdout', async () => {
    const out = await runDrp(
      [
        '--output',
        'json',
        'contain',
        '--bucket',
        bucket,
        '--dry-run',
        '--evidence-dir',
        join(scratch(), 'ev'),
      ],
      { endpoint },
    );
    expect(JSON.parse(out.stdout)).toMatchObject({
      outcome: 'dry-run',
      dryRun: true,
      steps: expect.arrayContaining([
        expect.objectContaining({ id: 'block-public-access', outcome: 'planned' }),
      ]),
    });
  });

  it('run of a runbook with a step of an unknown type is exit 2, before any AWS call', async () => {
    const file = join(scratch(), 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: drp/v1\nname: bad\ndescription: x\nsteps:\n  - id: a\n    type: s3-delete-everything\n',
    );
    const out = await runDrp(['run', file, '--yes'], { endpoint: 'http://127.0.0.1:9' });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /bad\.yaml:6:11: steps\[0\]\.type: unknown step type "s3-delete-everything"; valid types: /,
    );
  });
});
