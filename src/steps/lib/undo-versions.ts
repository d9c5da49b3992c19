import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ArtefactRef } from '../../journal/entry.js';
import { StepFailure, type StepContext } from '../define.js';
import { lineWriter } from './artefact-lines.js';
import { forEachPaged } from './paged-pool.js';

/**
 * Per-version undo work for `drp restore --release-holds`: the versions come from a manifest the
 * run journaled (never from a listing, so only what drp did is undone), streamed page by page.
 */

export interface VersionRef {
  key: string;
  versionId: string;
}

/** The lines of a JSONL artefact that `pick` keeps, `pageSize` at a time: memory stays flat. */
export async function* jsonlPages<T>(
  path: string,
  pick: (line: Record<string, unknown>) => T | undefined,
  pageSize = 1000,
): AsyncIterable<T[]> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let page: T[] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${n}: not a JSON line`);
    }
    const item = value && typeof value === 'object' ? pick(value as Record<string, unknown>) : undefined;
    if (item !== undefined) page.push(item);
    if (page.length >= pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

export const isVersionRef = (line: Record<string, unknown>) =>
  typeof line.key === 'string' && typeof line.versionId === 'string';

export async function countPicked<T>(pages: AsyncIterable<T[]>): Promise<number> {
  let n = 0;
  for await (const page of pages) n += page.length;
  return n;
}

export interface UndoCounts {
  /** Versions whose undo was done. */
  done: number;
  /** Versions deleted since the run: nothing to undo there. */
  gone: number;
  /** A sample of the request ids; every one is in the log artefact. */
  requestIds: string[];
}

export interface UndoResult extends UndoCounts {
  log: ArtefactRef;
}

const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);
const REQUEST_ID_SAMPLE = 10;

/**
 * Runs `work` on every version, `ctx.settings.concurrency` at a time, with a progress bar, writing
 * one JSON line per version (what was done, its request ids) to the artefact `logName` of the
 * restore journal. Stops at the first failure, throwing a StepFailure with what was done before it.
 */
export async function undoEach<T extends VersionRef>(
  ctx: StepContext,
  opts: { label: string; logName: string; total: number },
  versions: AsyncIterable<T[]>,
  work: (version: T) => Promise<{ requestIds: string[]; record: object }>,
): Promise<UndoResult> {
  const counts: UndoCounts = { done: 0, gone: 0, requestIds: [] };
  const log = lineWriter(ctx.artefacts.stream(opts.logName));
  const bar = ctx.progress.start(opts.label, opts.total);
  const one = async (version: T) => {
    const base = { key: version.key, versionId: version.versionId };
    try {
      const { requestIds, record } = await work(version);
      counts.done++;
      for (const id of requestIds)
        if (counts.requestIds.length < REQUEST_ID_SAMPLE) counts.requestIds.push(id);
      log.add(JSON.stringify({ ...base, ...record, requestIds }));
    } catch (err) {
      if (!(err instanceof Error && GONE.has(err.name))) {
        log.add(JSON.stringify({ ...base, error: (err as Error).name ?? 'Error' }));
        throw err;
      }
      counts.gone++;
      log.add(JSON.stringify({ ...base, gone: true }));
    } finally {
      bar.tick();
    }
  };
  let failure: { error: unknown } | undefined;
  try {
    await forEachPaged(versions, ctx.settings.concurrency, one, { signal: ctx.signal });
  } catch (error) {
    failure = { error };
  } finally {
    bar.done();
  }
  const result = { ...counts, log: await log.close() };
  if (failure) throw new StepFailure(result, { cause: failure.error });
  return result;
}
