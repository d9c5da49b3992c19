import fc from 'fast-check';

/**
 * Command lines an attacker or a slip of the keyboard could give drp: the commands that take
 * input (contain, run, harden, status, validate, verify, resume), their flags and unknown ones, with values that
 * are valid, almost valid, empty, huge, unicode, control characters, flags themselves, or paths.
 */
const INTERESTING = [
  '',
  '-',
  '--',
  '--yes',
  '-h',
  '../../../etc/passwd',
  'a'.repeat(3000),
  'media-prod',
  'Media_Prod',
  'xn--media',
  '192.168.5.4',
  'arn:aws:iam::123456789012:role/ops/Responder',
  'arn:aws:sts::123456789012:assumed-role/Responder/alice',
  'arn:aws:lambda:us-east-1:123456789012:function:resizer',
  '123456789012',
  'ou-ab12-34cd56ef',
  '0',
  '-1',
  '513',
  '99999999999999999999',
  '1e3',
  'NaN',
  'true',
  '2026-11-25T03:00:00Z',
  'us-east-1',
  '${{ params.bucket }}',
  '$(id)',
  '\u202egnp.exe',
  'ünï 🎭',
  'json',
  'text',
  'INC-2041',
];
const value = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INTERESTING) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  )
  .map((v) => v.replace(/\0/g, '')); // argv cannot carry NUL

const RUN_FLAGS = [
  '--exempt-principal',
  '--concurrency',
  '--workers',
  '--evidence-dir',
  '--evidence-bucket',
  '--detected-at',
  '--key',
  '--kms-key-id',
  '--operator',
  '--notify-topic',
  '--max-cost',
  '--bogus',
];
const COMMANDS: Record<
  string,
  { flags: string[]; switches: string[]; positional?: 'runbooks' | 'journals' }
> = {
  contain: {
    flags: [
      '--bucket',
      '--bucket',
      '--user',
      '--role',
      '--function',
      '--api',
      '--scp-target',
      '--retention-days',
      '--runbook',
      ...RUN_FLAGS,
    ],
    switches: ['--dry-run', '--yes'],
  },
  run: {
    flags: ['--param', '--param', ...RUN_FLAGS],
    switches: ['--dry-run', '--yes'],
    positional: 'runbooks',
  },
  harden: {
    flags: ['--bucket', '--bucket', '--service-role', '--rule', '--runbook', ...RUN_FLAGS],
    switches: ['--dry-run', '--yes'],
  },
  status: { flags: ['--evidence-dir', '--notify-topic', '--bogus'], switches: [] },
  validate: { flags: ['--bogus'], switches: [], positional: 'runbooks' },
  verify: { flags: ['--pubkey'], switches: ['--artefacts'], positional: 'journals' },
  resume: {
    flags: ['--concurrency', '--workers', '--key', '--kms-key-id'],
    switches: ['--yes'],
    positional: 'journals',
  },
};
const GLOBAL_FLAGS = ['--region', '--profile', '--incident', '--output', '--log-level'];

/** Files the positional arguments point at: valid ones, garbage, a directory, a missing path. */
export interface ArgvRefs {
  runbooks: string[];
  journals: string[];
  pubkeys: string[];
}

/** argv for drp: global flags, a command, its positional argument, its flags with hostile values. */
export const hostileArgv = (refs: ArgvRefs): fc.Arbitrary<string[]> =>
  fc
    .record({
      command: fc.constantFrom(...Object.keys(COMMANDS)),
      globals: fc.array(fc.tuple(fc.constantFrom(...GLOBAL_FLAGS), value), { maxLength: 2 }),
      positional: fc.oneof(fc.nat(), value),
      flags: fc.array(fc.tuple(fc.nat(), value), { maxLength: 5 }),
      switches: fc.array(fc.nat(), { maxLength: 2 }),
      paramValue: value,
    })
    .map(({ command, globals, positional, flags, switches, paramValue }) => {
      const spec = COMMANDS[command]!;
      const argv = [...globals.flat(), command];
      if (spec.positional)
        argv.push(
          typeof positional === 'number'
            ? refs[spec.positional][positional % refs[spec.positional].length]!
            : positional,
        );
      for (const [i, v] of flags) {
        const flag = spec.flags[i % spec.flags.length]!;
        const pubkey = refs.pubkeys[i % refs.pubkeys.length]!;
        argv.push(
          flag,
          flag === '--param' ? `bucket=${paramValue}` : flag === '--pubkey' && i % 2 ? pubkey : v,
        );
      }
      for (const i of switches) if (spec.switches.length) argv.push(spec.switches[i % spec.switches.length]!);
      return argv;
    });
