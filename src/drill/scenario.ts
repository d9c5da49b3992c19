/**
 * The drill's one scenario, `deepfake-s3-leak`: a vendor's generative-AI integration had s3:* on
 * the public product-media bucket and overwrote product images with synthetic ones. Names carry
 * the drill's own suffix, so a second drill on a kept emulator (--keep, --endpoint-url) never
 * collides with the first.
 */
export const SCENARIOS = ['deepfake-s3-leak'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Scenario {
  name: ScenarioName;
  /** The bundled runbook `drp contain` runs. */
  runbook: string;
  bucket: string;
  logBucket: string;
  trailBucket: string;
  trail: string;
  user: string;
  role: string;
  rolePath: string;
  /** Product images written (one version each). */
  images: number;
  /** Of those, how many were overwritten with a synthetic version. */
  overwritten: number;
  /** Of those, how many were then "deleted" (a delete marker on top). */
  deleted: number;
  /** contain's default --since (the runbook's 7d), in hours: log files older than this stay behind. */
  windowHours: number;
  /** contain's default --retention-days (the runbook's 30). */
  retentionDays: number;
  /** Hours before now at which the trail delivered a log file (and its digest): inside and outside the window. */
  trailHoursAgo: { inWindow: number[]; outOfWindow: number[] };
  /** Hours before now at which S3 delivered a server access log file. */
  accessLogHoursAgo: { inWindow: number[]; outOfWindow: number[] };
  /** How long before the drill the leak was "detected": --detected-at. */
  detectedMinutesAgo: number;
}

/**
 * The runbook's containment steps, in order: time to contain runs from the journal's genesis to
 * the last of these results. Evidence preservation follows them.
 */
export const CONTAINMENT_STEPS = [
  'snapshot-config',
  'block-public-access',
  'disable-access-keys',
  'revoke-role-sessions',
  'deny-policy',
  'scp-deny',
  'object-lock',
  'legal-holds',
] as const;

export function deepfakeS3Leak(suffix: string): Scenario {
  return {
    name: 'deepfake-s3-leak',
    runbook: 'deepfake-s3-leak',
    bucket: `acme-product-media-${suffix}`,
    logBucket: `acme-product-media-logs-${suffix}`,
    trailBucket: `acme-cloudtrail-${suffix}`,
    trail: `acme-org-trail-${suffix}`,
    user: `vendor-genai-uploader-${suffix}`,
    role: `media-pipeline-ingest-${suffix}`,
    rolePath: '/media/',
    images: 240,
    overwritten: 36,
    deleted: 2,
    windowHours: 7 * 24,
    retentionDays: 30,
    // Margins of hours either side of the 168-hour edge: the contain run starts seconds later.
    trailHoursAgo: { inWindow: [1, 9, 30, 75, 140, 160], outOfWindow: [176, 200, 260] },
    accessLogHoursAgo: { inWindow: [2, 26, 100, 150], outOfWindow: [180, 240] },
    detectedMinutesAgo: 12,
  };
}
