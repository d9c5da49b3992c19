import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../../src/cli/examples.js';
import { cliReference, commandIndex, program } from '../../../src/docs/cli-reference.js';

describe('the CLI reference', () => {
  it('lists every command of drp and each of its options and arguments', () => {
    const root = program();
    const reference = cliReference(root);
    for (const cmd of root.commands) {
      expect(reference).toContain(`### drp ${cmd.name()}\n`);
      expect(reference).toContain(`drp ${cmd.name()} ${cmd.usage()}\n`);
      for (const option of cmd.options) expect(reference).toContain(`- \`${option.flags}\``);
      for (const arg of cmd.registeredArguments) expect(reference).toContain(`: ${arg.description}`);
      for (const example of EXAMPLES[cmd.name()] ?? []) expect(reference).toContain(`${example}\n`);
    }
    for (const option of root.options) expect(reference).toContain(`- \`${option.flags}\``);
  });

  it('says which option is required, its choices and default, and which --help hides', () => {
    const root = new Command('drp').option('--global <x>', 'a global flag');
    root
      .command('thing')
      .description('do a <thing> to s3:*')
      .argument('<dir>', 'the dir')
      .argument('[file...]', 'the files')
      .requiredOption('--bucket <name>', 'the bucket')
      .addOption(new Option('--format <f>', 'md or html').choices(['md', 'html']).default('md'))
      .addOption(new Option('--now <time>', 'as of then').hideHelp());
    const reference = cliReference(root);
    expect(reference).toContain(
      '### drp thing\n\ndo a \\<thing\\> to s3:\\*\n\n```text\ndrp thing [options] <dir> [file...]\n```',
    );
    expect(reference).toContain('- `<dir>`: the dir\n- `[file...]` (optional): the files');
    expect(reference).toContain('- `--bucket <name>` (required): the bucket');
    expect(reference).toContain('- `--format <f>` (one of `md`, `html`; default `md`): md or html');
    expect(reference).toContain('- `--now <time>` (not listed by `--help`): as of then');
    expect(reference).toContain('- `--global <x>`: a global flag');
    expect(reference).toContain('- `-h, --help`: display help for command');
  });

  it("lists one line per command for README, linking to the command's heading", () => {
    const root = new Command('drp');
    root.command('thing').description('do it');
    expect(commandIndex(root, 'docs/cli.md')).toBe('- [`drp thing`](docs/cli.md#drp-thing): do it');
  });
});
