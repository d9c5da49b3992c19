#!/usr/bin/env node
// The AWS SDK warns on Node 20 that its 2027 releases will need Node 22. The on-call engineer can
// do nothing about that at 3 a.m.; keep it off their stderr (drp's engines field already says so).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { type Command, CommanderError } from 'commander';
import type { CommandHandler } from './cli/action.js';
import { commandEnv, type GlobalFlags } from './cli/global-flags.js';
import { nextStepFor } from './cli/next-step.js';
import { exitWhenFlushed } from './cli/flush.js';
import { createInterrupts } from './cli/interrupts.js';
import { buildProgram } from './cli/program.js';
import type { CommandResult } from './commands/env.js';
import { formatError, isUserError } from './errors.js';
import { createLogger } from './log.js';
import { mapStackTraces } from './source-maps.js';

mapStackTraces();

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const exit = (code: number) => process.exit(code);

// Ctrl-C and SIGTERM inside a command's guarded stretch (a run's apply): see src/cli/interrupts.ts.
const interrupts = createInterrupts(exit, (text) => process.stderr.write(text));

function print(result: CommandResult, flags: GlobalFlags): Promise<never> {
  if (flags.output === 'json') process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
  else if (result.text) process.stdout.write(`${result.text}\n`);
  return exitWhenFlushed(result.exitCode, exit);
}

function fail(err: unknown, flags: GlobalFlags): Promise<never> {
  if (isUserError(err)) {
    process.stderr.write(`drp: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
    if (flags.output === 'json')
      process.stdout.write(
        `${JSON.stringify({ error: { kind: 'usage', message: err.message, details: err.details } })}\n`,
      );
    return exitWhenFlushed(EXIT.usage, exit);
  }
  const hint = nextStepFor(err);
  // A failed AWS call (a service error, an unreachable endpoint) is said in full by the lines
  // below; its stack is the SDK's insides, for --log-level debug. Anything else is a bug in drp:
  // its stack is logged for the report.
  const fromAws = Boolean((err as { $metadata?: unknown } | undefined)?.$metadata);
  const log = createLogger(flags.logLevel === 'silent' ? 'silent' : fromAws ? flags.logLevel : 'error');
  if (fromAws) log.debug({ err }, 'drp failed');
  else log.error({ err }, 'drp failed');
  process.stderr.write(`drp: failed: ${formatError(err)}\n${hint ? `next: ${hint}\n` : ''}`);
  if (flags.output === 'json')
    process.stdout.write(`${JSON.stringify({ error: { kind: 'failure', message: formatError(err) } })}\n`);
  return exitWhenFlushed(EXIT.failed, exit);
}

/** Wraps a command action: lazy-loads its module, prints its result, maps errors to exit codes. */
function action<A extends unknown[]>(handler: CommandHandler<A>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    try {
      const result = await handler(commandEnv(flags, interrupts), flags, ...(args.slice(0, -1) as A));
      await print(result, flags);
    } catch (err) {
      await fail(err, flags);
    }
  };
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram(action).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the message; help and --version are not errors.
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    }
    process.stderr.write(`drp: internal error: ${formatError(err)}\n`);
    process.exit(EXIT.failed);
  }
}

await main(process.argv);
