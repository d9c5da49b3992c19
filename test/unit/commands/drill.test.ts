import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drill } from '../../../src/commands/drill.js';
import { UserError } from '../../../src/errors.js';
import { testEnv } from '../../support/command-env.js';
import { scratch } from '../../support/drp.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const usage = (promise: Promise<unknown>, message: RegExp) =>
  expect(promise).rejects.toSatisfy((e) => e instanceof UserError && message.test(e.message));

describe('drp drill: usage errors, before anything is started or written', () => {
  const env = (aws = {}) => testEnv({ aws }).env;

  it('refuses --profile and --region: the drill never uses the operator AWS set-up', async () => {
    await usage(drill({}, env({ profile: 'prod' })), /^--profile: drp drill never uses your AWS credentials/);
    await usage(drill({}, env({ region: 'eu-central-1' })), /^--region: drp drill runs in us-east-1/);
  });

  it('names the valid scenarios', async () => {
    const out = join(scratch(), 'd');
    await usage(
      drill({ scenario: 'ransomware', out }, env()),
      /^--scenario ransomware: not a drill scenario \(valid: deepfake-s3-leak\)$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out directory that is not empty, and leaves it as it was', async () => {
    const out = scratch();
    writeFileSync(join(out, 'keep-me'), 'x');
    await usage(drill({ out }, env()), /^--out .*: not empty\. A drill writes a new key and journal/);
    expect(readdirSync(out)).toEqual(['keep-me']);
  });

  it('says when nothing answers at --endpoint-url, or when it is no http(s) URL', async () => {
    const out = join(scratch(), 'd');
    const url = `http://127.0.0.1:${await closedPort()}`;
    await usage(drill({ endpointUrl: url, out }, env()), /nothing answers there \(ECONNREFUSED\)/);
    await usage(drill({ endpointUrl: 'localhost:4566', out }, env()), /use an http:\/\/ or https:\/\/ URL/);
    expect(existsSync(out)).toBe(false);
  });

  it('says exactly what to install when moto is missing', async () => {
    const out = join(scratch(), 'd');
    mkdirSync(out);
    const saved = process.env.DRP_MOTO_PYTHON;
    process.env.DRP_MOTO_PYTHON = join(out, 'no-python');
    try {
      await usage(drill({ out }, env()), /pip install 'moto\[server\]'/);
    } finally {
      if (saved === undefined) delete process.env.DRP_MOTO_PYTHON;
      else process.env.DRP_MOTO_PYTHON = saved;
    }
    expect(readdirSync(out)).toEqual([]);
  });
});
