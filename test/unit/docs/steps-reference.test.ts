import { parse } from 'yaml';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { paramDocs } from '../../../src/docs/params.js';
import { exampleYaml, stepsReference } from '../../../src/docs/steps-reference.js';
import { parseRunbook } from '../../../src/runbook/load.js';
import { defineStep, type AnyStep } from '../../../src/steps/define.js';
import { registry } from '../../../src/steps/index.js';

const fake: AnyStep = defineStep({
  type: 'fake-step',
  summary: 'Deny s3:* on drp-<incident> for a_b',
  params: z
    .object({
      bucket: z.string().min(3).max(63).describe('The bucket'),
      days: z.number().int().min(1).max(36500).default(30).describe('How long.'),
      mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
      users: z.array(z.string().min(1).max(64)).default([]).describe('Users'),
      target: z
        .union([z.string().regex(/^\d{12}$/), z.literal('')])
        .optional()
        .describe('An account'),
    })
    .strict(),
  permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy'],
  example: { bucket: 'product-media-prod', users: ['a'] },
  plan: async () => ({ observed: null, changes: [] }),
  apply: async () => ({ changes: [], requestIds: [] }),
  restore: {
    permissions: ['s3:DeleteBucketPolicy'],
    runsBefore: ['other-step'],
    plan: async () => ({ observed: null, changes: [], before: null, drift: [], kept: [] }),
    apply: async () => ({ changes: [], requestIds: [] }),
  },
});

describe('params as steps.md lists them', () => {
  it('reads types, bounds, defaults and descriptions from the zod schema, in declaration order', () => {
    expect(paramDocs(fake.params)).toEqual([
      { name: 'bucket', type: 'string (3 to 63 characters)', required: true, description: 'The bucket' },
      { name: 'days', type: 'integer (1 to 36500)', required: false, default: 30, description: 'How long.' },
      { name: 'mode', type: 'one of `GOVERNANCE`, `COMPLIANCE`', required: false, default: 'GOVERNANCE' },
      {
        name: 'users',
        type: 'list of string (1 to 64 characters)',
        required: false,
        default: [],
        description: 'Users',
      },
      { name: 'target', type: "string or `''` (none)", required: false, description: 'An account' },
    ]);
  });
});

describe('the step reference', () => {
  const section = stepsReference('### Details: fake-step', [fake]);

  it('shows the summary as text, the params, the permissions, the restore and the example', () => {
    expect(section).toContain('### fake-step\n\nDeny s3:\\* on drp-\\<incident\\> for a\\_b.');
    expect(section).toContain('- `bucket`: string (3 to 63 characters), required. The bucket.');
    expect(section).toContain('- `days`: integer (1 to 36500), default `30`. How long.');
    expect(section).toContain("- `target`: string or `''` (none), optional. An account.");
    expect(section).toContain('Permissions: `s3:GetBucketPolicy`, `s3:PutBucketPolicy`.');
    expect(section).toContain(
      'Acts as: `target` ([multi-account.md](multi-account.md#the-four-identities)).',
    );
    const oneLine = section.replace(/\n(?!\n)/g, ' ');
    expect(oneLine).toContain('Restore (`drp restore`, see [restore-and-resume.md](restore-and-resume.md)):');
    expect(oneLine).toContain('`s3:DeleteBucketPolicy`. Put back before `other-step`.');
    expect(section).toContain('More: [details](#details-fake-step).');
  });

  it('links to a details section only when the page has one', () => {
    expect(stepsReference('', [fake])).not.toContain('More:');
  });

  it('renders each example as a runbook step that loads', () => {
    expect(parse(exampleYaml(fake))).toEqual([
      { id: 'fake-step', type: 'fake-step', with: { bucket: 'product-media-prod', users: ['a'] } },
    ]);
    const steps = registry.map(exampleYaml).join('');
    const text = `apiVersion: drp/v1\nname: every-example\ndescription: The documented examples\nsteps:\n${steps
      .split('\n')
      .map((l) => (l ? `  ${l}` : l))
      .join('\n')}`;
    expect(parseRunbook(text, 'examples.yaml').runbook.steps.map((s) => s.type)).toEqual(
      registry.map((s) => s.type),
    );
  });
});
