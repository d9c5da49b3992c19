import { describe, expect, it } from 'vitest';
import type { ControlCheck } from '../../../src/drill/checks.js';
import { CONTAINMENT_STEPS } from '../../../src/drill/scenario.js';
import {
  failedControls,
  renderScorecard,
  timesFromReport,
  type Scorecard,
} from '../../../src/drill/scorecard.js';
import { reportModelOf, writeRun, type FixtureStep } from '../../support/report-journals.js';

const control = (name: string, verified: boolean, stepId?: string): ControlCheck => ({
  control: name,
  stepId,
  verified,
  detail: `${name} detail`,
});

function card(over: Partial<Scorecard> = {}): Scorecard {
  return {
    scenario: 'deepfake-s3-leak',
    incidentId: 'DRILL-20261125-030000-ab12',
    endpoint: 'http://127.0.0.1:40001',
    controls: [
      { ...control('Block Public Access', true, 'block-public-access'), sinceStartMs: 80 },
      { ...control('Legal hold on every version', true, 'legal-holds'), sinceStartMs: 2_700 },
      { ...control('Journal verified and anchored', true), sinceStartMs: 9_100 },
    ],
    timeToContainMs: 2_800,
    sinceDetectionMs: 726_000,
    containmentGaps: [],
    seedMs: 5_900,
    containMs: 12_600,
    journal: 'drill/DRILL-20261125-030000-ab12/evidence/journal.jsonl',
    report: {
      html: 'drill/DRILL-20261125-030000-ab12/report.html',
      markdown: 'drill/DRILL-20261125-030000-ab12/report.md',
    },
    emulator: { url: 'http://127.0.0.1:40001', pid: 4242, state: 'stopped' },
    ...over,
  };
}

describe('renderScorecard', () => {
  it('says what preflight found before the seeding and after it, with the first fix, or why it gave no answer', () => {
    const text = renderScorecard(
      card({
        preflight: {
          before: {
            exitCode: 1,
            counts: { ready: 4, gap: 1, blocked: 3 },
            topFixes: [{ verdict: 'blocked', name: 'bucket media-prod', fix: 'check the bucket name' }],
          },
          after: { error: 'drp preflight gave no report: exit 2' },
        },
      }),
    );
    expect(text).toContain(
      'Preflight before seeding: 4 ready, 1 gap, 3 blocked; first fix (blocked, bucket media-prod): check the bucket name',
    );
    expect(text).toContain('Preflight after seeding: drp preflight gave no report: exit 2');
    expect(renderScorecard(card())).not.toContain('Preflight');
  });

  it('prints one line per control: name, verified, time to it, detail; then the times and where things are', () => {
    const text = renderScorecard(card());
    expect(text).toMatch(/^Block Public Access\s+verified\s+\+80 ms\s+Block Public Access detail$/m);
    expect(text).toMatch(
      /^Legal hold on every version\s+verified\s+\+2\.7 s\s+Legal hold on every version detail$/m,
    );
    expect(text).toMatch(/^Journal verified and anchored\s+verified\s+\+9\.1 s\s+/m);
    expect(text).toContain('All 3 applicable controls verified.');
    expect(text).toContain(
      "Time to contain: 2.8 s from the run's start to the last containment step's result; 12 min 06 s after detection",
    );
    expect(text).toContain('Seeding took 5.9 s; drp contain ran 12.6 s.');
    expect(text).toContain(
      'Report: drill/DRILL-20261125-030000-ab12/report.html (and drill/DRILL-20261125-030000-ab12/report.md)',
    );
    expect(text).toContain('Emulator: stopped (was http://127.0.0.1:40001)');
  });

  it('marks a control not in place NOT verified and names every failed control in the summary', () => {
    const c = card();
    c.controls[1] = { ...c.controls[1]!, verified: false, detail: '270 of 276 versions held' };
    c.controls[2] = { ...c.controls[2]!, verified: false, detail: 'anchor: differs at line 4' };
    const text = renderScorecard(c);
    expect(text).toMatch(
      /^Legal hold on every version\s+NOT verified\s+\+2\.7 s\s+270 of 276 versions held$/m,
    );
    expect(text).toContain(
      '1 of 3 applicable controls verified. NOT verified: Legal hold on every version, Journal verified and anchored.',
    );
    expect(failedControls(c)).toEqual(['Legal hold on every version', 'Journal verified and anchored']);
  });

  it('marks an SCP in the management account "no effect", not verified and not a failure', () => {
    const c = card();
    c.controls.push({
      ...control('SCP deny attached', false, 'scp-deny'),
      noEffect: true,
      detail: 'account 123456789012 is the management account',
    });
    const text = renderScorecard(c);
    expect(text).toMatch(
      /^SCP deny attached\s+no effect\s+-\s+account 123456789012 is the management account$/m,
    );
    expect(text).toContain(
      'All 3 applicable controls verified. No effect where the drill ran: SCP deny attached.',
    );
    expect(failedControls(c)).toEqual([]);
  });

  it('says when containment is incomplete or never finished, and when there is no report', () => {
    expect(renderScorecard(card({ containmentGaps: ['scp-deny'] }))).toContain('(not done: scp-deny)');
    const none = renderScorecard(
      card({ timeToContainMs: undefined, sinceDetectionMs: undefined, report: undefined }),
    );
    expect(none).toContain('Time to contain: not contained');
    expect(none).toContain('Report: not written (no journal to report on)');
  });

  it('tells how to stop an emulator left running with --keep, and leaves an external one alone', () => {
    expect(
      renderScorecard(
        card({ emulator: { url: 'http://127.0.0.1:40001', pid: 4242, state: 'left running' } }),
      ),
    ).toContain('Emulator: left running at http://127.0.0.1:40001 (pid 4242): stop it with `kill 4242`');
    expect(
      renderScorecard(card({ emulator: { url: 'http://localhost:4566', state: 'external' } })),
    ).toContain('Emulator: http://localhost:4566 (yours: left as it is)');
  });
});

