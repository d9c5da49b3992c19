import { readdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRunbooks, loadRunbook } from '../../../src/runbook/load.js';
import { registry } from '../../../src/steps/index.js';

const stepsDir = resolve(import.meta.dirname, '../../../src/steps');
const IAM_ACTION = /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/;

describe('step registry', () => {
  it('registers every step file exactly once, under its file name', () => {
    const stepFiles = readdirSync(stepsDir)
      .filter(
        (f) =>
          f.endsWith('.ts') &&
          readFileSync(resolve(stepsDir, f), 'utf8').includes('export default defineStep('),
      )
      .map((f) => basename(f, '.ts'));
    expect(registry.map((s) => s.type).sort()).toEqual(stepFiles.sort());
  });

  for (const step of registry) {
    describe(step.type, () => {
      it('has a summary and well-formed, non-empty IAM permissions', () => {
        expect(step.summary.length).toBeGreaterThan(20);
        expect(step.permissions.length).toBeGreaterThan(0);
        for (const p of step.permissions) expect(p).toMatch(IAM_ACTION);
      });

      it('runs without any delete: deletes are restore permissions only, and well-formed', () => {
        expect(step.permissions.filter((p) => /:Delete/.test(p))).toEqual([]);
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
