import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Interrupted } from '../../../src/errors.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { silentLogger } from '../../../src/log.js';
import { applySteps, planSteps, runOutcome, type PreparedStep } from '../../../src/runbook/execute.js';
import { defineStep, StepFailure, type StepContext } from '../../../src/steps/define.js';
import { forEachPaged } from '../../../src/steps/lib/paged-pool.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';
import { testContext } from '../../support/step-context.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A step that works through 100 items 4 at a time through forEachPaged, as the legal holds do,
 * and calls `onItem` after each; it throws StepFailure with how many it did when stopped.
 */
function loopStep(id: string, onItem: (done: number) => void = () => {}): PreparedStep {
  const definition = defineStep({
    type: 'loop',
    summary: 'a per-item step for interrupt tests',
    params: z.object({}).strict(),
    permissions: ['s3:PutObjectLegalHold'],
    example: {},
    plan: async () => ({ observed: {}, changes: [{ action: 'hold', target: id, count: 100 }] }),
    async apply(ctx: StepContext) {
      let done = 0;
      async function* pages() {
        for (let p = 0; p < 10; p++) yield Array.from({ length: 10 }, (_, i) => p * 10 + i);
      }
      const partial = () => ({
        changes: [{ action: 'hold', target: id, detail: `${done} of 100`, count: done }],
        requestIds: [],
        data: { done, manifest: { path: `artefacts/${id}.jsonl` } },
      });
      try {
        await forEachPaged(
          pages(),
          4,
          async () => {
            await tick();
            done++;
            onItem(done);
          },
          { signal: ctx.signal },
        );
      } catch (err) {
        throw new StepFailure(partial(), { cause: err });
      }
      return partial();
    },
  });
  return { id, type: 'loop', onError: 'stop', definition, params: {} };
}

async function runWith(steps: PreparedStep[], controller: AbortController) {
  const signer = testSigner();
  const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
  await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
  const { ctx } = testContext({ signal: controller.signal });
  const planned = await planSteps(steps, () => ctx, silentLogger);
  const reports = await applySteps(planned, {
    journal,
    contextFor: () => ctx,
    log: silentLogger,
    signal: controller.signal,
  });
  const outcome = runOutcome(reports);
  await journal.seal({ outcome });
  return { reports, outcome, journal, verification: verifyJournal(readFileSync(journal.path)) };
}

describe('an interrupted run (Ctrl-C during apply)', () => {
  it('lets the cut step record what it did, journals one interrupted entry and no result for it or the steps after', async () => {
    const controller = new AbortController();
    const { reports, outcome, verification } = await runWith(
      [
        loopStep('first'),
        loopStep('holds', (done) => done === 10 && controller.abort(new Interrupted('SIGINT'))),
        loopStep('evidence'),
      ],
      controller,
    );
    expect(outcome).toBe('interrupted');
    expect(reports.map((r) => [r.id, r.outcome])).toEqual([
      ['first', 'applied'],
      ['holds', 'interrupted'],
      ['evidence', 'not-run'],
    ]);
    // The calls in flight at the interrupt finished and were counted: never fewer than 10.
    const done = (reports[1]!.data as { done: number }).done;
    expect(done).toBeGreaterThanOrEqual(10);
    expect(done).toBeLessThan(100);
    expect(reports[1]!.error).toBeUndefined();

    const types = verification.entries.map((e) => `${e.type}${e.stepId ? ` ${String(e.stepId)}` : ''}`);
    expect(types).toEqual([
      'genesis',
      'intent first',
      'result first',
      'intent holds',
      'interrupted holds',
      'seal',
    ]);
    const entry = verification.entries[4]!;
    expect(entry).toMatchObject({
      signal: 'SIGINT',
      stepType: 'loop',
      changes: [{ action: 'hold', target: 'holds', detail: `${done} of 100`, count: done }],
      data: { done, manifest: { path: 'artefacts/holds.jsonl' } },
      notRun: ['evidence'],
    });
    expect(verification).toMatchObject({ ok: true, sealed: true, stoppedByInterrupt: true });
  });

  it('stops between steps when the step running ignores the signal: it finishes, no later step starts', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const ignoring = (id: string): PreparedStep => ({
      id,
      type: 'fake',
      onError: 'stop',
      params: {},
      definition: defineStep({
        type: 'fake',
        summary: 'ignores the signal',
        params: z.object({}).strict(),
        permissions: ['s3:GetObject'],
        example: {},
        plan: async () => ({ observed: {}, changes: [{ action: 'do', target: id }] }),
        async apply(_ctx, _p, plan) {
          calls.push(id);
          if (id === 'a') controller.abort(new Interrupted('SIGTERM'));
          return { changes: plan.changes, requestIds: [] };
        },
      }),
    });
    const { reports, verification } = await runWith(
      [ignoring('a'), ignoring('b'), ignoring('c')],
      controller,
    );
    expect(calls).toEqual(['a']);
    expect(reports.map((r) => r.outcome)).toEqual(['applied', 'not-run', 'not-run']);
    const interrupted = verification.entries.find((e) => e.type === 'interrupted')!;
    expect(interrupted).toMatchObject({ signal: 'SIGTERM', notRun: ['b', 'c'] });
    expect(interrupted.stepId).toBeUndefined();
  });

  it('an interrupt after the last step is no interrupt: the run completed', async () => {
    const controller = new AbortController();
    const { outcome, verification } = await runWith(
      [loopStep('only', (done) => done === 100 && controller.abort(new Interrupted('SIGINT')))],
      controller,
    );
    expect(outcome).toBe('completed');
    expect(verification.entries.some((e) => e.type === 'interrupted')).toBe(false);
  });
});
