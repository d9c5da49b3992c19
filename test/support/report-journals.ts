import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import type { ArtefactSource } from '../../src/journal/entry.js';
import { verifyJournal } from '../../src/journal/verify.js';
import { JournalWriter } from '../../src/journal/writer.js';
import { checkArtefactFiles } from '../../src/report/artefacts.js';
import { buildReportModel } from '../../src/report/model.js';
import { silentLogger } from '../../src/log.js';
import {
  applySteps,
  planSteps,
  recordPlans,
  runOutcome,
  type PreparedStep,
} from '../../src/runbook/execute.js';
import { defineStep, StepFailure, type Change } from '../../src/steps/define.js';
import { scratch } from './drp.js';
import { testSigner } from './journal.js';
import { testContext } from './step-context.js';

/** One step of a fixture run, driven through the real executor so entries are what drp writes. */
export interface FixtureStep {
  id: string;
  type?: string;
  changes?: Change[];
  notes?: string[];
  applyNotes?: string[];
  /** The fake clock moves this far while the step applies. */
  takesMs?: number;
  requestIds?: string[];
  data?: unknown;
  /** Apply fails after making `done` (a StepFailure with that partial). */
  fails?: { error: Error; done?: Change[] };
  planFails?: Error;
  onError?: 'stop' | 'continue';
  artefacts?: { name: string; content: string; source?: ArtefactSource }[];
}

export interface FixtureRun {
  steps: FixtureStep[];
  dryRun?: boolean;
  declined?: boolean;
  /** The run's start: the first entry's time. */
  start?: string;
  /** Genesis fields to replace (or, set to undefined, drop). */
  genesis?: Record<string, unknown>;
  /** Entries appended as they are, after the steps and before the seal. */
  extra?: { type: 'artefact'; body: Record<string, unknown> }[];
}

export const INCIDENT = 'INC-20261125-030000-ab12';
export const CALLER_ARN = 'arn:aws:sts::123456789012:assumed-role/IncidentResponder/alice';
export const PRINCIPAL_ARN = 'arn:aws:iam::123456789012:role/IncidentResponder';

function fakeStep(spec: FixtureStep, clock: { advance(ms: number): void }): PreparedStep {
  const changes = spec.changes ?? [{ action: 'do', target: `s3://bucket/${spec.id}` }];
  const definition = defineStep({
    type: spec.type ?? 'fake',
    summary: 'a fixture step',
    params: z.object({}).strict(),
    permissions: ['s3:GetObject'],
    example: {},
    async plan() {
      if (spec.planFails) throw spec.planFails;
      return { observed: {}, changes, ...(spec.notes ? { notes: spec.notes } : {}) };
    },
    async apply(ctx, _p, plan) {
      for (const a of spec.artefacts ?? []) await ctx.artefacts.write(a.name, a.content, a.source);
      clock.advance(spec.takesMs ?? 1000);
      const requestIds = spec.requestIds ?? [`req-${spec.id}`];
      if (spec.fails)
        throw new StepFailure({ changes: spec.fails.done ?? [], requestIds }, { cause: spec.fails.error });
      return {
        changes: plan.changes,
        requestIds,
        ...(spec.data !== undefined ? { data: spec.data } : {}),
        ...(spec.applyNotes ? { notes: spec.applyNotes } : {}),
      };
    },
  });
  return { id: spec.id, type: definition.type, onError: spec.onError ?? 'stop', definition, params: {} };
}

