import type { Logger } from '../log.js';

/**
 * Credentials for one identity (a role drp assumed, src/aws/credentials.ts): one provider shared by
 * every client of that identity, so the role is assumed once and refreshed once, not per client.
 */
export type CredentialProvider = () => Promise<AwsCredentials>;

/** Credentials a client signs with, as a provider resolved them. Never logged. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Temporary credentials: ask for them again before this. */
  expiration?: Date;
  accountId?: string;
}

/** How drp reaches AWS: the global flags, resolved once per run. */
export interface AwsSettings {
  region?: string;
  profile?: string;
  /** An identity's own credentials; absent: the default chain (environment, --profile, SSO, ...). */
  credentials?: CredentialProvider;
  /** --endpoint-url. When absent, AWS_ENDPOINT_URL(_<SERVICE>) still work: the SDK reads them. */
  endpointUrl?: string;
  /** Bounded parallelism of the heaviest step; sockets are sized to match. */
  concurrency?: number;
  logger?: Logger;
}

/**
 * Operations a read-only client may send: the plan phase, every dry-run and preflight use only
 * these. Cognito names its administrator reads AdminGet* and AdminList* (AdminGetUser); its writes
 * are AdminSet*, AdminUpdate*, AdminDisable* and the like, which stay refused. Simulate
 * (iam:SimulatePrincipalPolicy) evaluates policies and changes nothing.
 */
export const READ_ONLY_OPERATION = /^(Admin)?(Get|List|Describe|Head|Lookup|Simulate)[A-Z]/;

export class ReadOnlyViolation extends Error {
  override readonly name = 'ReadOnlyViolation';
}

/** Whether S3 must use path-style addressing: any custom endpoint (a local emulator has no DNS per bucket). */
export function usesCustomS3Endpoint(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(settings.endpointUrl || env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
}

/**
 * Constructor options shared by every client. Retries are the SDK's adaptive mode (client-side
 * rate limiting on throttling), with more attempts than its default 3 because a containment run
 * makes thousands of calls and one unlucky call must not leave a control half-applied.
 */
export function clientOptions(settings: AwsSettings, env: NodeJS.ProcessEnv = process.env) {
  const maxSockets = Math.max(50, (settings.concurrency ?? 32) + 8);
  return {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    retryMode: 'adaptive',
    maxAttempts: env.AWS_MAX_ATTEMPTS ? Number(env.AWS_MAX_ATTEMPTS) : 8,
    requestHandler: {
      connectionTimeout: 5_000,
      requestTimeout: 60_000,
      httpAgent: { keepAlive: true, maxSockets },
      httpsAgent: { keepAlive: true, maxSockets },
    },
  } as const;
}

interface MiddlewareContext {
  commandName?: string;
  clientName?: string;
}

type Middleware = (
  next: (args: unknown) => Promise<unknown>,
  context: MiddlewareContext,
) => (args: unknown) => Promise<unknown>;
type AddMiddleware = (
  middleware: Middleware,
  options: { step: 'initialize'; name: string; priority: 'high' },
) => void;

/** Any SDK v3 client: only its middleware stack matters here. */
interface StackHolder {
  middlewareStack: { add(...args: never[]): void };
}

const operationName = (context: MiddlewareContext) =>
  `${(context.clientName ?? 'AWS').replace(/Client$/, '')}.${(context.commandName ?? '?').replace(/Command$/, '')}`;

/**
 * Two middlewares on every client. One names the operation on any error it throws, so a failure
 * reads "S3.PutBucketPolicy: AccessDenied ..." in the summary and the journal. The other, on
 * read-only clients, rejects any operation that is not a read before it is signed or sent: a step
 * bug cannot turn a plan or a dry-run into a change.
 */
export function instrument<T extends StackHolder>(client: T, readOnly: boolean): T {
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddMiddleware;
  add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        if (err instanceof Error && !('drpOperation' in err))
          Object.assign(err, { drpOperation: operationName(context) });
        throw err;
      }
    },
    { step: 'initialize', name: 'drpNameOperation', priority: 'high' },
  );
  if (readOnly) {
    add(
      (next, context) => async (args) => {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        if (!READ_ONLY_OPERATION.test(command)) {
          throw new ReadOnlyViolation(
            `${operationName(context)} refused: this client is read-only (plan or dry-run)`,
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'drpReadOnlyGuard', priority: 'high' },
    );
  }
  return client;
}
