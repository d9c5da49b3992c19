import { CONTAIN_FLAGS, EVIDENCE_FLAGS, PRESERVE_FLAGS, SCAN_FLAGS } from '../../src/cli/bucket-flags.js';
import { flagValues, type FlagRow } from '../../src/cli/flag-table.js';
import { paramsFromFlags } from '../../src/commands/flag-params.js';

/** What commander hands a command: each option under its attribute name (--user: user, a list). */
export type Opts = Record<string, unknown>;

const paramsVia =
  (rows: readonly FlagRow[]) =>
  (opts: Opts, declared: Record<string, unknown>, runbookName: string, now = new Date()) =>
    paramsFromFlags(flagValues(rows, opts), declared, runbookName, now);

/** A command's flags, through its table (src/cli/bucket-flags.ts), to the params its runbook gets. */
export const containParams = paramsVia([...CONTAIN_FLAGS, ...EVIDENCE_FLAGS]);
export const preserveParams = paramsVia([...PRESERVE_FLAGS, ...EVIDENCE_FLAGS]);
export const scanParams = (opts: Opts, now: Date) =>
  paramsVia(SCAN_FLAGS)(
    opts,
    Object.fromEntries(SCAN_FLAGS.map((r) => [r.param, {}])),
    'scan-synthetic-media',
    now,
  );
