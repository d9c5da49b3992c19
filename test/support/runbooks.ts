import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from './drp.js';

/**
 * A one-step runbook (block public access) for the engine's tests: the bundled runbooks grow with
 * every step, and the engine's behaviour should not depend on them.
 */
export function oneStepRunbook(): string {
  const path = join(scratch(), 'one-step.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: drp/v1',
      'name: one-step',
      'description: Block public access',
      'params: { bucket: { type: string, required: true } }',
      'steps:',
      '  - { id: block-public-access, type: s3-block-public-access, with: { bucket: "${{ params.bucket }}" } }',
      '',
    ].join('\n'),
  );
  return path;
}