/** Writes a sealed journal like `drp contain` does, with a fake clock; returns where it is. */
export async function writeRun(run: FixtureRun, dir = join(scratch(), 'evidence')) {
  let t = Date.parse(run.start ?? '2026-11-25T03:00:00.000Z');
  const clock = { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
  const signer = testSigner();
  const journal = JournalWriter.create(dir, signer, clock.now);
  const genesis: Record<string, unknown> = {
    tool: { name: 'drp', version: '0.1.0' },
    node: 'v20.0.0',
    command: 'contain',
    incidentId: INCIDENT,
    runbook: { name: 'deepfake-s3-leak', path: 'runbooks/deepfake-s3-leak.yaml', sha256: 'ab'.repeat(32) },
    params: { bucket: 'product-media-prod', users: ['vendor-ai'] },
    dryRun: Boolean(run.dryRun),
    caller: { arn: CALLER_ARN, accountId: '123456789012', principalArn: PRINCIPAL_ARN },
    exemptPrincipals: [PRINCIPAL_ARN],
    region: 'eu-central-1',
    evidenceBucket: 'drp-evidence-123456789012-eu-central-1',
    detectedAt: '2026-11-25T02:40:00.000Z',
    host: 'ir-laptop',
    osUser: 'alice',
    operator: 'Alice Responder',
    signer: {
      algorithm: signer.algorithm,
      publicKeyPem: signer.publicKeyPem,
      fingerprint: signer.fingerprint,
      keyRef: 'memory',
    },
    ...run.genesis,
  };
  await journal.append('genesis', JSON.parse(JSON.stringify(genesis)) as Record<string, unknown>);
  const { ctx } = testContext({ artefacts: journal.artefacts });
  const planned = await planSteps(
    run.steps.map((s) => fakeStep(s, clock)),
    () => ctx,
    silentLogger,
  );
  let outcome: string;
  if (run.dryRun || run.declined) {
    await recordPlans(planned, journal);
    outcome = run.dryRun ? 'dry-run' : 'declined';
  } else {
    outcome = runOutcome(await applySteps(planned, { journal, contextFor: () => ctx, log: silentLogger }));
  }
  for (const e of run.extra ?? []) await journal.append(e.type, e.body);
  await journal.seal({ outcome });
  return { path: journal.path, dir, signer };
}

/** A small, complete live run: snapshot (with an artefact), block public access, object lock. */
export const containedRun = (): FixtureRun => ({
  steps: [
    {
      id: 'snapshot',
      type: 's3-snapshot-config',
      changes: [{ action: 'record-config', target: 's3://product-media-prod' }],
      takesMs: 800,
      artefacts: [
        {
          name: 'bucket-config.json',
          content: '{"policy":null}\n',
          source: { uri: 's3://product-media-prod' },
        },
      ],
    },
    {
      id: 'block-public-access',
      type: 's3-block-public-access',
      changes: [
        { action: 'put-public-access-block', target: 's3://product-media-prod', detail: 'all four on' },
      ],
      takesMs: 1200,
      requestIds: ['REQ-BPA-1'],
    },
    {
      id: 'object-lock',
      type: 's3-object-lock',
      changes: [
        { action: 'put-legal-hold', target: 's3://product-media-prod', count: 312, detail: '312 versions' },
      ],
      takesMs: 45_000,
      requestIds: ['REQ-OL-1', 'REQ-OL-2'],
    },
  ],
});

/** Values a journal may carry that must not become markup: HTML, markdown syntax, ../, unicode, controls. */
export const HOSTILE = {
  bucket: 'evil"bucket<script>alert(1)</script>&|`x`',
  key: 's3://leak/../../résumé-日本/<img src=x onerror=alert(2)>.png',
  note: 'object `a|b` | <script>alert("note")</script> & [click](javascript:alert(3)) \u001b[31mred\u202eevil',
  operator: '<b onmouseover="alert(4)">ops</b>',
  incident: 'INC-<i>1</i>|`',
};

/** A run whose genesis, notes, changes and artefacts carry the HOSTILE values. */
export const hostileRun = (): FixtureRun => ({
  genesis: {
    incidentId: HOSTILE.incident,
    evidenceBucket: HOSTILE.bucket,
    operator: HOSTILE.operator,
    params: { bucket: HOSTILE.bucket },
  },
  steps: [
    {
      id: 'snapshot',
      changes: [{ action: 'record-config', target: HOSTILE.key, detail: HOSTILE.note }],
      notes: [HOSTILE.note],
      requestIds: ['REQ|`1`<x>'],
      artefacts: [
        { name: `snap ${HOSTILE.note}`, content: 'x\n', source: { uri: HOSTILE.key, versionId: '"v1"&' } },
      ],
    },
  ],
  extra: [
    {
      type: 'artefact',
      body: {
        name: 'uploaded',
        path: '../🙂/<x>.json',
        size: 2,
        sha256: '0'.repeat(64),
        location: `s3://${HOSTILE.bucket}/incidents/${HOSTILE.incident}/x`,
      },
    },
  ],
});

/** The report model of a journal file, as `drp report` builds it (unpinned, UTC). */
export async function reportModelOf(path: string, now = new Date('2026-11-25T05:00:00.000Z')) {
  const bytes = readFileSync(path);
  const verification = verifyJournal(bytes);
  return buildReportModel({
    verification,
    totalLines: bytes.toString().split('\n').filter(Boolean).length,
    pinned: false,
    artefactChecks: await checkArtefactFiles(verification.entries, dirname(path)),
    now,
    timeZone: 'UTC',
  });
}
