import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { UserError } from '../../../src/errors.js';
import { verifyJournal } from '../../../src/journal/verify.js';
import { JournalWriter } from '../../../src/journal/writer.js';
import { silentLogger } from '../../../src/log.js';
import { applySteps, planSteps, recordPlans, type PreparedStep } from '../../../src/runbook/execute.js';
import { defineStep, StepFailure } from '../../../src/steps/define.js';
import { scratch } from '../../support/drp.js';
import { testSigner } from '../../support/journal.js';
import { testContext } from '../../support/step-context.js';

/** A step that records each phase in `calls`, and fails where told to. */
function fakeStep(
  id: string,
  calls: string[],
  behaviour: { planFails?: Error; applyFails?: Error; nothing?: boolean; notApplicable?: string } = {},
  onError: 'stop' | 'continue' = 'stop',
): PreparedStep {
  const definition = defineStep({
    type: 'fake',
    summary: 'a fake step for executor tests',
    params: z.object({}).strict(),
    permissions: ['s3:GetObject'],
    example: {},
    async plan() {
      calls.push(`plan ${id}`);
      if (behaviour.planFails) throw behaviour.planFails;
      if (behaviour.notApplicable)
        return { observed: { id }, changes: [], notApplicable: behaviour.notApplicable };
      return { observed: { id }, changes: behaviour.nothing ? [] : [{ action: 'do', target: id }] };
    },
    async apply(_ctx, _p, plan) {
      calls.push(`apply ${id}`);
      if (behaviour.applyFails) throw behaviour.applyFails;
      return { changes: plan.changes, requestIds: [`req-${id}`] };
    },
  });
  return { id, type: 'fake', onError, definition, params: {} };
}

async function run(steps: PreparedStep[]) {
  const signer = testSigner();
  const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
  await journal.append('genesis', { signer: { publicKeyPem: signer.publicKeyPem } });
  const { ctx } = testContext();
  const planned = await planSteps(steps, () => ctx, silentLogger);
  const reports = await applySteps(planned, { journal, contextFor: () => ctx, log: silentLogger });
  await journal.seal();
  const entries = verifyJournal(readFileSync(journal.path)).entries;
  return { reports, entries, journal };
}

const kinds = (entries: { type: string; stepId?: unknown; outcome?: unknown }[]) =>
  entries.map((e) => [e.type, e.stepId, e.outcome].filter(Boolean).join(' '));

