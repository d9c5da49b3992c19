import type * as z from 'zod';
import { UserError } from '../errors.js';
import { IDENTITIES, IDENTITY_INFO, type Identity } from '../identities.js';
import { AccountId, ExternalId, MfaSerial, RoleArn } from '../names.js';
import { currentOsUser } from '../os-user.js';
import type { HeaderIdentity } from '../output/render.js';
import type { AccountOptions } from '../runbook/identities.js';
import type { Session } from '../runbook/session.js';
import { defaultConfigPath, loadConfigFile, type ConfigFile } from './config-file.js';
import type { CommandEnv } from './env.js';

/** The global flags that name roles (src/cli/global-flags.ts). */
export interface AccountFlags {
  config?: string;
  account?: string;
  targetRoleArn?: string;
  orgRoleArn?: string;
  logsRoleArn?: string;
  evidenceRoleArn?: string;
  externalId?: string;
  mfaSerial?: string;
}

const FLAG_OF: Record<Identity, keyof AccountFlags> = {
  target: 'targetRoleArn',
  org: 'orgRoleArn',
  logs: 'logsRoleArn',
  evidence: 'evidenceRoleArn',
};

function checked(schema: z.ZodType, value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new UserError(`${flag} ${value}: ${result.error.issues[0]?.message}`);
  return value;
}

/** The workload account's role: --target-role-arn, or --account ID from the config's accounts, or targetRoleArn. */
function targetRole(flags: AccountFlags, config: ConfigFile, path: string | undefined) {
  const file = path ?? 'no config file';
  if (flags.account !== undefined) {
    checked(AccountId, flags.account, '--account');
    if (flags.targetRoleArn)
      throw new UserError(
        `--account ${flags.account}: --target-role-arn also names the workload account's role; give one of them`,
      );
    const listed = config.accounts ?? {};
    const entry = listed[flags.account];
    if (!entry)
      throw new UserError(
        `--account ${flags.account}: not in the accounts of ${file}${Object.keys(listed).length ? ` (listed: ${Object.keys(listed).join(', ')})` : ''}`,
      );
    return { roleArn: entry.roleArn, origin: `accounts.${flags.account}.roleArn in ${path}` };
  }
  if (flags.targetRoleArn) return { roleArn: flags.targetRoleArn };
  if (config.targetRoleArn) return { roleArn: config.targetRoleArn, origin: `targetRoleArn in ${path}` };
  if (config.accounts && Object.keys(config.accounts).length)
    throw new UserError(
      `--account: ${file} lists workload accounts (${Object.keys(config.accounts).join(', ')}): pass --account ID to choose one, or --target-role-arn`,
    );
  return undefined;
}

/**
 * The roles a command acts through: each global flag, else the config file's key (--config FILE,
 * else ./drp.config.yaml, else ~/.config/drp/config.yaml). Bad values are exit 2, naming the flag
 * or the file's line.
 */
export function accountOptions(flags: AccountFlags, env: NodeJS.ProcessEnv = process.env): AccountOptions {
  const path = flags.config ?? defaultConfigPath(env);
  const config: ConfigFile = path ? loadConfigFile(path) : {};
  for (const identity of IDENTITIES) checked(RoleArn, flags[FLAG_OF[identity]], IDENTITY_INFO[identity].flag);
  const roles: Partial<Record<Identity, string>> = {};
  const origins: Partial<Record<Identity, string>> = {};
  const target = targetRole(flags, config, path);
  if (target) {
    roles.target = target.roleArn;
    if (target.origin) origins.target = target.origin;
  }
  for (const identity of ['org', 'logs', 'evidence'] as const) {
    const key = IDENTITY_INFO[identity].configKey;
    const fromFlag = flags[FLAG_OF[identity]];
    const fromFile = config[key];
    if (fromFlag) roles[identity] = fromFlag;
    else if (fromFile) {
      roles[identity] = fromFile;
      origins[identity] = `${key} in ${path}`;
    }
  }
  const externalId = checked(ExternalId, flags.externalId, '--external-id') ?? config.externalId;
  const mfaSerial = checked(MfaSerial, flags.mfaSerial, '--mfa-serial') ?? config.mfaSerial;
  return {
    roles,
    origins,
    ...(externalId ? { externalId } : {}),
    ...(mfaSerial ? { mfaSerial } : {}),
    ...(config.evidenceBucket ? { evidenceBucket: config.evidenceBucket } : {}),
    ...(config.evidenceRegion ? { evidenceRegion: config.evidenceRegion } : {}),
  };
}

/** Asks for the code of the MFA device on the terminal: six digits (STS's TokenCode). */
export const mfaPrompt =
  (ask: (question: string) => Promise<string | undefined>) =>
  async (serial: string): Promise<string> => {
    // undefined: Ctrl-C or Ctrl-D at the prompt, which is no code.
    const code = ((await ask(`MFA code for ${serial}: `)) ?? '').trim();
    if (!/^\d{6}$/.test(code))
      throw new UserError(`--mfa-serial ${serial}: an MFA code is 6 digits; nothing was changed`);
    return code;
  };

/** What openSession needs to act as each identity: the roles, the operator, and an MFA prompt on a terminal. */
export async function identityOptions(
  env: Pick<CommandEnv, 'accounts' | 'ask' | 'stdinIsTTY'>,
  operator?: string,
) {
  const accounts = env.accounts ? await env.accounts() : undefined;
  const ask = env.ask;
  return {
    ...(accounts ? { accounts } : {}),
    operator: operator ?? currentOsUser(),
    ...(ask && env.stdinIsTTY ? { askMfaCode: mfaPrompt(ask) } : {}),
  };
}

/**
 * The identities the plan header lists: every one the run acts through, when any of them is not
 * the target (another account, role or region); none in a one-account run, whose header says it all.
 */
export function headerIdentities(session: Pick<Session, 'identities' | 'used'>): HeaderIdentity[] {
  const target = session.identities.target;
  const used = IDENTITIES.filter((i) => session.used.has(i));
  const differs = used.some((i) => {
    const other = session.identities[i];
    return other.arn !== target.arn || other.region !== target.region;
  });
  if (!differs) return [];
  return used.map((identity) => {
    const { accountId, region, arn } = session.identities[identity];
    return { identity, accountId, region, arn };
  });
}
