// Two examples for each command's --help: the commonest use first, then the next thing a tired
// responder reaches for. `drp` is replaced by however drp runs here (see src/invocation.ts), so
// that an example runs as printed.

export const EXAMPLES: Record<string, [string, string]> = {
  validate: ['drp validate runbooks/deepfake-s3-leak.yaml', 'drp validate my-runbook.yaml --output json'],
  runbooks: ['drp runbooks', 'drp runbooks --output json'],
  plan: [
    'drp plan deepfake-s3-leak --param bucket=product-media-prod',
    'drp plan my-runbook.yaml --param bucket=media --param users=uploader,ci',
  ],
  run: [
    'drp run deepfake-s3-leak --param bucket=product-media-prod --detected-at 45m',
    'drp run my-runbook.yaml --param bucket=media --dry-run',
  ],
  contain: [
    'drp contain --bucket product-media-prod --user media-uploader --detected-at 45m',
    'drp --incident INC-2041 contain --bucket product-media-prod --dry-run',
  ],
  scan: [
    'drp scan --bucket product-media-prod --since 24h',
    'drp scan --bucket product-media-prod --provenance --since 7d',
  ],
  resume: ['drp resume evidence/INC-2041/journal.jsonl', 'drp resume evidence/INC-2041/run-2/ --yes'],
  preserve: [
    'drp preserve --bucket product-media-prod --since 7d',
    'drp --incident INC-2041 preserve --bucket product-media-prod --evidence-bucket acme-evidence',
  ],
  restore: [
    'drp restore evidence/INC-2041/journal.jsonl --dry-run',
    'drp restore evidence/INC-2041/ --only deny-policy --yes',
  ],
  permissions: ['drp permissions', 'drp permissions my-runbook.yaml --output json'],
  keygen: ['drp keygen', 'drp keygen --out /secure/drp-keys'],
  verify: [
    'drp verify evidence/INC-2041/',
    'drp verify evidence/INC-2041/journal.jsonl --artefacts --pubkey signing-key.pub.pem',
  ],
  report: [
    'drp report evidence/INC-2041/ --out report.html',
    'drp report evidence/INC-2041/ --format gdpr --out notification-draft.md --tz Europe/Berlin',
  ],
  drill: ['drp drill', 'drp drill --keep --out /tmp/drill'],
  preflight: [
    'drp preflight --bucket product-media-prod',
    'drp --config drp.config.yaml preflight --bucket product-media-prod --output json',
  ],
  harden: [
    'drp harden --bucket product-media-prod --dry-run',
    'drp --incident INC-2041 harden --bucket product-media-prod --service-role arn:aws:iam::123456789012:role/replication',
  ],
  status: ['drp --incident INC-2041 status', 'drp status --evidence-dir evidence/INC-2041/ --output json'],
};

/** The --help block of a command's examples, `drp` written as `invocation` (`node dist/cli.js`). */
export const examplesText = (name: string, invocation = 'drp'): string | undefined => {
  const examples = EXAMPLES[name];
  if (!examples) return undefined;
  const lines = examples.map((e) => `  $ ${invocation}${e.slice('drp'.length)}`);
  return `\nExamples:\n${lines.join('\n')}\n`;
};
