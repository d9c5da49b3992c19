import { z } from 'zod';

/**
 * AWS's naming rules as zod schemas, so a bad name is a precise validation error before any call
 * instead of an opaque 400 from AWS mid-run.
 */
export const BucketName = z
  .string()
  .min(3, 'a bucket name has 3 to 63 characters')
  .max(63, 'a bucket name has 3 to 63 characters')
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    'a bucket name uses lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit',
  )
  .refine((s) => !s.includes('..'), 'a bucket name has no two adjacent dots')
  .refine((s) => !/^\d+\.\d+\.\d+\.\d+$/.test(s), 'a bucket name is not an IP address')
  .refine(
    (s) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(s) && !/(-s3alias|--ol-s3|--x-s3)$/.test(s),
    'that bucket name prefix or suffix is reserved by AWS',
  );

/** IAM user and role names: up to 64 (roles) characters of [\w+=,.@-]. */
export const IamName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w+=,.@-]+$/, 'an IAM name uses letters, digits and + = , . @ _ -');

export const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');

export const Arn = z
  .string()
  .max(2048)
  .regex(
    /^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$/,
    'expected an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE',
  );

/** An IAM principal ARN as aws:PrincipalArn carries it: a user, a role (with its path), or root. */
export const PrincipalArn = Arn.refine(
  (s) => /^arn:aws[a-zA-Z-]*:iam::\d{12}:(root|user\/.+|role\/.+)$/.test(s),
  'expected an IAM principal ARN: arn:aws:iam::ACCOUNT:user/NAME, role/PATH/NAME or root',
);

/** The partition of an ARN (aws, aws-cn, aws-us-gov): ARNs drp writes must be in the caller's. */
export const partitionOf = (arn: string) => arn.split(':')[1] || 'aws';
