import { describe, expect, it } from 'vitest';
import { isPublicStatement, NON_PUBLIC_KEYS } from '../../../../src/steps/lib/public-policy.js';

// S3's "The meaning of 'public'" (S3 User Guide, Blocking public access): an Allow to anyone is
// public unless a condition pins one of S3's keys to fixed values. moto accepts any policy under
// BlockPublicPolicy, so these rules are S3's as documented, not what the emulator does.
const allow = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::media/*',
  ...extra,
});
const when = (operator: string, key: string, value: unknown) =>
  allow({ Condition: { [operator]: { [key]: value } } });

const FIXED_VALUE: Record<string, string> = {
  'aws:sourceip': '203.0.113.0/24',
  'aws:sourcearn': 'arn:aws:cloudfront::111122223333:distribution/E1',
  'aws:sourcevpc': 'vpc-1a2b3c',
  'aws:sourcevpce': 'vpce-1a2b3c',
  'aws:sourceowner': '111122223333',
  'aws:sourceaccount': '111122223333',
  'aws:userid': 'AIDAEXAMPLEUSERID',
  'aws:principalorgid': 'o-abc123def4',
  'aws:principalaccount': '111122223333',
  's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/k1',
  's3:dataaccesspointarn': 'arn:aws:s3:eu-west-1:111122223333:accesspoint/ap',
  's3:dataaccesspointaccount': '111122223333',
};

describe("S3's meaning of a public bucket-policy statement", () => {
  it('has a fixed example value for every non-public key (the table below covers each)', () => {
    expect(Object.keys(FIXED_VALUE).sort()).toEqual([...NON_PUBLIC_KEYS].sort());
  });

  it.each(Object.entries(FIXED_VALUE))('a fixed %s makes an Allow to "*" non-public', (key, value) => {
    const operator =
      key === 'aws:sourceip' ? 'IpAddress' : key.endsWith('arn') ? 'ArnEquals' : 'StringEquals';
    expect(isPublicStatement(when(operator, key, value))).toBe(false);
  });

  it.each(Object.entries(FIXED_VALUE).filter(([k]) => k !== 'aws:sourceip'))(
    'a wildcard in %s leaves it public',
    (key, value) => {
      expect(isPublicStatement(when('StringLike', key, `${value.slice(0, 4)}*`))).toBe(true);
    },
  );

  it.each([
    ['aws:Referer', 'https://shop.example.com/*'],
    ['aws:Referer', 'https://shop.example.com/'],
    ['aws:UserAgent', 'MyApp/1.0'],
    ['aws:SecureTransport', 'true'],
    ['s3:prefix', 'public/'],
  ])('a condition on %s (not one of S3 keys) leaves it public', (key, value) => {
    expect(isPublicStatement(when('StringEquals', key, value))).toBe(true);
  });

  it.each([
    ['0.0.0.0/0', true],
    ['0.0.0.0/1', true],
    ['10.0.0.0/7', true],
    ['10.0.0.0/8', false],
    ['198.51.100.7', false],
    ['2001:db8::/16', true],
    ['2001:db8::/32', false],
  ])('aws:SourceIp %s is public: %s (broader than /8 or IPv6 /32 is the internet)', (cidr, pub) => {
    expect(isPublicStatement(when('IpAddress', 'aws:SourceIp', cidr))).toBe(pub);
  });

  it('a list is non-public only when every value is fixed', () => {
    expect(isPublicStatement(when('StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']))).toBe(false);
    expect(isPublicStatement(when('StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-*']))).toBe(true);
    expect(isPublicStatement(when('IpAddress', 'aws:SourceIp', ['10.0.0.0/8', '0.0.0.0/0']))).toBe(true);
  });

  it.each(['StringNotEquals', 'StringEqualsIfExists', 'ForAllValues:StringEquals', 'NotIpAddress'])(
    'the operator %s does not restrict to the values listed: public',
    (operator) => {
      const key = operator.includes('IpAddress') ? 'aws:SourceIp' : 'aws:SourceVpce';
      const value = key === 'aws:SourceIp' ? '10.0.0.0/16' : 'vpce-1';
      expect(isPublicStatement(when(operator, key, value))).toBe(true);
    },
  );

  it('a policy variable is not a fixed value', () => {
    expect(isPublicStatement(when('StringEquals', 'aws:SourceAccount', '${aws:PrincipalAccount}'))).toBe(
      true,
    );
  });

  it('aws:userid of every session of a role (AROA...:*) is not fixed', () => {
    expect(isPublicStatement(when('StringLike', 'aws:userid', 'AROAEXAMPLEROLEID:*'))).toBe(true);
    expect(isPublicStatement(when('StringEquals', 'aws:userid', 'AROAEXAMPLEROLEID:alice'))).toBe(false);
  });

  it('condition keys are case-insensitive, as in IAM', () => {
    expect(isPublicStatement(when('StringEquals', 'AWS:SOURCEVPCE', 'vpce-1'))).toBe(false);
  });

  it.each([
    [{ AWS: '*' }, true],
    [{ AWS: ['arn:aws:iam::111122223333:root', '*'] }, true],
    [{ AWS: 'arn:aws:iam::111122223333:root' }, false],
    [{ Service: 'cloudfront.amazonaws.com' }, false],
    [{ CanonicalUser: 'abc123' }, false],
  ])('principal %j is anyone: %s', (principal, pub) => {
    expect(isPublicStatement(allow({ Principal: principal }))).toBe(pub);
  });

  it('an Allow with NotPrincipal grants to everyone else: public', () => {
    const s = allow({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } });
    delete (s as Record<string, unknown>).Principal;
    expect(isPublicStatement(s)).toBe(true);
  });

  it('a Deny is never a public grant', () => {
    expect(isPublicStatement({ ...allow(), Effect: 'Deny' })).toBe(false);
  });
});
