import type { DrillSeedEdgePort } from '../aws/drill-seed-edge.js';
import type { Scenario } from './scenario.js';

/** The surfaces that serve the leak besides the bucket: what the edge checks compare against. */
export interface SeededEdge {
  functionArn: string;
  functionUrl: string;
  restApiId: string;
  stage: string;
  distributionId: string;
  distributionDomain: string;
  /** The flags `drp contain` gets for them, as an on-call engineer would pass them. */
  containArgs: string[];
}

/**
 * The dossier's other surfaces: a Lambda function that generated the fake reviews (with a public
 * function URL), a REST API serving the media, and a CloudFront distribution in front of the
 * bucket. The pipeline role, seeded with the incident, is the function's execution role.
 */
export async function seedEdge(
  seed: DrillSeedEdgePort,
  s: Scenario,
  where: { account: string; region: string },
): Promise<SeededEdge> {
  const roleArn = `arn:aws:iam::${where.account}:role${s.rolePath}${s.role}`;
  const stage = 'prod';
  const [fn, restApiId, distribution] = await Promise.all([
    seed.createPublicFunction(`${s.bucket}-review-generator`, roleArn),
    seed.createRestApi(`${s.bucket}-api`, stage),
    seed.createDistribution(s.bucket, `${s.bucket}-cdn`),
  ]);
  return {
    functionArn: fn.arn,
    functionUrl: fn.url,
    restApiId,
    stage,
    distributionId: distribution.id,
    distributionDomain: distribution.domainName,
    containArgs: [
      ...['--function', fn.arn],
      ...['--api', `arn:aws:execute-api:${where.region}:${where.account}:${restApiId}/${stage}`],
    ],
  };
}

export const describeEdge = (e: SeededEdge) =>
  `  Lambda ${e.functionArn} (function URL, auth NONE); REST API ${e.restApiId}/${e.stage}; CloudFront ${e.distributionId} in front of the bucket`;