describe('timesFromReport', () => {
  const steps = (overrides: Record<string, Partial<FixtureStep>> = {}): FixtureStep[] =>
    [...CONTAINMENT_STEPS, 'evidence-bucket'].map((id) => ({ id, takesMs: 1_000, ...overrides[id] }));

  it("takes each control's time from its step's result, and time to contain from the last containment step", async () => {
    const { path } = await writeRun({ steps: steps({ 'legal-holds': { takesMs: 5_000 } }) });
    const model = await reportModelOf(path);
    const times = timesFromReport(model, [
      control('Block Public Access', true, 'block-public-access'),
      control('Legal hold on every version', true, 'legal-holds'),
      control('Evidence bucket Object-Locked', true, 'evidence-bucket'),
      control('Journal verified and anchored', true),
    ]);
    const since = (id: string) => model.steps.find((s) => s.stepId === id)!.sinceStartMs;
    expect(times.controls.map((c) => c.sinceStartMs)).toEqual([
      since('block-public-access'),
      since('legal-holds'),
      since('evidence-bucket'),
      Date.parse(model.journal.lastTime!) - Date.parse(model.journal.firstTime!),
    ]);
    // Eighteen containment steps (the bucket's isolation, the identities' three, the edge's four, the
    // other surfaces' three, then the two locks) of 1 s each, the legal holds (last) 5 s: the last
    // result is 22 s after the genesis.
    expect(times.timeToContainMs).toBe(22_000);
    expect(times.timeToContainMs).toBe(since('legal-holds'));
    // The fixture journal was detected at 02:40 and started at 03:00.
    expect(times.sinceDetectionMs).toBe(20 * 60_000 + 22_000);
    expect(times.containmentGaps).toEqual([]);
  });

  it('lists containment steps that failed as gaps', async () => {
    const { path } = await writeRun({
      steps: steps({ 'scp-deny': { fails: { error: new Error('AccessDenied') }, onError: 'continue' } }),
    });
    const times = timesFromReport(await reportModelOf(path), []);
    expect(times.containmentGaps).toEqual(['scp-deny']);
  });
});
