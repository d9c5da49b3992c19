import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireIncidentLock, INCIDENT_LOCK, incidentDir } from '../../../src/journal/lock.js';
import { scratch } from '../../support/drp.js';

/** The pid of a process that has exited: a lock it left behind is stale. */
const deadPid = () =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();

describe('the incident lock: one run of an incident at a time', () => {
  it('puts the lock of evidence/<id>/ and of its run-N/ dirs in evidence/<id>/; any other dir is its own', () => {
    expect(incidentDir('evidence/INC-1', 'INC-1')).toBe('evidence/INC-1');
    expect(incidentDir('evidence/INC-1/run-3', 'INC-1')).toBe('evidence/INC-1');
    expect(incidentDir('/cases/ev', 'INC-1')).toBe('/cases/ev');
    expect(incidentDir('evidence/INC-2/run-3', 'INC-1')).toBe('evidence/INC-2/run-3');
  });

  it('refuses a second run of the incident, naming the holder, while the first holds it', () => {
    const base = join(scratch(), 'evidence', 'INC-1');
    const release = acquireIncidentLock(base, 'INC-1');
    expect(() => acquireIncidentLock(join(base, 'run-2'), 'INC-1')).toThrow(
      new RegExp(`incident INC-1 is already being run by drp \\(pid ${process.pid} on .+\\) in ${base}`),
    );
    expect(() => acquireIncidentLock(base, 'INC-1')).toThrow(
      /a second run of it at the same time is refused/,
    );
    release();
    expect(existsSync(join(base, INCIDENT_LOCK))).toBe(false);
    acquireIncidentLock(join(base, 'run-2'), 'INC-1')();
  });

  it('lets two incidents run at once', () => {
    const evidence = join(scratch(), 'evidence');
    const first = acquireIncidentLock(join(evidence, 'INC-1'), 'INC-1');
    const second = acquireIncidentLock(join(evidence, 'INC-2'), 'INC-2');
    first();
    second();
  });

  it('takes over a lock left by a process that died (kill -9), so resume can go on', () => {
    const dir = join(scratch(), 'evidence', 'INC-1');
    mkdirSync(dir, { recursive: true });
    const stale = { pid: Number(deadPid()), host: hostname(), since: '2026-11-25T03:00:00.000Z' };
    writeFileSync(join(dir, INCIDENT_LOCK), JSON.stringify(stale));
    const release = acquireIncidentLock(dir, 'INC-1');
    release();
  });

  it('keeps a lock held on another host: it cannot know whether that process lives', () => {
    const dir = join(scratch(), 'evidence', 'INC-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, INCIDENT_LOCK), JSON.stringify({ pid: 1, host: 'laptop-7', since: 'x' }));
    expect(() => acquireIncidentLock(dir, 'INC-1')).toThrow(
      /drp \(pid 1 on laptop-7, since x\).*remove .*incident\.lock/,
    );
  });
});
