import type { AwsSettings } from './config.js';

/**
 * One client per region, made when first asked for. Lambda functions, APIs and regional web ACLs
 * are named by ARNs whose region may differ from the run's (--region): AWS answers for a resource
 * only at its own region's endpoint, so the port calls the ARN's region. No region: the run's.
 */
export type ClientForRegion<C> = (region?: string) => C;

export function perRegion<C>(settings: AwsSettings, make: (settings: AwsSettings) => C): ClientForRegion<C> {
  const clients = new Map<string, C>();
  return (region) => {
    const key = region ?? settings.region ?? '';
    let client = clients.get(key);
    if (!client) {
      client = make(region ? { ...settings, region } : settings);
      clients.set(key, client);
    }
    return client;
  };
}

/** The region of an ARN (arn:PARTITION:SERVICE:REGION:...), or undefined for a bare name or id. */
export const regionOfArn = (arn: string): string | undefined =>
  arn.startsWith('arn:') ? arn.split(':')[3] || undefined : undefined;
