/**
 * AWS's limits and answers that steps need as values, kept out of the port files so that a step
 * importing them loads no SDK client (`drp --help` and `npm run docs` load none).
 */

/** GuardDuty GetFindings: at most 50 finding ids a call. */
export const GUARDDUTY_GET_FINDINGS_MAX = 50;

/** Security Hub BatchImportFindings: at most 100 findings a call. */
export const SECURITYHUB_IMPORT_MAX = 100;

/** Security Hub's answer, on any operation, when it is not enabled in the account and region. */
export const isHubDisabled = (err: unknown) => err instanceof Error && err.name === 'InvalidAccessException';
