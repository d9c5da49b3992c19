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

/** A VPC id: vpc- and 8 or 17 hex digits. */
export const VpcId = z
  .string()
  .regex(
    /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/,
    'a VPC id is vpc- and 8 or 17 hex digits, e.g. vpc-0a1b2c3d4e5f67890',
  );

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

/** A function ARN without its version or alias: arn:aws:lambda:REGION:ACCOUNT:function:NAME. */
export const unqualifiedFunctionArn = (arn: string) => arn.split(':').slice(0, 7).join(':');

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

/** A Lambda function as lambda-isolate takes it: its name, or its ARN (a wildcard matches several). */
export const LambdaFunctionRef = z.union([z.string().regex(/^[\w-]{1,64}$/), LambdaFunctionArn], {
  error:
    'expected a Lambda function name (letters, digits, - and _) or ARN: arn:aws:lambda:REGION:ACCOUNT:function:NAME',
});

/**
 * An API as apigateway-isolate takes it: its id (REST, HTTP or WebSocket), `ID/STAGE`, or an
 * execute-api ARN (`arn:aws:execute-api:REGION:ACCOUNT:ID/STAGE/METHOD/PATH`, `*` allowed in the
 * id and the stage).
 */
export const ApiRef = z.union([z.string().regex(/^[a-z0-9*]{1,64}(\/[\w*-]{1,128})?$/), ExecuteApiArn], {
  error:
    'expected an API id (a1b2c3d4e5), an id and stage (a1b2c3d4e5/prod) or an execute-api ARN: arn:aws:execute-api:REGION:ACCOUNT:ID/STAGE',
});

/** A WAFv2 web ACL ARN: arn:aws:wafv2:REGION:ACCOUNT:(global|regional)/webacl/NAME/ID. */
export const WebAclArn = Arn.refine(
  (s) =>
    /^arn:aws[a-zA-Z-]*:wafv2:[a-z0-9-]+:\d{12}:(global|regional)\/webacl\/[\w-]{1,128}\/[\w-]{1,128}$/.test(
      s,
    ),
  'expected a WAFv2 web ACL ARN: arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID (global/webacl/... for CloudFront)',
);

/**
 * ISO 3166-1 alpha-2 country codes as AWS WAF's geographic match takes them: the officially
 * assigned codes and XK (Kosovo). A unit test keeps this list equal to the WAFv2 SDK's CountryCode.
 */
export const COUNTRY_CODES: readonly string[] = [
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ',
  'BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM',
  'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS',
  'GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN',
  'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ',
  'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM',
  'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV',
  'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI',
  'VN VU WF WS XK YE YT ZA ZM ZW',
].flatMap((line) => line.split(' '));

export const CountryCode = z
  .string()
  .refine(
    (s) => COUNTRY_CODES.includes(s),
    'expected an ISO 3166-1 alpha-2 country code in capitals, as AWS WAF takes it: CN, RU, KP, ... (GB, not UK)',
  );

/** An AWS region name: lowercase letters, digits and hyphens, e.g. us-east-1 (the SDK puts it in host names). */
export const RegionName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region, e.g. us-east-1, eu-west-2, cn-north-1');

/** STS's ExternalId: 2 to 1,224 of letters, digits and _+=,.@:/- (AssumeRole's parameter rules). */
export const ExternalId = z
  .string()
  .min(2, 'an external id has 2 to 1,224 characters')
  .max(1224, 'an external id has 2 to 1,224 characters')
  .regex(/^[\w+=,.@:/-]+$/, 'an external id uses letters, digits and _ + = , . @ : / -');

/** An MFA device: a virtual device's ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware device's serial. */
export const MfaSerial = z
  .string()
  .min(9, 'an MFA serial number has 9 to 256 characters')
  .max(256, 'an MFA serial number has 9 to 256 characters')
  .regex(
    /^[\w+=/:,.@-]+$/,
    'expected an MFA device: arn:aws:iam::ACCOUNT:mfa/NAME, or the serial of a hardware device',
  );

/** A DynamoDB table name: 3 to 255 characters of letters, digits, _ - and . (DynamoDB's naming rules). */
export const DynamoTableName = z
  .string()
  .min(3, 'a DynamoDB table name has 3 to 255 characters')
  .max(255, 'a DynamoDB table name has 3 to 255 characters')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'a DynamoDB table name uses letters, digits, _ - and . only');

/** A Cognito user pool id: REGION_ID, e.g. us-east-1_AbC123xyZ. */
export const UserPoolId = z
  .string()
  .max(55)
  .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a Cognito user pool id is REGION_ID, e.g. us-east-1_AbC123xyZ');

/** A Cognito username (or an alias of it: an email, a phone number): 1 to 128 printable characters. */
export const CognitoUsername = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u,
    'a Cognito username has 1 to 128 letters, digits, symbols or punctuation',
  );

/** An IAM Identity Center user name, as the user signs in (identitystore UserName: 1 to 128, no whitespace). */
export const IdcUserName = z
  .string()
  .min(1, 'an Identity Center user name has 1 to 128 characters')
  .max(128, 'an Identity Center user name has 1 to 128 characters')
  .regex(
    /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u,
    'an Identity Center user name has letters, digits, symbols and punctuation, and no spaces',
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
