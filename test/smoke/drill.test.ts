import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Scorecard } from '../../src/drill/scorecard.js';
import { drpEnv, runDrp, scratch, type DrpResult } from '../support/drp.js';

/**
 * `drp drill` end to end through the built binary, as `npm run drill` runs it: it starts its own
 * moto_server (not the suite's emulator) on a free port, and must stop it. In the LocalStack CI
 * job (no moto there) it runs against that endpoint with --endpoint-url instead.
 */
const external = process.env.DRP_SMOKE_ENDPOINT ? inject('motoUrl') : undefined;

describe('drp drill', () => {
  const cwd = scratch('drp-drill-');
  let out: DrpResult;
  let card: Scorecard & { failed: string[] };

  beforeAll(async () => {
    const endpoint = external ? ['--endpoint-url', external] : [];
    out = await runDrp(['--output', 'json', ...endpoint, 'drill'], { cwd, timeoutMs: 170_000 });
    card = JSON.parse(out.stdout) as typeof card;
  }, 180_000);

  it('exits 0 with every applicable control verified from the outside; the SCP has no effect in the management account', () => {
    expect(out.code, out.stderr).toBe(0);
    expect(card.failed).toEqual([]);
    expect(card.controls.find((c) => c.control === 'SCP deny attached')).toMatchObject({
      verified: false,
      noEffect: true,
    });
    expect(card.controls.filter((c) => !c.noEffect).map((c) => [c.control, c.verified])).toEqual(
      [
        'Block Public Access',
        'Vendor access keys inactive',
        'Role sessions revoked',
        'Bucket policy deny',
        'Lambda function throttled',
        'API stage throttled',
        'CDN cache invalidated',
        'Object Lock default retention',
        'Legal hold on every version',
        'Evidence bucket Object-Locked',
        'Bucket state preserved',
        'CloudTrail logs preserved',
        'Access logs preserved',
        'Journal verified and anchored',
      ].map((control) => [control, true]),
    );
    expect(card.controls.find((c) => c.control === 'Legal hold on every version')?.detail).toMatch(
      /^276 of 276 versions held \(seeded 276; 2 delete markers/,
    );
  });

  it('runs preflight before the seeding (the bucket is not there yet: blocked) and after it (nothing blocked)', () => {
    const { before, after } = card.preflight!;
    if ('error' in before || 'error' in after) throw new Error(JSON.stringify(card.preflight));
    expect(before.exitCode).toBe(1);
    expect(before.counts.blocked).toBeGreaterThan(0);
    expect(before.topFixes[0]?.verdict).toBe('blocked');
    expect(after.exitCode).toBe(0);
    expect(after.counts.blocked).toBe(0);
    expect(after.counts.ready).toBeGreaterThan(before.counts.ready);
  });

  it('times each control and containment from the journal', () => {
    for (const c of card.controls) expect(c.sinceStartMs, c.control).toBeGreaterThanOrEqual(0);
    expect(card.timeToContainMs).toBeGreaterThan(0);
    // The journal's own order: isolation (the bucket's, then the edge's), then the locks, then the
    // evidence. Time to contain ends with the last containment step, the legal holds.
    const time = (control: string) => card.controls.find((c) => c.control === control)!.sinceStartMs!;
    expect(time('Legal hold on every version')).toBe(card.timeToContainMs);
    expect(time('Bucket policy deny')).toBeLessThan(time('Legal hold on every version'));
    expect(time('SCP deny attached')).toBeLessThanOrEqual(time('Lambda function throttled'));
    expect(time('CDN cache invalidated')).toBeLessThan(time('Legal hold on every version'));
    expect(time('Evidence bucket Object-Locked')).toBeGreaterThanOrEqual(card.timeToContainMs!);
    // --detected-at was 12 minutes before the run.
    expect(card.sinceDetectionMs! - card.timeToContainMs!).toBeGreaterThan(11 * 60_000);
  });

  it('shows drp contain working, then the score card (on stderr under --output json)', () => {
    expect(out.stderr).toMatch(/\$ drp --endpoint-url http:\/\/\S+ --incident DRILL-/);
    expect(out.stderr).toMatch(/^ {4}scp-deny\s+not-applicable/m);
    expect(out.stderr).toMatch(
      /^ {4}CONTAINED: every applicable control is in place \(not applicable here: scp-deny[,)]/m,
    );
    // The score card itself is stdout's (JSON here: the first test reads it); its text rendering
    // of "no effect" is test/unit/drill/scorecard.test.ts's.
    expect(out.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('writes the report (HTML and markdown) and the journal under ./drill/<incident>/', () => {
    const dir = join(cwd, 'drill', card.incidentId);
    expect(card.report).toEqual({
      html: join('drill', card.incidentId, 'report.html'),
      markdown: join('drill', card.incidentId, 'report.md'),
    });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain(card.incidentId);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(
      /\| `scp-deny` \| `org-scp-deny` \| \*\*not applicable\*\*/,
    );
    expect(existsSync(join(dir, 'evidence', 'journal.jsonl'))).toBe(true);
    expect(readdirSync(join(dir, 'key')).sort()).toEqual(['signing-key.pem', 'signing-key.pub.pem']);
  });

  it.skipIf(external)('stops the emulator it started', () => {
    expect(card.emulator.state).toBe('stopped');
    expect(() => process.kill(card.emulator.pid!, 0)).toThrow(/ESRCH/);
  });

  it('without moto, says what to install and exits 2 before creating anything', async () => {
    const dir = scratch('drp-drill-nomoto-');
    const none = await runDrp(['drill'], {
      cwd: dir,
      env: drpEnv({ DRP_MOTO_PYTHON: join(dir, 'no-python') }),
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("pip install 'moto[server]'");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.skipIf(Boolean(external))('drp drill --accounts multi', () => {
  it('contains the leak across an organization of four accounts, a role in each, every control verified', async () => {
    const cwd = scratch('drp-drill-multi-');
    const out = await runDrp(['--output', 'json', 'drill', '--accounts', 'multi'], {
      cwd,
      timeoutMs: 170_000,
    });
    expect(out.code, out.stderr).toBe(0);
    const card = JSON.parse(out.stdout) as Scorecard & { failed: string[] };
    expect(card.failed).toEqual([]);
    // The bucket's controls, the edge's three (seeded in the workload account) and the evidence.
    expect(card.controls).toHaveLength(15);
    // The SCP is on the workload account, from the management account (the drill's own, 123456789012).
    const scp = card.controls.find((c) => c.control === 'SCP deny attached')!.detail;
    const workload = /attached to (\d{12})/.exec(scp)![1];
    expect(workload).not.toBe('123456789012');
    // The evidence bucket is the forensics account's, and the deny exempts the workload's role.
    const evidence = card.controls.find((c) => c.control === 'Evidence bucket Object-Locked')!.detail;
    expect(evidence).toMatch(/^drp-evidence-(\d{12})-us-east-1/);
    expect(evidence).not.toMatch(new RegExp(`drp-evidence-(123456789012|${workload})-`));
    expect(card.controls.find((c) => c.control === 'Bucket policy deny')!.detail).toMatch(
      new RegExp(`exempts arn:aws:iam::${workload}:role/ir/drp-target-`),
    );
    expect(out.stderr).toMatch(/Seeding the incident across accounts/);
  }, 180_000);
});
