import * as z from 'zod';
import type { AccessKey } from '../aws/iam.js';
import { UserError } from '../errors.js';
import { type Change, defineStep, type StepContext, StepFailure } from './define.js';
import restore from './iam-disable-access-keys.restore.js';
import { IamName } from '../names.js';
import {
  issuingSince,
  issuingTagKey,
  replacementsOf,
  replacementTag,
  secretFileContent,
} from './lib/replacement-key.js';
import { prepareSecretsDir, SECRETS_DIR, writeSecretFile } from './lib/secret-file.js';

/** IAM's quota: a user holds at most two access keys, active or not. */
const KEYS_PER_USER = 2;

export interface UserKeys {
  user: string;
  arn: string;
  keys: AccessKey[];
  /** Keys drp issued as replacements in this incident: they are the responders' way back in, never deactivated. */
  replacementKeyIds: string[];
}

export interface Observed {
  users: UserKeys[];
}

export interface IssuedKey {
  user: string;
  accessKeyId: string;
  /** The 0600 file holding the secret, relative to the evidence dir. */
  file: string;
}

const Params = z
  .object({
    users: z.array(IamName).default([]).describe('IAM user names whose active access keys are set Inactive'),
    issueReplacement: z
      .boolean()
      .default(false)
      .describe(
        'Issue one replacement key per user; its secret goes only to a 0600 file under <evidence-dir>/secrets/',
      ),
  })
  .strict();
type Params = z.output<typeof Params>;

/** What the observed state calls for: the plan shows it, apply does it. */
function work(observed: Observed, issueReplacement: boolean) {
  const deactivate = observed.users.flatMap((u) =>
    u.keys
      .filter((k) => k.status === 'Active' && !u.replacementKeyIds.includes(k.accessKeyId))
      .map((k) => ({ user: u, key: k })),
  );
  const wanting = issueReplacement ? observed.users.filter((u) => u.replacementKeyIds.length === 0) : [];
  return {
    deactivate,
    replace: wanting.filter((u) => u.keys.length < KEYS_PER_USER),
    full: wanting.filter((u) => u.keys.length >= KEYS_PER_USER),
  };
}

const deactivateChange = (u: UserKeys, k: AccessKey): Change => ({
  action: 'deactivate-access-key',
  target: u.arn,
  detail: `${k.accessKeyId}${k.createDate ? ` (created ${k.createDate})` : ''}: Active -> Inactive (kept, not deleted)`,
});

const replaceChange = (u: UserKeys, file?: string): Change => ({
  action: 'create-access-key',
  target: u.arn,
  detail: file
    ? `replacement key; its secret is only in ${file} (mode 0600)`
    : `one replacement key; its secret goes only to a 0600 file under ${SECRETS_DIR}/ in the evidence dir`,
});

function planNotes(observed: Observed, params: Params): string[] {
  if (observed.users.length === 0)
    return ['no users given (param users is empty): no access key to deactivate'];
  const { full } = work(observed, params.issueReplacement);
  const notes: string[] = [];
  for (const u of observed.users) {
    if (u.keys.length === 0) notes.push(`user ${u.user} has no access key`);
    else if (!u.keys.some((k) => k.status === 'Active'))
      notes.push(`user ${u.user} has no active access key`);
    if (params.issueReplacement && u.replacementKeyIds.length)
      notes.push(
        `user ${u.user}: replacement key ${u.replacementKeyIds.join(', ')} was already issued in this incident; it stays active and no other is issued`,
      );
  }
  for (const u of full)
    notes.push(
      `user ${u.user} already has ${u.keys.length} access keys (IAM's limit is ${KEYS_PER_USER}): no replacement can be issued without deleting one, and drp never deletes keys. Delete one yourself once it is no longer evidence, then run again.`,
    );
  return notes;
}

async function observeUser(ctx: StepContext, name: string): Promise<UserKeys | string> {
  const user = await ctx.aws.iam.getUser(name);
  if (!user) return name;
  const [keys, tags] = await Promise.all([ctx.aws.iam.listAccessKeys(name), ctx.aws.iam.listUserTags(name)]);
  return { user: name, arn: user.arn, keys, replacementKeyIds: replacementsOf(keys, tags, ctx.incidentId) };
}

