import type { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { EXAMPLES, examplesText } from '../../../src/cli/examples.js';
import { program } from '../../../src/docs/cli-reference.js';

// Under vitest, drp's own invocation would be vitest's script: the help is read as `drp` prints it
// when drp is on PATH. How the examples follow another invocation is its own test below.
vi.mock('../../../src/invocation.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/invocation.js')>()),
  drpInvocation: () => 'drp',
}));

/** What `drp <cmd> --help` prints, at a fixed width so that the snapshot does not follow the terminal. */
function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s), getOutHelpWidth: () => 100 });
  cmd.outputHelp();
  return out;
}

describe('--help of every command', () => {
  const root = program();

  it('is as reviewed (snapshot: update it when a help text changes on purpose)', () => {
    expect(Object.fromEntries(root.commands.map((cmd) => [cmd.name(), helpOf(cmd)]))).toMatchSnapshot();
  });

  it('shows the global options and two examples in every command', () => {
    for (const cmd of root.commands) {
      const help = helpOf(cmd);
      expect(help, cmd.name()).toContain('Global Options:\n');
      expect(help, cmd.name()).toMatch(/--region <region> /);
      const examples = help.split('\nExamples:\n')[1] ?? '';
      expect(examples.match(new RegExp(`^  \\$ drp .*\\b${cmd.name()}\\b`, 'gm')), cmd.name()).toHaveLength(
        2,
      );
    }
  });

  it('marks required options and writes every default one way, "(default: x)", once per option', () => {
    expect(helpOf(root.commands.find((c) => c.name() === 'contain')!)).toMatch(
      /--bucket <name> +the leaked bucket \(required\)\n/,
    );
    for (const cmd of root.commands) {
      const help = helpOf(cmd).replace(/\n +/g, ' ');
      expect(help, cmd.name()).not.toMatch(/\(default [^:]|default: "|\) \(/);
    }
    expect(helpOf(root.commands.find((c) => c.name() === 'preserve')!).replace(/\n +/g, ' ')).toContain(
      'Object Lock mode of that retention (one of: GOVERNANCE, COMPLIANCE; default: GOVERNANCE)',
    );
  });

  it('writes the examples with drp as it runs here, so that they run as printed', () => {
    expect(examplesText('verify', 'node dist/cli.js')).toBe(
      `\nExamples:\n  $ node dist/cli.js ${EXAMPLES.verify![0].slice(4)}\n  $ node dist/cli.js ${EXAMPLES.verify![1].slice(4)}\n`,
    );
    expect(examplesText('no-such-command')).toBeUndefined();
  });
});
