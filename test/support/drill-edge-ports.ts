import type { ApiGatewayPort } from '../../src/aws/api-gateway.js';
import type { CloudFrontPort } from '../../src/aws/cloudfront.js';
import type { LambdaPort } from '../../src/aws/lambda.js';

/** The edge as a good containment run leaves it, as the drill's read ports would see it; `over` changes parts. */
export function edgePorts(
  incidentId: string,
  over: {
    lambda?: Partial<LambdaPort>;
    apigateway?: Partial<ApiGatewayPort>;
    cloudfront?: Partial<CloudFrontPort>;
  } = {},
) {
  return {
    lambda: { getReservedConcurrency: async () => 0, ...over.lambda } as Partial<LambdaPort>,
    apigateway: {
      getStage: async () => ({ name: 'prod', methodSettings: { '*/*': { rateLimit: 0, burstLimit: 0 } } }),
      ...over.apigateway,
    } as Partial<ApiGatewayPort>,
    cloudfront: {
      listInvalidations: async () => [{ id: 'I1', status: 'Completed' }],
      getInvalidation: async (_d: string, id: string) => ({
        id,
        status: 'Completed',
        paths: ['/*'],
        callerReference: `drp-${incidentId}-cloudfront-invalidate-1796000000000`,
      }),
      ...over.cloudfront,
    } as Partial<CloudFrontPort>,
  };
}
