import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { currentOsUser } from '../os-user.js';
import type { Signer } from '../journal/signer.js';
import { recordIdentities } from '../runbook/journal-identities.js';
import type { RestoreOptions } from '../steps/define.js';
import { VERSION } from '../version.js';
import type { RecordedRun } from './recorded.js';
import type { RestoreSession } from './session.js';

/** `<run's evidence dir>/restore-20261125T030000Z/`: the restore's evidence stays beside the run's. */
export function defaultRestoreDir(run: RecordedRun, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = join(run.dir, `restore-${stamp}`);
  if (!existsSync(base)) return base;
  for (let n = 2; ; n++) if (!existsSync(`${base}-${n}`)) return `${base}-${n}`;
}

export interface RestoreGenesisInput {
  dryRun: boolean;
  only: string[];
  options: RestoreOptions;
  overwriteDrift: boolean;
  operator?: string;
}

/**
 * The restore journal's first entry. `restoreOf` links it to the run it undoes: that journal's
 * id, the hash its chain ends with (so the run's journal cannot be swapped for another after the
 * fact), its path, and whether it was sealed.
 */
export function restoreGenesis(
  run: RecordedRun,
  session: RestoreSession,
  signer: Signer,
  input: RestoreGenesisInput,
) {
  const osUser = currentOsUser();
  return {
    tool: { name: 'drp', version: VERSION },
    node: process.version,
    command: 'restore',
    incidentId: run.genesis.incidentId,
    restoreOf: {
      journalId: run.journalId,
      head: run.head,
      path: resolve(run.path),
      entries: run.entries,
      sealed: run.sealed,
    },
    dryRun: input.dryRun,
    // The contained run's clock: a restore does not restart the 72 hours.
    ...(run.genesis.detectedAt ? { detectedAt: run.genesis.detectedAt } : {}),
    ...(run.genesis.detectedAtGiven === false ? { detectedAtGiven: false } : {}),
    only: input.only,
    reactivateKeys: input.options.reactivateKeys,
    releaseHolds: input.options.releaseHolds,
    overwriteDrift: input.overwriteDrift,
    caller: {
      arn: session.caller.arn,
      accountId: session.caller.accountId,
      principalArn: session.caller.principalArn,
    },
    identities: recordIdentities(session.identities, session.used),
    exemptPrincipals: run.genesis.exemptPrincipals,
    region: session.region,
    host: hostname(),
    osUser,
    operator: input.operator ?? osUser,
    signer: {
      algorithm: signer.algorithm,
      publicKeyPem: signer.publicKeyPem,
      fingerprint: signer.fingerprint,
      keyRef: signer.keyRef,
    },
  };
}
