import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  AccountId,
  Arn,
  BucketName,
  ExecuteApiArn,
  IamName,
  LambdaFunctionArn,
  ObjectKeyPrefix,
  OrgTargetId,
  PrincipalArn,
} from '../../src/names.js';

// Each schema against AWS's documented rules: names built to the rules are accepted, and a valid
// name broken in exactly one way the rules forbid is refused (before any AWS call, with a message).
const accepts = (schema: z.ZodType, value: string) => schema.safeParse(value).success;

/** Insert `text` into `s` at a position chosen by `at`. */
const insert = (s: string, text: string, at: number) => {
  const i = at % (s.length + 1);
  return s.slice(0, i) + text + s.slice(i);
};

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

// General purpose bucket naming rules (S3 User Guide, "Bucket naming rules").
const bucketName = fc
  .stringMatching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)
  .filter(
    (s) =>
      !s.includes('..') &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(s) &&
      !RESERVED_PREFIXES.some((p) => s.startsWith(p)) &&
      !RESERVED_SUFFIXES.some((x) => s.endsWith(x)),
  );

describe('BucketName: S3 general purpose bucket naming rules', () => {
  it('accepts every name built to the rules', () => {
    fc.assert(
      fc.property(bucketName, (name) => {
        expect(accepts(BucketName, name)).toBe(true);
      }),
    );
  });

  it('refuses a valid name broken by one rule', () => {
    const broken = fc
      .tuple(bucketName, fc.nat())
      .chain(([name, at]) =>
        fc.constantFrom(
          name.slice(0, 2),
          name.padEnd(64, 'a'),
          insert(name, 'A', at),
          insert(name, '_', at),
          insert(name, ' ', at),
          insert(name, 'é', at),
          insert(name, '/', at),
          `-${name}`,
          `${name}-`,
          `.${name}`,
          `${name}.`,
          insert(name, '..', 1 + (at % (name.length - 1))),
          ...RESERVED_PREFIXES.map((p) => `${p}${name}`.slice(0, 63)),
          ...RESERVED_SUFFIXES.map((x) => `${name.slice(0, 63 - x.length)}${x}`),
        ),
      );
    fc.assert(
      fc.property(broken, (name) => {
        expect(accepts(BucketName, name), name).toBe(false);
      }),
    );
  });

  it('refuses names formatted as an IP address, and the reserved .mrap and --table-s3 suffixes', () => {
    expect(accepts(BucketName, '192.168.5.4')).toBe(false);
    expect(accepts(BucketName, 'media.mrap')).toBe(false);
    expect(accepts(BucketName, 'media--table-s3')).toBe(false);
    expect(BucketName.safeParse('media.mrap').error?.issues[0]?.message).toMatch(/reserved by AWS.*\.mrap/);
  });
});

const iamName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);

describe('IamName: IAM user and role names', () => {
  it('accepts 1 to 64 of letters, digits and + = , . @ _ -', () => {
    fc.assert(
      fc.property(iamName, (name) => {
        expect(accepts(IamName, name)).toBe(true);
      }),
    );
  });

  it('refuses an empty name, 65 characters, or any other character', () => {
    const broken = fc
      .tuple(iamName, fc.constantFrom(' ', '/', ':', '*', '#', 'é', '\u0000', '\n'), fc.nat())
      .map(([name, c, at]) => insert(name, c, at).slice(0, 64));
    fc.assert(
      fc.property(broken, (name) => {
        expect(accepts(IamName, name), name).toBe(false);
      }),
    );
    expect(accepts(IamName, '')).toBe(false);
    expect(accepts(IamName, 'a'.repeat(65))).toBe(false);
  });
});

const accountId = fc.stringMatching(/^\d{12}$/);