/**
 * Marks the user as getting a replacement (the time), creates the key, writes its secret to its
 * 0600 file and nowhere else, then tags the key as this incident's replacement. The secret lives
 * only inside this function.
 */
async function issueReplacement(ctx: StepContext, u: UserKeys, requestIds: string[]): Promise<IssuedKey> {
  await prepareSecretsDir(ctx.settings.evidenceDir);
  const marked = await ctx.aws.iam.tagUser(u.user, { [issuingTagKey(ctx.incidentId)]: issuingSince(ctx) });
  if (marked.requestId) requestIds.push(marked.requestId);
  const key = await ctx.aws.iam.createAccessKey(u.user);
  if (key.requestId) requestIds.push(key.requestId);
  let file: string;
  try {
    file = await writeSecretFile(
      ctx.settings.evidenceDir,
      `${u.user}-${key.accessKeyId}.json`,
      secretFileContent(u.user, key, ctx.incidentId),
    );
  } catch (err) {
    throw new Error(
      `access key ${key.accessKeyId} was created for user ${u.user} but its secret could not be written (${(err as Error).message}); nobody holds that secret: deactivate the key with "aws iam update-access-key --user-name ${u.user} --access-key-id ${key.accessKeyId} --status Inactive"`,
      { cause: err },
    );
  }
  const tagged = await ctx.aws.iam.tagUser(u.user, { [key.accessKeyId]: replacementTag(ctx.incidentId) });
  if (tagged.requestId) requestIds.push(tagged.requestId);
  ctx.log.info({ user: u.user, accessKeyId: key.accessKeyId, file }, 'replacement access key issued');
  return { user: u.user, accessKeyId: key.accessKeyId, file };
}

export default defineStep({
  type: 'iam-disable-access-keys',
  summary:
    'Set every active access key of the given IAM users to Inactive (never deleted); optionally issue one replacement key per user, its secret only in a 0600 file',
  params: Params,
  permissions: [
    'iam:GetUser',
    'iam:ListAccessKeys',
    'iam:ListUserTags',
    'iam:UpdateAccessKey',
    'iam:CreateAccessKey',
    'iam:TagUser',
  ],
  example: { users: ['media-uploader'], issueReplacement: false },

  async plan(ctx, params) {
    const seen = [];
    for (const name of new Set(params.users)) seen.push(await observeUser(ctx, name));
    const missing = seen.filter((s): s is string => typeof s === 'string');
    if (missing.length)
      throw new UserError(
        `IAM user${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in account ${ctx.caller.accountId} (--user / param users)`,
      );
    const observed: Observed = { users: seen as UserKeys[] };
    const { deactivate, replace } = work(observed, params.issueReplacement);
    const notes = planNotes(observed, params);
    return {
      observed,
      changes: [
        ...deactivate.map((d) => deactivateChange(d.user, d.key)),
        ...replace.map((u) => replaceChange(u)),
      ],
      ...(notes.length ? { notes } : {}),
    };
  },

  async apply(ctx, params, plan) {
    const { deactivate, replace } = work(plan.observed, params.issueReplacement);
    const changes: Change[] = [];
    const requestIds: string[] = [];
    const issued: IssuedKey[] = [];
    try {
      for (const { user, key } of deactivate) {
        const call = await ctx.aws.iam.updateAccessKeyStatus(user.user, key.accessKeyId, 'Inactive');
        if (call.requestId) requestIds.push(call.requestId);
        changes.push(deactivateChange(user, key));
      }
      for (const u of replace) {
        const key = await issueReplacement(ctx, u, requestIds);
        issued.push(key);
        changes.push(replaceChange(u, key.file));
      }
    } catch (err) {
      throw new StepFailure({ changes, requestIds, data: { replacements: issued } }, { cause: err });
    }
    return { changes, requestIds, ...(issued.length ? { data: { replacements: issued } } : {}) };
  },

  restore,
});
