import { createConnection } from 'node:net';
import { motoPython, startMoto } from '../emulator/moto.js';
import { UserError } from '../errors.js';

/** The AWS emulator a drill runs against: moto started for it, or one the operator gave. */
export interface DrillEmulator {
  url: string;
  /** moto's pid when the drill started it. */
  pid?: number;
  external: boolean;
  stop(): Promise<void>;
}

/**
 * Before anything is created: moto must be importable (else the install command, exit 2), or
 * the given endpoint must be an http(s) URL that answers.
 */
export async function checkEmulator(endpointUrl: string | undefined): Promise<string | undefined> {
  // The Python that has moto, checked once (importing moto takes seconds).
  if (endpointUrl === undefined) return motoPython();
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new UserError(`--endpoint-url ${endpointUrl}: not a URL (e.g. http://localhost:4566)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`--endpoint-url ${endpointUrl}: use an http:// or https:// URL`);
  try {
    await connects(url);
  } catch (err) {
    const cause = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UserError(
      `--endpoint-url ${endpointUrl}: nothing answers there (${cause}). Start the emulator, or leave --endpoint-url out to let drp start moto_server`,
    );
  }
  return undefined;
}

/** Whether something accepts a TCP connection at the URL's host and port (5 s at most). */
function connects(url: URL): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
  });
}

/** moto_server on a free loopback port (its log in `logFile`), or the operator's endpoint. */
export async function openEmulator(
  endpointUrl: string | undefined,
  logFile: string,
  python?: string,
): Promise<DrillEmulator> {
  if (endpointUrl !== undefined)
    return { url: endpointUrl.replace(/\/+$/, ''), external: true, stop: async () => undefined };
  const moto = await startMoto({ logFile, requestLogs: false, python });
  return { url: moto.url, pid: moto.pid, external: false, stop: () => moto.stop() };
}

/**
 * Runs `cleanup` when the drill is interrupted (Ctrl-C, SIGTERM), then lets the signal end the
 * process as it would have (only src/cli.ts exits by code). Returns the function that uninstalls it.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals) => {
    uninstall();
    void cleanup()
      .catch(() => undefined)
      .finally(() => process.kill(process.pid, signal));
  };
  const uninstall = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return uninstall;
}