describe('AccountId', () => {
  it('is exactly 12 ASCII digits', () => {
    fc.assert(
      fc.property(accountId, (id) => {
        expect(accepts(AccountId, id)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{1,11}$|^\d{13,20}$/),
        (id) => void expect(accepts(AccountId, id)).toBe(false),
      ),
    );
    expect(accepts(AccountId, '١٢٣٤٥٦٧٨٩٠١٢')).toBe(false); // Arabic-Indic digits
    expect(accepts(AccountId, ' 123456789012')).toBe(false);
  });
});

const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-eusc');
const iamPath = fc
  .array(fc.stringMatching(/^[\x21-\x2e\x30-\x7e]{1,8}$/), { maxLength: 3 })
  .map((segments) => (segments.length ? `/${segments.join('/')}/` : '/'));
const principalArn = fc.oneof(
  fc.tuple(partition, accountId).map(([p, a]) => `arn:${p}:iam::${a}:root`),
  fc
    .tuple(partition, accountId, fc.constantFrom('user', 'role'), iamPath, iamName)
    .map(([p, a, kind, path, name]) => `arn:${p}:iam::${a}:${kind}${path}${name}`),
  fc
    .tuple(partition, accountId, fc.stringMatching(/^[\w+=,.@-]{2,32}$/))
    .map(([p, a, name]) => `arn:${p}:sts::${a}:federated-user/${name}`),
);

describe('PrincipalArn: what aws:PrincipalArn carries, so what a deny can exempt', () => {
  it('accepts users and roles with any IAM path, root and federated users, in every partition', () => {
    fc.assert(
      fc.property(principalArn, (arn) => {
        expect(accepts(PrincipalArn, arn)).toBe(true);
      }),
    );
    expect(
      accepts(
        PrincipalArn,
        'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_IR_0123abcd',
      ),
    ).toBe(true);
    expect(
      accepts(
        PrincipalArn,
        'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_IR_*',
      ),
    ).toBe(true);
  });

  it('refuses a role session ARN, saying which ARN to give instead', () => {
    fc.assert(
      fc.property(accountId, iamName, iamName, (a, role, session) => {
        const result = PrincipalArn.safeParse(`arn:aws:sts::${a}:assumed-role/${role}/${session}`);
        expect(result.success).toBe(false);
        expect(result.error?.issues.map((i) => i.message).join()).toMatch(
          /role session ARN.*role\/PATH\/NAME/,
        );
      }),
    );
  });

  it('refuses whitespace, control characters, other services, and a malformed account', () => {
    const broken = fc
      .tuple(principalArn, fc.constantFrom(' ', '\t', '\n', '\u0000', '\u007f'), fc.nat())
      .map(([arn, c, at]) => insert(arn, c, 20 + (at % (arn.length - 19))));
    fc.assert(
      fc.property(broken, (arn) => {
        expect(accepts(PrincipalArn, arn), JSON.stringify(arn)).toBe(false);
      }),
    );
    expect(accepts(PrincipalArn, 'arn:aws:s3:::bucket')).toBe(false);
    expect(accepts(PrincipalArn, 'arn:aws:iam::12345678901:user/alice')).toBe(false);
    expect(accepts(PrincipalArn, 'arn:aws:iam::123456789012:group/admins')).toBe(false);
    expect(accepts(PrincipalArn, 'arn:aws:iam::123456789012:user/' + 'a'.repeat(65))).toBe(false);
  });
});

describe('Arn, LambdaFunctionArn, ExecuteApiArn', () => {
  it('refuses whitespace and control characters anywhere in an ARN', () => {
    for (const c of [' ', '\t', '\r', '\u0000', '\u001b'])
      expect(accepts(Arn, `arn:aws:iam::123456789012:role/a${c}b`), JSON.stringify(c)).toBe(false);
  });

  it('accepts Lambda function ARNs with an optional version or alias, names up to 64', () => {
    const fn = fc
      .tuple(
        partition,
        accountId,
        fc.stringMatching(/^[\w-]{1,64}$/),
        fc.option(fc.stringMatching(/^(\$LATEST|[\w-]{1,128})$/)),
      )
      .map(([p, a, name, q]) => `arn:${p}:lambda:us-east-1:${a}:function:${name}${q ? `:${q}` : ''}`);
    fc.assert(
      fc.property(fn, (arn) => {
        expect(accepts(LambdaFunctionArn, arn)).toBe(true);
      }),
    );
    expect(
      accepts(LambdaFunctionArn, `arn:aws:lambda:us-east-1:123456789012:function:${'f'.repeat(65)}`),
    ).toBe(false);
  });

  it('accepts execute-api ARNs with or without a stage/method/path', () => {
    expect(accepts(ExecuteApiArn, 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5')).toBe(true);
    expect(
      accepts(ExecuteApiArn, 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/media/*'),
    ).toBe(true);
    expect(
      accepts(ExecuteApiArn, 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/my media'),
    ).toBe(false);
  });
});

const ouId = fc
  .tuple(fc.stringMatching(/^[0-9a-z]{4,32}$/), fc.stringMatching(/^[a-z0-9]{8,32}$/))
  .map(([root, ou]) => `ou-${root}-${ou}`);
const rootId = fc.stringMatching(/^[0-9a-z]{4,32}$/).map((s) => `r-${s}`);

describe('OrgTargetId: Organizations TargetId (account, OU, root)', () => {
  it('accepts account ids, OU ids and root ids as Organizations documents them', () => {
    fc.assert(
      fc.property(fc.oneof(accountId, ouId, rootId), (id) => {
        expect(accepts(OrgTargetId, id)).toBe(true);
      }),
    );
  });

  it('refuses them with a capital, a space, or a part too short', () => {
    fc.assert(
      fc.property(
        fc.oneof(ouId, rootId),
        fc.nat(),
        (id, at) =>
          void expect(accepts(OrgTargetId, insert(id, 'X', 3 + (at % (id.length - 2))))).toBe(false),
      ),
    );
    expect(accepts(OrgTargetId, 'ou-ab1-12345678')).toBe(false);
    expect(accepts(OrgTargetId, 'r-ab1')).toBe(false);
    expect(accepts(OrgTargetId, '12345678901 ')).toBe(false);
  });
});

describe('ObjectKeyPrefix: S3 counts a key in bytes', () => {
  it('accepts up to 1,024 bytes of UTF-8 and refuses more, however few characters that is', () => {
    expect(accepts(ObjectKeyPrefix, 'a'.repeat(1024))).toBe(true);
    expect(accepts(ObjectKeyPrefix, 'é'.repeat(512))).toBe(true);
    expect(accepts(ObjectKeyPrefix, 'é'.repeat(513))).toBe(false);
    expect(accepts(ObjectKeyPrefix, '🎭'.repeat(257))).toBe(false);
  });
});
