import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkIncidentId, defaultEvidenceDir, newIncidentId } from '../../../src/runbook/session.js';
import { scratch } from '../../support/drp.js';

describe('incident ids', () => {
  it('are generated as INC-<UTC date>-<time>-<4 hex>', () => {
    expect(newIncidentId(new Date('2026-11-25T18:30:00Z'))).toMatch(/^INC-20261125-183000-[0-9a-f]{4}$/);
  });

  it.each(['', '-x', 'a b', 'x/../y', 'a'.repeat(65)])('refuses %j naming --incident', (id) => {
    expect(() => checkIncidentId(id)).toThrow(/--incident/);
  });
});

describe('defaultEvidenceDir', () => {
  const cwd = process.cwd();
  beforeEach(() => process.chdir(scratch()));
  afterEach(() => process.chdir(cwd));

  it('gives a re-run of the same incident its own run-N directory inside the incident', () => {
    expect(defaultEvidenceDir('INC-1')).toBe(join('evidence', 'INC-1'));
    mkdirSync(join('evidence', 'INC-1'), { recursive: true });
    writeFileSync(join('evidence', 'INC-1', 'journal.jsonl'), '');
    expect(defaultEvidenceDir('INC-1')).toBe(join('evidence', 'INC-1', 'run-2'));
    mkdirSync(join('evidence', 'INC-1', 'run-2'));
    writeFileSync(join('evidence', 'INC-1', 'run-2', 'journal.jsonl'), '');
    expect(defaultEvidenceDir('INC-1')).toBe(join('evidence', 'INC-1', 'run-3'));
  });
});
