import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountOptions, mfaPrompt } from '../../../src/commands/accounts.js';
import { defaultConfigPath, loadConfigFile } from '../../../src/commands/config-file.js';
import { validateRunbooks } from '../../../src/commands/validate.js';
import { UserError } from '../../../src/errors.js';
import { scratch } from '../../support/drp.js';

const TARGET = 'arn:aws:iam::111111111111:role/drp-target';
const OTHER = 'arn:aws:iam::555555555555:role/drp-target';
const ORG = 'arn:aws:iam::222222222222:role/drp-org';

const file = (text: string, name = 'drp.config.yaml') => {
  const path = join(scratch(), name);
  writeFileSync(path, text);
  return path;
};

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return [err.message, ...err.details];
    throw err;
  }
  throw new Error('expected a UserError');
};

const FULL = [
  `targetRoleArn: ${TARGET}`,
  `orgRoleArn: ${ORG}`,
  'logsRoleArn: arn:aws:iam::333333333333:role/drp-logs',
  'evidenceRoleArn: arn:aws:iam::444444444444:role/drp-evidence',
  'evidenceBucket: acme-forensics-evidence',
  'evidenceRegion: eu-west-1',
  'externalId: acme-ir-2026',
  'mfaSerial: arn:aws:iam::999999999999:mfa/alice',
  '',
].join('\n');

describe('the config file', () => {
  it('takes every key of the global flags, and drp validate accepts it', () => {
    const path = file(FULL);
    expect(loadConfigFile(path)).toMatchObject({ targetRoleArn: TARGET, evidenceRegion: 'eu-west-1' });
    const result = validateRunbooks([path]);
    expect(result.exitCode).toBe(0);
    expect(result.text).toBe(`ok  ${path} (drp config, 4 roles)`);
  });

  it('reports every problem with its file:line:col, naming the key and what is valid; validate exits 2', () => {
    const path = file(
      [
        `targetRoleArn: ${TARGET}`,
        'orgRoleArn: not-an-arn',
        'evidenceRegion: Europe',
        'logsRole: x',
        '',
      ].join('\n'),
    );
    expect(problems(() => loadConfigFile(path))).toEqual([
      `${path}: invalid config file (3 problems)`,
      `${path}:2:13: orgRoleArn: expected an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`,
      `${path}:3:17: evidenceRegion: expected an AWS region, e.g. us-east-1, eu-west-2, cn-north-1`,
      `${path}:1:1: (document): unknown field "logsRole"`,
    ]);
    const result = validateRunbooks([path]);
    expect(result.exitCode).toBe(2);
    expect(result.text).toMatch(/^ERR .*invalid config file \(3 problems\)/);
  });

  it('refuses a key or a value that looks like a credential: the file is reviewed and shared, credentials are not', () => {
    const path = file(
      [`targetRoleArn: ${TARGET}`, 'aws_secret_access_key: abc', 'externalId: AKIAIOSFODNN7EXAMPLE', ''].join(
        '\n',
      ),
    );
    expect(problems(() => loadConfigFile(path))).toEqual([
      `${path}: invalid config file (2 problems)`,
      `${path}:2:24: aws_secret_access_key: "aws_secret_access_key" looks like a secret: the config file holds no credentials (drp uses the AWS credential chain: environment, --profile, SSO)`,
      `${path}:3:13: externalId: looks like an AWS access key id: the config file holds no credentials`,
    ]);
  });

  it('a role under accounts must be in that account', () => {
    const path = file(['accounts:', `  '111111111111': { roleArn: ${OTHER} }`, ''].join('\n'));
    expect(problems(() => loadConfigFile(path))[1]).toBe(
      `${path}:2:30: accounts.111111111111.roleArn: the role is in account 555555555555, not 111111111111`,
    );
  });

  it('is a YAML syntax error at its line, never a stack', () => {
    const path = file('targetRoleArn: [unclosed\n');
    expect(problems(() => loadConfigFile(path))[1]).toMatch(/drp\.config\.yaml:\d+:\d+: YAML syntax error/);
  });
});

