import { describe, expect, it } from 'vitest';
import { arnLike } from '../../../../src/steps/lib/arn-like.js';

describe('arnLike: how IAM matches an ArnLike pattern', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/ops/*', 'arn:aws:iam::123456789012:role/ops/Forensics', true],
    ['arn:aws:iam::123456789012:role/*/Responder', 'arn:aws:iam::123456789012:role/a/b/Responder', true],
    ['arn:aws:iam::123456789012:role/*/Responder', 'arn:aws:iam::123456789012:role/Responder', false],
    ['arn:aws:iam::*:role/R?', 'arn:aws:iam::999999999999:role/R1', true],
    ['arn:aws:iam::123456789012:role/R', 'arn:aws:iam::123456789012:role/r', false],
    ['arn:aws:iam::123456789012:role/a.b', 'arn:aws:iam::123456789012:role/aXb', false],
    ['arn:aws:iam::123456789012:*', 'arn:aws:sts::123456789012:federated-user/bob', false],
    ['not-an-arn', 'not-an-arn', false],
  ])('%s matches %s: %s', (pattern, arn, expected) => {
    expect(arnLike(pattern, arn)).toBe(expected);
  });
});
