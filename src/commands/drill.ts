import { UserError } from '../errors.js';
import { runDrill, type DrillOptions } from '../drill/run.js';
import { failedControls, renderScorecard } from '../drill/scorecard.js';
import type { CommandEnv, CommandResult } from './env.js';

/**
 * `drp drill`: the whole product on a local emulator, for a first run and for tabletop
 * exercises. Exit 0 only when every control is verified from the outside.
 */
export async function drill(opts: DrillOptions, env: CommandEnv): Promise<CommandResult> {
  // The drill never uses the operator's AWS set-up: say so rather than ignore the flags.
  if (env.aws.profile)
    throw new UserError('--profile: drp drill never uses your AWS credentials; it runs on an emulator');
  if (env.aws.region)
    throw new UserError(`--region: drp drill runs in us-east-1 on its emulator; leave --region out`);
  const card = await runDrill(opts, { say: env.say });
  const failed = failedControls(card);
  return { exitCode: failed.length ? 1 : 0, text: `\n${renderScorecard(card)}`, json: { ...card, failed } };
}
