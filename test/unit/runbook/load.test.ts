import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { parseRunbook } from '../../../src/runbook/load.js';

const valid = `apiVersion: drp/v1
name: test-book
description: A test runbook
params:
  bucket: { type: string, required: true }
  users: { type: list, default: [] }
steps:
  - id: bpa
    type: s3-block-public-access
    with: { bucket: "\${{ params.bucket }}" }
`;

function problems(text: string): string[] {
  try {
    parseRunbook(text, 'book.yaml');
  } catch (err) {
    if (err instanceof UserError) return [err.message, ...err.details];
    throw err;
  }
  throw new Error('expected the runbook to be invalid');
}

describe('parseRunbook', () => {
  it('loads a valid runbook and hashes its text', () => {
    const loaded = parseRunbook(valid, 'book.yaml');
    expect(loaded.runbook.steps[0]).toMatchObject({
      id: 'bpa',
      type: 's3-block-public-access',
      onError: 'stop',
    });
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names an unknown step type, its line, and the valid types', () => {
    const out = problems(valid.replace('type: s3-block-public-access', 'type: s3-nuke-bucket'));
    expect(out[1]).toMatch(
      /^book\.yaml:9:\d+: steps\[0\]\.type: unknown step type "s3-nuke-bucket"; valid types: .*s3-block-public-access/,
    );
  });

  it('names an unknown field of a step', () => {
    expect(problems(valid.replace('onErr', '').replace('with:', 'retries: 3\n    with:')).join('\n')).toMatch(
      /steps\[0\]: unknown field "retries"/,
    );
  });

  it('names an unknown field inside with:', () => {
    expect(problems(valid.replace('with: { bucket', 'with: { color: red, bucket')).join('\n')).toMatch(
      /steps\[0\]\.with: unknown field "color"/,
    );
  });

  it('names a missing required field inside with:', () => {
    expect(
      problems(valid.replace('with: { bucket: "${{ params.bucket }}" }', 'with: {}')).join('\n'),
    ).toMatch(/steps\[0\]\.with\.bucket: missing required field/);
  });

  it('names a literal value of the wrong type', () => {
    expect(problems(valid.replace('"${{ params.bucket }}"', '42')).join('\n')).toMatch(
      /steps\[0\]\.with\.bucket: .*expected string/,
    );
  });

  it('checks literal values against AWS naming rules', () => {
    expect(problems(valid.replace('"${{ params.bucket }}"', 'Bad_Bucket')).join('\n')).toMatch(
      /steps\[0\]\.with\.bucket: a bucket name uses lowercase/,
    );
  });

  it('names a duplicate step id', () => {
    const twice = valid + '  - id: bpa\n    type: s3-block-public-access\n    with: { bucket: media }\n';
    expect(problems(twice).join('\n')).toMatch(/steps\[1\]\.id: duplicate step id "bpa" \(also steps\[0\]\)/);
  });

  it('names a reference to an undeclared param and lists the declared ones', () => {
    expect(problems(valid.replace('params.bucket', 'params.bukket')).join('\n')).toMatch(
      /steps\[0\]\.with\.bucket: \$\{\{ params\.bukket \}\} refers to an undeclared param; declared: bucket, users/,
    );
  });

  it('names an unknown context key', () => {
    expect(problems(valid.replace('params.bucket', 'context.secret')).join('\n')).toMatch(
      /unknown context key "secret"/,
    );
  });

  it('gives the line and column of a YAML syntax error', () => {
    expect(problems(valid.replace('steps:', 'steps: [').replace('  - id', '  - id')).join('\n')).toMatch(
      /book\.yaml:\d+:\d+: YAML syntax error/,
    );
    expect(problems('apiVersion: drp/v1\nname: x\n  bad: indent\n')[1]).toMatch(
      /^book\.yaml:2:7: YAML syntax error/,
    );
  });

  it('rejects a param default of the wrong type', () => {
    expect(problems(valid.replace('default: []', 'default: 3')).join('\n')).toMatch(
      /params\.users\.default: default does not match type list/,
    );
  });

  it('rejects a wrong apiVersion', () => {
    expect(problems(valid.replace('drp/v1', 'drp/v2')).join('\n')).toMatch(/apiVersion/);
  });

  it('refuses a billion-laughs document quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const started = Date.now();
    expect(problems(levels.join('\n')).join('\n')).toMatch(/alias/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
