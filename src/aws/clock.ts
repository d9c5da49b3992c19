/**
 * AWS's clock, as its responses tell it. Every AWS response carries a Date header (RFC 7231, whole
 * seconds); a time drp writes into a policy that AWS compares with its own clock (the
 * aws:TokenIssueTime of a revocation) must be AWS's time, not the laptop's: a laptop five minutes
 * slow would leave the sessions of the last five minutes valid.
 */
export interface ServerClock {
  /** The Date header of the latest response. */
  serverDate: Date;
  /** When that response arrived, by this machine's clock. */
  localDate: Date;
}

/** A skew larger than this cannot be the Date header's whole seconds plus the network: it is reported. */
export const CLOCK_SKEW_REPORT_MS = 5_000;

interface DeserializeStack {
  middlewareStack: { add(...args: never[]): void };
}

type Handler = (args: unknown) => Promise<{ response?: { headers?: Record<string, string> } }>;
type AddDeserialize = (
  middleware: (next: Handler) => Handler,
  options: { step: 'deserialize'; name: string; priority: 'high' },
) => void;

const dateOf = (headers: Record<string, string> | undefined): Date | undefined => {
  const text = headers?.date ?? headers?.Date;
  const date = text ? new Date(text) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

/**
 * Records the Date header of every response (errors included) the client receives. Returns a
 * function giving the latest one; undefined until a response has arrived (or when the client's
 * send is replaced, as aws-sdk-client-mock does in unit tests).
 */
export function trackServerClock(client: DeserializeStack, now: () => Date = () => new Date()) {
  let latest: ServerClock | undefined;
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddDeserialize;
  add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        const serverDate = dateOf(result.response?.headers);
        if (serverDate) latest = { serverDate, localDate: now() };
        return result;
      } catch (err) {
        const serverDate = dateOf(
          (err as { $response?: { headers?: Record<string, string> } }).$response?.headers,
        );
        if (serverDate) latest = { serverDate, localDate: now() };
        throw err;
      }
    },
    { step: 'deserialize', name: 'drpServerClock', priority: 'high' },
  );
  return (): ServerClock | undefined => latest;
}

/**
 * AWS's time now, from the latest response: its Date plus the time since it arrived, plus one
 * second, because the header counts whole seconds (a session issued within the second the header
 * names must count as issued before the revocation). Undefined without a response.
 */
export function awsNow(clock: ServerClock | undefined, now: Date): Date | undefined {
  if (!clock) return undefined;
  const elapsed = Math.max(0, now.getTime() - clock.localDate.getTime());
  return new Date(clock.serverDate.getTime() + elapsed + 1_000);
}

/**
 * This machine's clock minus AWS's, in whole seconds (positive: this machine is ahead), when it is
 * more than CLOCK_SKEW_REPORT_MS off; undefined otherwise. A Date header is floored to the second
 * and arrives after the network's delay, so an exact clock reads 0 to 1 s ahead.
 */
export function reportedSkewSeconds(clock: ServerClock | undefined): number | undefined {
  if (!clock) return undefined;
  const skew = clock.localDate.getTime() - clock.serverDate.getTime();
  if (skew <= CLOCK_SKEW_REPORT_MS + 1_000 && skew >= -CLOCK_SKEW_REPORT_MS) return undefined;
  return Math.round((skew - 500) / 1_000);
}

/** The note a step adds when this machine's clock is off: AWS's time was used instead. */
export function skewNote(clock: ServerClock | undefined, service: string): string | undefined {
  const skew = reportedSkewSeconds(clock);
  if (skew === undefined) return undefined;
  return `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} AWS's (the Date of ${service}'s response): drp used AWS's time; set this machine's clock right (NTP) before comparing its logs with CloudTrail's`;
}
