import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

// `npm run lint` cruises src/ with .dependency-cruiser.cjs. Here the same rules cruise a small
// tree (fixtures/src/) in which each file breaks one rule on purpose: each rule must catch its file.
const root = resolve(import.meta.dirname, '../../..');
const config = createRequire(import.meta.url)(resolve(root, '.dependency-cruiser.cjs')) as IConfiguration;

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('fails each breach of the layers, a cycle, the SDK outside src/aws and a step importing a step', async () => {
    const fixtures = resolve(import.meta.dirname, 'fixtures');
    const { output } = await cruise(
      ['src'],
      { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, baseDir: fixtures },
      undefined,
      { tsConfig: extractTSConfig(resolve(root, 'tsconfig.json')) },
    );
    if (typeof output === 'string') throw new Error(output);
    const found = output.summary.violations
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to.replace(/.*node_modules\/(@[^/]+\/[^/]+).*/, '$1')}`)
      .sort();
    expect(found).toEqual([
      'aws-sdk-only-in-src-aws: src/commands/sdk.ts -> @aws-sdk/client-s3',
      'journal-not-sideways: src/journal/sign.ts -> src/aws/kms.ts',
      'no-circular: src/runbook/cycle-a.ts -> src/runbook/cycle-b.ts',
      'restore-not-upward: src/restore/undo.ts -> src/commands/run.ts',
      'step-files-alone: src/steps/one-step.ts -> src/steps/other-step.ts',
      'steps-lib-not-steps: src/steps/lib/helper.ts -> src/steps/bad-step.ts',
      'steps-not-upward: src/steps/bad-step.ts -> src/runbook/session.ts',
    ]);
  });
});
