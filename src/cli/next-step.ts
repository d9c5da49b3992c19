/** Hints for failures that are about the environment, not about drp. */
export function nextStepFor(err: unknown): string | undefined {
  const text = `${(err as Error)?.name} ${(err as Error)?.message}`;
  if (/Could not load credentials|CredentialsProviderError/.test(text)) {
    return 'configure AWS credentials (AWS_PROFILE, --profile, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).';
  }
  if (/ExpiredToken|token.*expired/i.test(text))
    return 'your AWS session expired: refresh it (`aws sso login`) and run again.';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text))
    return 'the AWS endpoint is unreachable: check --endpoint-url, AWS_ENDPOINT_URL and the network.';
  return undefined;
}