describe('executor', () => {
  it('plans every step first, then applies in order, journaling intent before and result after each', async () => {
    const calls: string[] = [];
    const { reports, entries } = await run([
      fakeStep('a', calls),
      fakeStep('b', calls, { nothing: true }),
      fakeStep('c', calls),
    ]);
    expect(calls).toEqual(['plan a', 'plan b', 'plan c', 'apply a', 'apply c']);
    expect(reports.map((r) => r.outcome)).toEqual(['applied', 'nothing-to-do', 'applied']);
    expect(kinds(entries)).toEqual([
      'genesis',
      'intent a',
      'result a applied',
      'intent b',
      'result b nothing-to-do',
      'intent c',
      'result c applied',
      'seal',
    ]);
    expect(entries[2]).toMatchObject({ requestIds: ['req-a'], changes: [{ action: 'do', target: 'a' }] });
  });

  it('journals a step that cannot apply here as not-applicable with its reason: not a failure, never applied', async () => {
    const calls: string[] = [];
    const reason = 'this account is not in an AWS organization';
    const { reports, entries } = await run([
      fakeStep('scp', calls, { notApplicable: reason }),
      fakeStep('b', calls),
    ]);
    expect(calls).toEqual(['plan scp', 'plan b', 'apply b']);
    expect(reports.map((r) => [r.outcome, r.reason])).toEqual([
      ['not-applicable', reason],
      ['applied', undefined],
    ]);
    expect(kinds(entries)).toContain('result scp not-applicable');
    expect(entries.find((e) => e.outcome === 'not-applicable')).toMatchObject({ reason });
  });

  it('stops after a failed step with onError: stop, and journals the rest as skipped with the reason', async () => {
    const calls: string[] = [];
    const { reports, entries } = await run([
      fakeStep('a', calls, { applyFails: new Error('AccessDenied') }),
      fakeStep('b', calls),
    ]);
    expect(calls).toEqual(['plan a', 'plan b', 'apply a']);
    expect(reports.map((r) => r.outcome)).toEqual(['failed', 'skipped']);
    expect(reports[0]!.error?.text).toMatch(/AccessDenied/);
    expect(entries.at(-2)).toMatchObject({
      type: 'result',
      stepId: 'b',
      outcome: 'skipped',
      reason: 'step "a" failed and has onError: stop',
    });
  });

  it('goes on after a failed step with onError: continue', async () => {
    const calls: string[] = [];
    const { reports } = await run([
      fakeStep('a', calls, { applyFails: new Error('x') }, 'continue'),
      fakeStep('b', calls),
    ]);
    expect(reports.map((r) => r.outcome)).toEqual(['failed', 'applied']);
  });

  it('fails a step whose plan failed when its turn comes, after the steps before it ran', async () => {
    const calls: string[] = [];
    const { reports } = await run([
      fakeStep('a', calls),
      fakeStep('b', calls, { planFails: new Error('throttled') }),
      fakeStep('c', calls),
    ]);
    expect(calls).toEqual(['plan a', 'plan b', 'plan c', 'apply a']);
    expect(reports.map((r) => r.outcome)).toEqual(['applied', 'failed', 'skipped']);
  });

  it('ends the run on a user error at plan time, before any apply', async () => {
    const calls: string[] = [];
    const { ctx } = testContext();
    await expect(
      planSteps(
        [
          fakeStep('a', calls),
          fakeStep('b', calls, { planFails: new UserError('bucket "x" does not exist') }),
        ],
        () => ctx,
        silentLogger,
      ),
    ).rejects.toThrow(UserError);
    expect(calls).toEqual(['plan a', 'plan b']);
  });

  it('plans the steps at once: a slow plan does not hold the next one back, and the plans keep step order', async () => {
    const calls: string[] = [];
    const { ctx } = testContext();
    let bStarted!: () => void;
    const started = new Promise<void>((resolve) => (bStarted = resolve));
    const a = fakeStep('a', calls);
    const slowPlan = a.definition.plan;
    // a's plan finishes only once b's has started: one plan after the other would never end.
    a.definition = { ...a.definition, plan: async (c, p) => (await started, slowPlan(c, p)) };
    const b = fakeStep('b', calls);
    const bPlan = b.definition.plan;
    b.definition = { ...b.definition, plan: (c, p) => (bStarted(), bPlan(c, p)) };
    const planned = await planSteps([a, b], () => ctx, silentLogger);
    expect(planned.map((s) => s.plan?.observed)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(calls).toEqual(['plan b', 'plan a']);
  });

  it('of several user errors at plan time, ends the run on the first in step order', async () => {
    const { ctx } = testContext();
    const calls: string[] = [];
    const first = new UserError('bucket "a" does not exist');
    const a = fakeStep('a', calls, { planFails: first });
    const aPlan = a.definition.plan;
    // a fails last in time, yet first in the runbook: its message is the one the operator gets.
    a.definition = {
      ...a.definition,
      plan: async (c, p) => (await new Promise((r) => setTimeout(r, 20)), aPlan(c, p)),
    };
    const b = fakeStep('b', calls, { planFails: new UserError('bucket "b" does not exist') });
    await expect(planSteps([a, b], () => ctx, silentLogger)).rejects.toBe(first);
  });

  it('records what a step did before it failed part-way', async () => {
    const calls: string[] = [];
    const partial = new StepFailure(
      { changes: [{ action: 'put-legal-hold', target: 's3://b', count: 990 }], requestIds: [] },
      { cause: new Error('SlowDown') },
    );
    const { reports, entries } = await run([fakeStep('a', calls, { applyFails: partial })]);
    expect(reports[0]).toMatchObject({
      outcome: 'failed',
      changes: [{ count: 990 }],
      error: { text: 'SlowDown' },
    });
    expect(entries.find((e) => e.type === 'result')).toMatchObject({
      outcome: 'failed',
      changes: [{ count: 990 }],
    });
  });

  it("gives each step what the steps before it did (ctx.results): a partial failure's data, not a dead step", async () => {
    const seen: Record<string, string[]> = {};
    type Behaviour = { data?: unknown; fails?: 'partial' | 'dead'; nothing?: boolean };
    const step = (id: string, behaviour: Behaviour = {}) => {
      const prepared = fakeStep(id, [], behaviour.nothing ? { nothing: true } : {}, 'continue');
      const definition = { ...prepared.definition };
      definition.apply = async (ctx, _p, plan) => {
        seen[id] = [...ctx.results.keys()];
        if (behaviour.fails === 'partial')
          throw new StepFailure(
            { changes: [], requestIds: [], data: { partial: true } },
            { cause: new Error('x') },
          );
        if (behaviour.fails === 'dead') throw new Error('endpoint unreachable');
        return { changes: plan.changes, requestIds: [], data: behaviour.data };
      };
      return { ...prepared, definition };
    };
    const { reports } = await run([
      step('scan', { data: { findings: 3 } }),
      step('idle', { nothing: true }),
      step('dead', { fails: 'dead' }),
      step('broken', { fails: 'partial' }),
      step('quarantine'),
    ]);
    expect(seen).toEqual({
      scan: [],
      dead: ['scan', 'idle'],
      broken: ['scan', 'idle'],
      quarantine: ['scan', 'idle', 'broken'],
    });
    expect(reports[0]).toMatchObject({ data: { findings: 3 } });
    expect(reports[3]).toMatchObject({ outcome: 'failed', data: { partial: true } });
  });

  it('keeps the notes of a step that failed part-way, in the report and the journal', async () => {
    const partial = new StepFailure(
      { changes: [], requestIds: [], notes: ['stopped after 5 of 9 images'] },
      { cause: new Error('AccessDeniedException') },
    );
    const { reports, entries } = await run([fakeStep('a', [], { applyFails: partial })]);
    expect(reports[0]!.notes).toEqual(['stopped after 5 of 9 images']);
    expect(entries.find((e) => e.type === 'result')).toMatchObject({
      notes: ['stopped after 5 of 9 images'],
    });
  });

  it('journals plans without applying anything for a dry-run', async () => {
    const calls: string[] = [];
    const signer = testSigner();
    const journal = JournalWriter.create(join(scratch(), 'ev'), signer);
    const { ctx } = testContext();
    const planned = await planSteps([fakeStep('a', calls)], () => ctx, silentLogger);
    const reports = await recordPlans(planned, journal);
    expect(calls).toEqual(['plan a']);
    expect(reports[0]).toMatchObject({ outcome: 'planned', changes: [{ action: 'do', target: 'a' }] });
    journal.close();
  });

  it('journals an apply that finds the step cannot apply here as not-applicable with its reason, not nothing-to-do', async () => {
    const step = fakeStep('lookups', []);
    step.definition = {
      ...step.definition,
      apply: async () => ({ changes: [], requestIds: [], notApplicable: 'the endpoint has no LookupEvents' }),
    };
    const { reports, entries } = await run([step]);
    expect(reports[0]).toMatchObject({
      outcome: 'not-applicable',
      reason: 'the endpoint has no LookupEvents',
    });
    expect(entries.find((e) => e.type === 'result')).toMatchObject({
      outcome: 'not-applicable',
      reason: 'the endpoint has no LookupEvents',
    });
  });
});
