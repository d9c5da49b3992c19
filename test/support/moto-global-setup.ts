import type { TestProject } from 'vitest/node';
import { startMoto, type Emulator } from '../../src/emulator/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
    /** The reset endpoint of the emulator in use: moto's, or LocalStack's in the LocalStack CI job. */
    resetUrl: string;
  }
}

let moto: Emulator | undefined;

/**
 * One emulator for all smoke files: moto_server through test/support/moto-launcher.py, stopped by
 * pid at the end; or, when DRP_SMOKE_ENDPOINT is set (the LocalStack CI job), that endpoint.
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.DRP_SMOKE_ENDPOINT;
  if (external) {
    project.provide('motoUrl', external);
    project.provide('resetUrl', `${external}/_localstack/state/reset`);
    return;
  }
  try {
    moto = await startMoto();
  } catch (err) {
    throw new Error(`smoke tests need the AWS emulator: ${(err as Error).message}`, { cause: err });
  }
  project.provide('motoUrl', moto.url);
  project.provide('resetUrl', `${moto.url}/moto-api/reset`);
}

export async function teardown(): Promise<void> {
  await moto?.stop();
}
