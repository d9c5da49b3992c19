import { UserError } from '../errors.js';
import type { GivenParam } from '../runbook/params.js';
import type { FlagValue } from './flag-params.js';

/** Flags that only mean something to the Rekognition scan, and those only to the provenance scan. */
const REKOGNITION_FLAGS = [
  '--min-confidence',
  '--labels',
  '--custom-labels-model',
  '--custom-label',
  '--max-tps',
];
const PROVENANCE_FLAGS = ['--trusted-signer', '--require-credentials', '--provenance-max-bytes'];

const given = (flags: readonly FlagValue[], flag: string) =>
  flags.some((f) => f.flag === flag && f.value !== false && !(Array.isArray(f.value) && !f.value.length));

/**
 * `drp scan` runs Rekognition; `--provenance` reads Content Credentials instead, and
 * `--provenance --rekognition` does both. A flag of a scan that will not run is a mistake the
 * operator should hear about (exit 2), not silently ignore.
 */
export function checkModeFlags(flags: readonly FlagValue[]): void {
  const provenance = given(flags, '--provenance');
  if (provenance && !given(flags, '--rekognition'))
    for (const flag of REKOGNITION_FLAGS.filter((f) => given(flags, f)))
      throw new UserError(
        `${flag} is a Rekognition flag, and --provenance alone makes no Rekognition call: add --rekognition to run both scans`,
      );
  if (!provenance) {
    for (const flag of PROVENANCE_FLAGS.filter((f) => given(flags, f)))
      throw new UserError(`${flag} needs --provenance (it tunes the Content Credentials scan)`);
    if (given(flags, '--rekognition'))
      throw new UserError(
        '--rekognition goes with --provenance (without it, drp scan runs Rekognition alone)',
      );
  }
  if (given(flags, '--custom-labels-model') && !given(flags, '--custom-label'))
    throw new UserError(
      '--custom-labels-model needs --custom-label NAME (repeatable): the labels of your model that are findings, e.g. --custom-label synthetic. A model also answers with its other labels ("authentic"), which are not findings',
    );
  if (given(flags, '--custom-label') && !given(flags, '--custom-labels-model'))
    throw new UserError(
      '--custom-label names labels of a Custom Labels model: give the model with --custom-labels-model ARN',
    );
}

/** `--provenance` without `--rekognition` turns the Rekognition scan off. */
export function modeParams(flags: readonly FlagValue[]): GivenParam[] {
  return given(flags, '--provenance') && !given(flags, '--rekognition')
    ? [{ name: 'rekognition', typed: false, flag: '--provenance without --rekognition' }]
    : [];
}