describe('the roles a command acts through', () => {
  it('flags override the file; each role from the file says where it came from', () => {
    const config = file(FULL);
    const accounts = accountOptions({ config, orgRoleArn: 'arn:aws:iam::222222222222:role/other' });
    expect(accounts.roles).toEqual({
      target: TARGET,
      org: 'arn:aws:iam::222222222222:role/other',
      logs: 'arn:aws:iam::333333333333:role/drp-logs',
      evidence: 'arn:aws:iam::444444444444:role/drp-evidence',
    });
    expect(accounts.origins).toEqual({
      target: `targetRoleArn in ${config}`,
      logs: `logsRoleArn in ${config}`,
      evidence: `evidenceRoleArn in ${config}`,
    });
    expect(accounts).toMatchObject({
      externalId: 'acme-ir-2026',
      evidenceBucket: 'acme-forensics-evidence',
      evidenceRegion: 'eu-west-1',
    });
  });

  it('--account chooses the workload role from accounts; without it, or with an unknown one, exit 2 naming the list', () => {
    const config = file(
      [
        'accounts:',
        `  '111111111111': { roleArn: ${TARGET} }`,
        `  '555555555555': { roleArn: ${OTHER} }`,
        '',
      ].join('\n'),
    );
    expect(accountOptions({ config, account: '555555555555' }).roles.target).toBe(OTHER);
    expect(problems(() => accountOptions({ config }))[0]).toBe(
      `--account: ${config} lists workload accounts (111111111111, 555555555555): pass --account ID to choose one, or --target-role-arn`,
    );
    expect(problems(() => accountOptions({ config, account: '123456789012' }))[0]).toBe(
      `--account 123456789012: not in the accounts of ${config} (listed: 111111111111, 555555555555)`,
    );
    expect(problems(() => accountOptions({ config, account: '5555', targetRoleArn: TARGET }))[0]).toBe(
      '--account 5555: an AWS account id is 12 digits',
    );
    expect(
      problems(() => accountOptions({ config, account: '555555555555', targetRoleArn: TARGET }))[0],
    ).toMatch(/^--account 555555555555: --target-role-arn also names the workload account's role/);
  });

  it('names the flag of a bad value', () => {
    expect(problems(() => accountOptions({ orgRoleArn: 'arn:aws:iam::1:user/x' }))[0]).toMatch(
      /^--org-role-arn arn:aws:iam::1:user\/x: /,
    );
    expect(problems(() => accountOptions({ externalId: 'a b' }))[0]).toBe(
      '--external-id a b: an external id uses letters, digits and _ + = , . @ : / -',
    );
    expect(problems(() => accountOptions({ config: '/nonexistent/drp.config.yaml' }))[0]).toMatch(
      /^--config \/nonexistent\/drp\.config\.yaml: cannot read it \(ENOENT\)/,
    );
  });

  it('an MFA code is six digits', async () => {
    await expect(mfaPrompt(async () => ' 123456\n')('GAHT12345678')).resolves.toBe('123456');
    await expect(mfaPrompt(async () => '12345')('GAHT12345678')).rejects.toThrow(/an MFA code is 6 digits/);
  });
});

describe('where the config file is found', () => {
  const cwd = process.cwd();
  let dir: string;
  beforeEach(() => {
    dir = scratch();
    process.chdir(dir);
  });
  afterEach(() => process.chdir(cwd));

  it('./drp.config.yaml, then $XDG_CONFIG_HOME/drp/config.yaml, else none', () => {
    const xdg = join(dir, 'xdg');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: xdg })).toBeUndefined();
    mkdirSync(join(xdg, 'drp'), { recursive: true });
    writeFileSync(join(xdg, 'drp', 'config.yaml'), FULL);
    expect(defaultConfigPath({ XDG_CONFIG_HOME: xdg })).toBe(join(xdg, 'drp', 'config.yaml'));
    writeFileSync('drp.config.yaml', FULL);
    expect(defaultConfigPath({ XDG_CONFIG_HOME: xdg })).toBe('drp.config.yaml');
  });
});
