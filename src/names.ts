import * as z from 'zod';

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
    (s) =>
      !/^(xn--|sthree-|amzn-s3-demo-)/.test(s) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(s),
    'that bucket name prefix or suffix is reserved by AWS (xn--, sthree-, amzn-s3-demo-; -s3alias, --ol-s3, .mrap, --x-s3, --table-s3)',
  );

/** IAM user and role names: up to 64 (roles) characters of [\w+=,.@-]. */
export const IamName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w+=,.@-]+$/, 'an IAM name uses letters, digits and + = , . @ _ -');

export const AccountId = z.string().regex(/^\d{12}$/, 'an AWS account id is 12 digits');

/** aws, aws-cn, aws-us-gov, aws-iso-b, aws-eusc, ... */
const PARTITION = 'aws(?:-[a-z]+)*';

/** No whitespace or control character: an ARN drp writes into a policy is sent as it is given. */
export const Arn = z
  .string()
  .max(2048)
  .regex(
    new RegExp(`^arn:${PARTITION}:[a-z0-9-]+:[a-z0-9-]*:(\\d{12}|aws)?:[^\\s\\x00-\\x1f\\x7f]+$`),
    'expected an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE',
  );

// An IAM path is / or /SEGMENTS/ of printable ASCII; a name is IAM's [\w+=,.@-], up to 64. Patterns
// (* and ?) are allowed in the name: every deny matches aws:PrincipalArn with ArnNotLike.
const IAM_PRINCIPAL = new RegExp(
  `^arn:${PARTITION}:iam::\\d{12}:(root|(user|role)(/[\\x21-\\x7e]*)?/[\\w+=,.@*?-]{1,64})$`,
);
const FEDERATED_USER = new RegExp(`^arn:${PARTITION}:sts::\\d{12}:federated-user/[\\w+=,.@-]{2,32}$`);
const ROLE_SESSION = new RegExp(`^arn:${PARTITION}:sts::\\d{12}:assumed-role/`);

/**
 * An IAM principal ARN as aws:PrincipalArn carries it: a user, a role (with its path), root, or a
 * federated user. Never a role session ARN (what `aws sts get-caller-identity` shows for a role):
 * aws:PrincipalArn never carries one, so a deny "exempting" it would exempt nobody.
 */
export const PrincipalArn = Arn.superRefine((s, ctx) => {
  if (IAM_PRINCIPAL.test(s) || FEDERATED_USER.test(s)) return;
  ctx.addIssue({
    code: 'custom',
    message: ROLE_SESSION.test(s)
      ? 'that is a role session ARN; aws:PrincipalArn carries the role itself: arn:aws:iam::ACCOUNT:role/PATH/NAME (aws iam get-role --role-name NAME shows it)'
      : 'expected an IAM principal ARN: arn:aws:iam::ACCOUNT:user/NAME, role/PATH/NAME or root',
  });
});

/** Where an SCP can be attached: an account id, an OU id (ou-...) or the organization's root id (r-...). */
export const OrgTargetId = z
  .string()
  .regex(
    /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
    'expected an account id (12 digits), an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)',
  );

/** A Lambda function ARN, optionally with a version or alias (wildcards allowed in the name). */
export const LambdaFunctionArn = Arn.refine(
  (s) => /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w*?-]{1,64}(:[\w$*?-]{1,128})?$/.test(s),
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
/** An S3 key or key prefix: at most 1,024 bytes of UTF-8 (S3 counts bytes, not characters). */
export const ObjectKeyPrefix = z
  .string()
  .refine((s) => Buffer.byteLength(s, 'utf8') <= 1024, 'an S3 key prefix is at most 1,024 bytes of UTF-8');

/** The partition of an ARN (aws, aws-cn, aws-us-gov): ARNs drp writes must be in the caller's. */
export const partitionOf = (arn: string) => arn.split(':')[1] || 'aws';

/** An IAM role ARN (with or without a path), e.g. the role S3 Batch Operations assumes. */
export const RoleArn = Arn.refine(
  (s) => /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+$/.test(s),
  'expected an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME',
);

/**
 * An SNS topic ARN: arn:PARTITION:sns:REGION:ACCOUNT:NAME, the name 1 to 256 letters, digits,
 * hyphens and underscores, with .fifo at the end of a FIFO topic's. drp publishes in the topic's region.
 */
export const SnsTopicArn = Arn.refine(
  (s) =>
    /^arn:aws[a-zA-Z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(s) &&
    s.split(':')[5]!.length <= 256,
  'expected an SNS topic ARN: arn:aws:sns:REGION:ACCOUNT:TOPIC-NAME (aws sns list-topics shows them)',
);
