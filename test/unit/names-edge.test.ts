import { CountryCode as WafCountryCode } from '@aws-sdk/client-wafv2';
import { describe, expect, it } from 'vitest';
import { ApiRef, COUNTRY_CODES, CountryCode, LambdaFunctionRef, WebAclArn } from '../../src/names.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: string) =>
  schema.safeParse(v).success;

describe('edge names', () => {
  it('COUNTRY_CODES is exactly the country codes AWS WAF takes (the SDK model), so none is refused at apply', () => {
    expect([...COUNTRY_CODES].sort()).toEqual(Object.values(WafCountryCode).sort());
  });

  it('a country is an upper-case ISO 3166-1 alpha-2 code WAF knows: not a reserved or lower-case one', () => {
    for (const c of ['KP', 'GB', 'XK', 'US']) expect(ok(CountryCode, c), c).toBe(true);
    for (const c of ['UK', 'EU', 'kp', 'K', 'KPR', '']) expect(ok(CountryCode, c), c).toBe(false);
  });

  it('a web ACL ARN is regional or global (CloudFront), with a name and id', () => {
    expect(
      ok(
        WebAclArn,
        'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/media/1234abcd-ab12-cd34-ef56-1234567890ab',
      ),
    ).toBe(true);
    expect(ok(WebAclArn, 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn/1234abcd')).toBe(true);
    expect(ok(WebAclArn, 'arn:aws:wafv2:us-east-1:123456789012:regional/ipset/x/1')).toBe(false);
    expect(ok(WebAclArn, 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/media')).toBe(false);
  });

  it('a function is a name or a function ARN (wildcards in ARNs only)', () => {
    expect(ok(LambdaFunctionRef, 'review-generator')).toBe(true);
    expect(ok(LambdaFunctionRef, 'arn:aws:lambda:us-east-1:123456789012:function:media-*')).toBe(true);
    expect(ok(LambdaFunctionRef, 'media-*')).toBe(false);
    expect(ok(LambdaFunctionRef, 'arn:aws:s3:::bucket')).toBe(false);
  });

  it('an API is an id, ID/STAGE or an execute-api ARN', () => {
    for (const v of [
      'a1b2c3d4e5',
      'a1b2c3d4e5/prod',
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/media',
    ])
      expect(ok(ApiRef, v), v).toBe(true);
    for (const v of ['A1B2', 'a1/b/c', 'arn:aws:lambda:us-east-1:123456789012:function:f'])
      expect(ok(ApiRef, v), v).toBe(false);
  });
});
