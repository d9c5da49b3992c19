import type * as z from 'zod';
import {
  BucketName,
  CognitoUsername,
  CountryCode,
  DynamoTableName,
  WebAclArn,
  ExecuteApiArn,
  IamName,
  IdcUserName,
  LambdaFunctionArn,
  ObjectKeyPrefix,
  OrgTargetId,
  RekognitionModelVersionArn,
  RoleArn,
  UserPoolId,
  VpcId,
} from '../names.js';
import { parseTrustedSigner } from '../provenance/classify.js';
import { parseSince } from '../since.js';
import { MANAGED_RULE_IDS } from '../steps/lib/config-rules.js';

/**
 * What a command checks of one flag value before it runs (after its runbook is loaded): the
 * message naming the flag, or undefined. The cli's flag tables name these checks rather than hold
 * them, so `drp --help` loads no zod.
 */
export type FlagCheck = (given: string, flag: string, now: Date) => string | undefined;

/** Repeatable flags also take comma-separated values, as --param lists do. */
export const splitList = (values: string[] = []) =>
  values.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean);

const firstIssue = (schema: z.ZodType, value: string) => {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'invalid');
};

/** `--flag VALUE: what is wrong`. */
const named =
  (schema: z.ZodType): FlagCheck =>
  (given, flag) => {
    const issue = firstIssue(schema, given);
    return issue && `${flag} ${given}: ${issue}`;
  };

/** Each item of a comma-separated value, named alone: `--user bad name: ...` for `--user alice,bad name`. */
const eachItem =
  (schema: z.ZodType): FlagCheck =>
  (given, flag, now) => {
    for (const item of splitList([given])) {
      const message = named(schema)(item, flag, now);
      if (message) return message;
    }
    return undefined;
  };

export const FLAG_CHECKS = {
  bucketName: named(BucketName),
  iamNames: eachItem(IamName),
  idcUserName: named(IdcUserName),
  lambdaFunctionArns: eachItem(LambdaFunctionArn),
  executeApiArns: eachItem(ExecuteApiArn),
  orgTargetId: named(OrgTargetId),
  webAclArn: named(WebAclArn),
  countryCodes: eachItem(CountryCode),
  roleArn: named(RoleArn),
  vpcIds: eachItem(VpcId),
  roleArns: eachItem(RoleArn),
  configRuleIds: (given, flag) => {
    const unknown = splitList([given]).find((id) => !MANAGED_RULE_IDS.includes(id));
    return unknown && `${flag} ${unknown}: drp harden deploys ${MANAGED_RULE_IDS.join(', ')}`;
  },
  rekognitionModelVersionArn: named(RekognitionModelVersionArn),
  dynamoTableNames: eachItem(DynamoTableName),
  userPoolId: named(UserPoolId),
  cognitoUsername: named(CognitoUsername),
  // A prefix may be 1,024 bytes long: the message does not repeat it.
  objectKeyPrefix: (given, flag) => {
    const issue = firstIssue(ObjectKeyPrefix, given);
    return issue && `${flag}: ${issue}`;
  },
  // The start may not be in the future: checked against the command's clock.
  since: (given, flag, now) => {
    const { error } = parseSince(given, now);
    return error && `${flag} "${given}": ${error}`;
  },
  labelName: (given, flag) =>
    given.trim() ? undefined : `${flag}: a label name is not empty (e.g. ${flag} "Explicit Nudity")`,
  customLabelName: (given, flag) =>
    splitList([given]).every((label) => label.length <= 256)
      ? given.trim()
        ? undefined
        : `${flag}: a label name is not empty (e.g. ${flag} synthetic)`
      : `${flag} "${given}": a label name has 1 to 256 characters`,
  trustedSigner: (given, flag) =>
    parseTrustedSigner(given)
      ? undefined
      : `${flag} "${given}": give the signing certificate's subject DN ("CN=Acme Studio, O=Acme Retail") or its SHA-256 fingerprint (64 hex digits)`,
} satisfies Record<string, FlagCheck>;

export type FlagCheckName = keyof typeof FLAG_CHECKS;
