import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDENTITIES } from '../../../src/identities.js';
import { bundledRunbooks, loadRunbook } from '../../../src/runbook/load.js';
import { actionsByIdentity, type AnyStep } from '../../../src/steps/define.js';
import { registry } from '../../../src/steps/index.js';

const stepsDir = resolve(import.meta.dirname, '../../../src/steps');
const IAM_ACTION = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;

describe('step registry', () => {
  // src/steps holds steps and nothing else: <type>.ts, <type>.restore.ts, define.ts, index.ts, and
  // lib/ for what they share. A helper at the top, or a step file missing from index.ts, fails here.
  const entries = readdirSync(stepsDir, { withFileTypes: true });
  const stepFiles = entries
    .filter(
      (e) => e.isFile() && !['define.ts', 'index.ts'].includes(e.name) && !e.name.endsWith('.restore.ts'),
    )
    .map((e) => e.name);

  it('holds only step files, their restores, define.ts, index.ts and lib/', () => {
    expect(entries.filter((e) => e.isDirectory()).map((e) => e.name)).toEqual(['lib']);
    expect(stepFiles.every((f) => f.endsWith('.ts'))).toBe(true);
    for (const f of stepFiles)
      expect(readFileSync(resolve(stepsDir, f), 'utf8'), f).toContain('export default defineStep(');
  });

  it('registers every step file exactly once, each type named as its file', async () => {
    for (const f of stepFiles) {
      const step = (await import(resolve(stepsDir, f))) as { default: AnyStep };
      expect(step.default.type, f).toBe(basename(f, '.ts'));
      expect(registry, f).toContain(step.default);
    }
    expect(new Set(registry.map((s) => s.type)).size).toBe(registry.length);
    expect(registry.length).toBe(stepFiles.length);
  });

  it("attaches every <type>.restore.ts to its step's restore", () => {
    const restores = entries
      .filter((e) => e.name.endsWith('.restore.ts'))
      .map((e) => basename(e.name, '.restore.ts'));
    expect(restores.sort()).toEqual(
      registry
        .filter((s) => s.restore && restores.includes(s.type))
        .map((s) => s.type)
        .sort(),
    );
  });

  for (const step of registry) {
    describe(step.type, () => {
      it('has a summary and well-formed, non-empty IAM permissions, for each identity it acts through', () => {
        expect(step.summary.length).toBeGreaterThan(20);
        expect(step.permissions.length).toBeGreaterThan(0);
        for (const p of step.permissions) expect(p).toMatch(IAM_ACTION);
        expect(IDENTITIES).toContain(step.identity ?? 'target');
        for (const [identity, actions] of Object.entries(step.alsoActsAs ?? {})) {
          expect(IDENTITIES).toContain(identity);
          expect(actions.length, identity).toBeGreaterThan(0);
          for (const p of actions) expect(p).toMatch(IAM_ACTION);
        }
      });

      it('runs without any delete: deletes are restore permissions only, and well-formed', () => {
        const actions = [...actionsByIdentity(step).values()].flat();
        expect(actions.filter((p) => /:Delete/.test(p))).toEqual([]);
        for (const p of step.restore?.permissions ?? []) expect(p).toMatch(IAM_ACTION);
        if (step.restore) expect(step.restore.permissions.length).toBeGreaterThan(0);
      });

      it('accepts its own example', () => {
        expect(step.params.safeParse(step.example).success).toBe(true);
      });

      it('rejects an unknown field', () => {
        expect(step.params.safeParse({ ...step.example, notAField: 1 }).success).toBe(false);
      });
    });
  }

  it.each(bundledRunbooks())('bundled runbook %s validates', (name) => {
    expect(loadRunbook(name).runbook.name).toBe(name);
  });
});
