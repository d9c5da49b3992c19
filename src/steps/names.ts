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

/** Where an SCP can be attached: an account id, an OU id (ou-...) or the organization's root id (r-...). */
export const OrgTargetId = z
  .string()
  .regex(
    /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
    'expected an account id (12 digits), an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)',
  );

/** A Lambda function ARN, optionally with a version or alias (wildcards allowed in the name). */
export const LambdaFunctionArn = Arn.refine(
  (s) => /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w*?-]+(:[\w$*?-]+)?$/.test(s),
  'expected a Lambda function ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME',
);

/** An API Gateway execute-api ARN: arn:aws:execute-api:REGION:ACCOUNT:API-ID[/STAGE/METHOD/PATH]. */
export const ExecuteApiArn = Arn.refine(
  (s) => /^arn:aws[a-zA-Z-]*:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9*]+(\/.*)?$/.test(s),
  'expected an API Gateway ARN: arn:aws:execute-api:REGION:ACCOUNT:API-ID[/STAGE/METHOD/PATH]',
);

/** A Rekognition Custom Labels model version: arn:aws:rekognition:REGION:ACCOUNT:project/P/version/V/CREATED. */
export const RekognitionModelVersionArn = Arn.refine(
  (s) =>
    /^arn:aws[a-zA-Z-]*:rekognition:[a-z0-9-]+:\d{12}:project\/[\w.-]{1,255}\/version\/[\w.-]{1,255}\/\d+$/.test(
      s,
    ),
  'expected a Rekognition model version ARN: arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT/version/VERSION/NUMBER',
);
/** The partition of an ARN (aws, aws-cn, aws-us-gov): ARNs drp writes must be in the caller's. */
export const partitionOf = (arn: string) => arn.split(':')[1] || 'aws';
