import type { Argument, Command, Option } from 'commander';
import type { Action } from '../cli/action.js';
import { EXAMPLES } from '../cli/examples.js';
import { isRequired } from '../cli/flag-table.js';
import { buildProgram } from '../cli/program.js';
import { blocks, bullet, code, fence, paragraph, text } from './markdown.js';

// docs/cli.md's reference and README's command list, read from commander's definitions: the same
// program `drp` parses with, so a flag cannot exist without being documented.

/** The generator reads the definitions; no command ever runs. */
const neverRuns: Action = () => async () => {
  throw new Error('the docs generator does not run commands');
};

export const program = (): Command => buildProgram(neverRuns);

/** `drp contain` -> `drp-contain`: the heading's anchor on GitHub. */
export const commandAnchor = (cmd: Command) => `drp-${cmd.name()}`;

function optionFacts(option: Option): string[] {
  const facts: string[] = [];
  if (isRequired(option)) facts.push('required');
  if (option.argChoices) facts.push(`one of ${option.argChoices.map(code).join(', ')}`);
  const shown = option.defaultValueDescription ?? option.defaultValue;
  if (shown !== undefined) facts.push(`default ${code(String(shown))}`);
  if (option.hidden) facts.push(`not listed by ${code('--help')}`);
  return facts;
}

function optionLine(option: Option): string {
  const facts = optionFacts(option);
  return bullet(
    `${code(option.flags)}${facts.length ? ` (${facts.join('; ')})` : ''}: ${text(option.description)}`,
  );
}

function argumentLine(arg: Argument): string {
  const name = arg.variadic ? `${arg.name()}...` : arg.name();
  const shown = arg.required ? `<${name}>` : `[${name}]`;
  return bullet(`${code(shown)}${arg.required ? '' : ' (optional)'}: ${text(arg.description)}`);
}

function commandSection(cmd: Command): string {
  const args = cmd.registeredArguments;
  return blocks(
    `### drp ${cmd.name()}`,
    paragraph(text(cmd.description())),
    fence('text', `drp ${cmd.name()} ${cmd.usage()}`),
    args.length > 0 && `Arguments:\n\n${args.map(argumentLine).join('\n')}`,
    cmd.options.length > 0 && `Options:\n\n${cmd.options.map(optionLine).join('\n')}`,
    EXAMPLES[cmd.name()] && `Examples:\n\n${fence('sh', EXAMPLES[cmd.name()]!.join('\n'))}`,
  );
}

function globalSection(root: Command): string {
  const help = root.createHelp();
  // --help and --version are commander's own: listed by `visibleOptions`, not in `options`.
  const builtIn = help.visibleOptions(root).filter((o) => !root.options.includes(o));
  return blocks(
    '### Global options',
    paragraph(
      `Accepted before or after any command (${code('drp --region eu-west-1 contain ...')} or ` +
        `${code('drp contain ... --region eu-west-1')}).`,
    ),
    fence('text', `drp ${root.usage()}`),
    [...root.options, ...builtIn].map(optionLine).join('\n'),
  );
}

/** The whole reference: global options, then every command in `drp --help` order. */
export function cliReference(root: Command = program()): string {
  return blocks('## Reference', globalSection(root), ...root.commands.map(commandSection));
}

/** README's list: one line per command, linking to its reference. */
export function commandIndex(root: Command = program(), cliDoc = 'docs/cli.md'): string {
  return root.commands
    .map((cmd) =>
      bullet(`[${code(`drp ${cmd.name()}`)}](${cliDoc}#${commandAnchor(cmd)}): ${text(cmd.description())}`),
    )
    .join('\n');
}
