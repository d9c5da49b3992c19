import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as z from 'zod';
import { UserError } from '../errors.js';
import { IDENTITIES, IDENTITY_INFO, type Identity } from '../identities.js';
import { defaultKeyDir } from '../journal/keys.js';
import { AccountId, BucketName, ExternalId, MfaSerial, RegionName, RoleArn } from '../names.js';
import { decode, invalid, readYaml } from '../runbook/load.js';
import type { Path } from '../runbook/template.js';
import { zodProblems, type Problem } from '../runbook/validate.js';

/**
 * drp.config.yaml: the roles of a multi-account organization, reviewed once instead of typed at
 * 3 a.m. The same keys as the global flags; the flags override it. It holds no secret: drp's
 * credentials come from the AWS credential chain, never from this file.
 */
export const ConfigFile = z
  .object({
    targetRoleArn: RoleArn.optional().describe('Role in the workload account (--target-role-arn)'),
    accounts: z
      .record(AccountId, z.object({ roleArn: RoleArn.describe('Role in that workload account') }).strict())
      .optional()
      .describe('Workload accounts by id, one chosen with --account ID'),
    orgRoleArn: RoleArn.optional().describe('Role in the management account (--org-role-arn)'),
    logsRoleArn: RoleArn.optional().describe('Role in the log archive account (--logs-role-arn)'),
    evidenceRoleArn: RoleArn.optional().describe('Role in the forensics account (--evidence-role-arn)'),
    evidenceBucket: BucketName.optional().describe('The evidence bucket (--evidence-bucket)'),
    evidenceRegion: RegionName.optional().describe('Its region (--evidence-region)'),
    externalId: ExternalId.optional().describe('The external id the roles ask for (--external-id)'),
    mfaSerial: MfaSerial.optional().describe('MFA device of the caller (--mfa-serial)'),
  })
  .strict();
export type ConfigFile = z.output<typeof ConfigFile>;

export const CONFIG_FILE_NAME = 'drp.config.yaml';

/** Whether a path names a config file rather than a runbook: drp.config.yaml, config.yaml, x.config.yml. */
export const isConfigFileName = (path: string) => /(^|\.)config\.ya?ml$/.test(basename(path));

/** ./drp.config.yaml, then ~/.config/drp/config.yaml ($XDG_CONFIG_HOME/drp/config.yaml). */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [CONFIG_FILE_NAME, join(defaultKeyDir(env), 'config.yaml')].find((p) => existsSync(p));
}

// A key that names a credential, or a value that is an access key id: credentials come from the
// AWS credential chain (environment, profile, SSO), never from a file that is shared and reviewed.
const SECRET_KEY = /secret|password|passwd|token|credential|private.?key|access.?key/i;
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;

function secretProblems(data: unknown, path: Path = []): Problem[] {
  if (typeof data === 'string' && ACCESS_KEY_ID.test(data))
    return [{ path, message: 'looks like an AWS access key id: the config file holds no credentials' }];
  if (!data || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([key, value]) =>
    SECRET_KEY.test(key)
      ? [
          {
            path: [...path, key],
            message: `"${key}" looks like a secret: the config file holds no credentials (drp uses the AWS credential chain: environment, --profile, SSO)`,
          },
        ]
      : secretProblems(value, [...path, key]),
  );
}

/** Roles in `accounts` must be in the account they are listed under. */
function accountProblems(config: ConfigFile): Problem[] {
  return Object.entries(config.accounts ?? {}).flatMap(([id, { roleArn }]) =>
    roleArn.split(':')[4] === id
      ? []
      : [
          {
            path: ['accounts', id, 'roleArn'],
            message: `the role is in account ${roleArn.split(':')[4]}, not ${id}`,
          },
        ],
  );
}

/** One problem per key: a value that is not an ARN is not a role ARN either, and saying it once is enough. */
const firstPerKey = (problems: Problem[]) =>
  problems.filter((p, i) => problems.findIndex((q) => q.path.join('.') === p.path.join('.')) === i);

/** Reads and checks a config file: every problem at once, with its file:line:col, exit 2. */
export function loadConfigFile(path: string): ConfigFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`--config ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const { data, locate } = readYaml(decode(bytes, path, 'config file'), path, 'config file');
  const secrets = secretProblems(data);
  if (secrets.length) throw invalid(path, secrets, locate, 'config file');
  const parsed = ConfigFile.safeParse(data ?? {});
  const problems = parsed.success
    ? accountProblems(parsed.data)
    : firstPerKey(zodProblems(parsed.error.issues, data));
  if (problems.length) throw invalid(path, problems, locate, 'config file');
  return parsed.data!;
}

/** How many roles a config file names, for `drp validate`. */
export const rolesIn = (config: ConfigFile) =>
  IDENTITIES.filter((i: Identity) => config[IDENTITY_INFO[i].configKey]).length +
  Object.keys(config.accounts ?? {}).length;
