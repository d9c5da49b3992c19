import { UserError } from '../errors.js';
import { parseTrustedSigner } from '../provenance/classify.js';
import type { GivenParam } from '../runbook/params.js';
import type { ScanFlags } from './scan.js';

/** Flags that only mean something to the Rekognition scan, and those only to the provenance scan. */
const REKOGNITION_FLAGS = [
  ['minConfidence', '--min-confidence'],
  ['labels', '--labels'],
  ['customLabelsModel', '--custom-labels-model'],
  ['customLabel', '--custom-label'],
  ['maxTps', '--max-tps'],
] as const;
const PROVENANCE_FLAGS = [
  ['trustedSigner', '--trusted-signer'],
  ['requireCredentials', '--require-credentials'],
  ['provenanceMaxBytes', '--provenance-max-bytes'],
] as const;

const given = (flags: ScanFlags, name: keyof ScanFlags) => flags[name] !== undefined && flags[name] !== false;

/**
 * `drp scan` runs Rekognition; `--provenance` reads Content Credentials instead, and
 * `--provenance --rekognition` does both. A flag of a scan that will not run is a mistake the
 * operator should hear about (exit 2), not silently ignore.
 */
export function checkModeFlags(flags: ScanFlags): void {
  const rekognition = !flags.provenance || flags.rekognition === true;
  if (!rekognition)
    for (const [name, flag] of REKOGNITION_FLAGS)
      if (given(flags, name))
        throw new UserError(
          `${flag} is a Rekognition flag, and --provenance alone makes no Rekognition call: add --rekognition to run both scans`,
        );
  if (!flags.provenance)
    for (const [name, flag] of PROVENANCE_FLAGS)
      if (given(flags, name))
        throw new UserError(`${flag} needs --provenance (it tunes the Content Credentials scan)`);
  if (flags.customLabelsModel !== undefined && !flags.customLabel?.length)
    throw new UserError(
      '--custom-labels-model needs --custom-label NAME (repeatable): the labels of your model that are findings, e.g. --custom-label synthetic. A model also answers with its other labels ("authentic"), which are not findings',
    );
  if (flags.customLabel?.length && flags.customLabelsModel === undefined)
    throw new UserError(
      '--custom-label names labels of a Custom Labels model: give the model with --custom-labels-model ARN',
    );
  for (const label of flags.customLabel ?? [])
    if (!label.trim() || label.length > 256 || label.includes(','))
      throw new UserError(`--custom-label "${label}": a label name of 1 to 256 characters, without a comma`);
  for (const signer of flags.trustedSigner ?? [])
    if (!parseTrustedSigner(signer))
      throw new UserError(
        `--trusted-signer "${signer}": give the signing certificate's subject DN ("CN=Acme Studio, O=Acme Retail") or its SHA-256 fingerprint (64 hex digits)`,
      );
}

/** The runbook params of the provenance and mode flags. */
export function provenanceParams(flags: ScanFlags): GivenParam[] {
  const out: GivenParam[] = [];
  const add = (name: string, flag: string, value: string) =>
    out.push({ name, value, flag: `${flag} ${value}` });
  for (const label of flags.customLabel ?? []) add('customLabels', '--custom-label', label);
  if (flags.provenance) {
    add('provenance', '--provenance', 'true');
    if (!flags.rekognition) add('rekognition', '--provenance without --rekognition', 'false');
  }
  // A list param splits on commas; ";" separates a DN's parts as well (RFC 1779), so a DN survives it.
  for (const signer of flags.trustedSigner ?? [])
    add('trustedSigners', '--trusted-signer', signer.replace(/(?<!\\),/g, ';'));
  if (flags.requireCredentials) add('requireCredentials', '--require-credentials', 'true');
  if (flags.provenanceMaxBytes !== undefined)
    add('provenanceMaxBytes', '--provenance-max-bytes', String(flags.provenanceMaxBytes));
  return out;
}
