import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import { registry } from '../steps/index.js';
import type { Runbook } from './schema.js';
import { formatPath, validateDocument, type Problem } from './validate.js';
import type { Path } from './template.js';

/** A runbook is a page of YAML; anything near this size is a mistake or an attack. */
const MAX_BYTES = 1024 * 1024;
/** YAML aliases beyond this are refused: a "billion laughs" file expands exponentially. */
const MAX_ALIASES = 100;

export const BUNDLED_DIR = packagePath('runbooks');

export interface LoadedRunbook {
  runbook: Runbook;
  /** The file it came from, and its text's SHA-256 (recorded in the journal's genesis). */
  path: string;
  sha256: string;
  /** "file:line:col" of a path in the document, for messages found after loading. */
  locate(path: Path): string;
}

export function bundledRunbooks(): string[] {
  return readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/** A file path, or the name of a bundled runbook. */
export function resolveRunbookPath(ref: string): string {
  if (existsSync(ref) && statSync(ref).isFile()) return ref;
  if (/^[a-z0-9-]+$/.test(ref) && bundledRunbooks().includes(ref)) return join(BUNDLED_DIR, `${ref}.yaml`);
  throw new UserError(
    `runbook "${ref}" is neither a file nor a bundled runbook; bundled: ${bundledRunbooks().join(', ')}`,
  );
}

export function decode(bytes: Buffer, path: string, what = 'runbook'): string {
  if (bytes.length > MAX_BYTES)
    throw new UserError(`${path}: ${bytes.length} bytes; a ${what} is at most ${MAX_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${path}: not valid UTF-8 text`);
  }
}

function locator(doc: Document, lines: LineCounter, file: string) {
  return (path: Path): string => {
    // Walk down as far as the path exists: a missing field is reported at its parent.
    let node: unknown = doc.contents;
    let offset: number | undefined;
    for (const key of path) {
      const range = (node as { range?: [number, number] } | null)?.range;
      if (range) offset = range[0];
      if (isMap(node))
        node = node.items.find((pair) => (pair.key as { value?: unknown })?.value === key)?.value;
      else if (isSeq(node) && typeof key === 'number') node = node.items[key];
      else break;
      if (!node) break;
    }
    const range = (node as { range?: [number, number] } | null | undefined)?.range;
    if (range) offset = range[0];
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
}

const TOO_DEEP = (what = 'runbook') => `nested too deeply: a ${what} is a few levels deep`;

/**
 * A YAML document as plain data, with a locator of each path's "file:line:col": what runbooks and
 * the config file share. Syntax errors, an alias bomb and a document too deep are exit 2.
 */
export function readYaml(
  text: string,
  file: string,
  what = 'runbook',
): { data: unknown; locate(path: Path): string } {
  const lines = new LineCounter();
  // logLevel error: the parser's warnings (a map key that is a list, ...) would go to stderr as
  // Node warnings; what matters is reported below, with its line.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  if (doc.errors.length) {
    const details = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      const message = /Maximum call stack/.test(e.message) ? TOO_DEEP(what) : e.message.split('\n')[0];
      return `${file}:${line}:${col}: YAML syntax error: ${message}`;
    });
    throw new UserError(`${file}: invalid YAML`, capped(details));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (err instanceof RangeError) throw new UserError(`${file}: ${TOO_DEEP(what)}`);
    throw new UserError(`${file}: ${(err as Error).message} (YAML aliases are limited to ${MAX_ALIASES})`);
  }
  return { data, locate: locator(doc, lines, file) };
}

export function parseRunbook(text: string, file: string): LoadedRunbook {
  const { data, locate } = readYaml(text, file);
  let checked: ReturnType<typeof validateDocument>;
  try {
    checked = validateDocument(data, registry);
  } catch (err) {
    // A document the parser could read can still be too deep for the checks that walk it.
    if (err instanceof RangeError) throw new UserError(`${file}: ${TOO_DEEP()}`);
    throw err;
  }
  if (!checked.runbook) throw invalid(file, checked.problems, locate);
  return {
    runbook: checked.runbook,
    path: file,
    sha256: createHash('sha256').update(text).digest('hex'),
    locate,
  };
}

/** Problems shown at most: a hostile file can have 80,000, and nobody reads past the first few. */
const MAX_PROBLEMS = 50;

function capped<T>(items: T[], show: (item: T) => string = String): string[] {
  const shown = items.slice(0, MAX_PROBLEMS).map(show);
  return items.length > MAX_PROBLEMS ? [...shown, `... and ${items.length - MAX_PROBLEMS} more`] : shown;
}

export function invalid(
  file: string,
  problems: Problem[],
  locate: (path: Path) => string,
  what = 'runbook',
): UserError {
  const n = problems.length;
  return new UserError(
    `${file}: invalid ${what} (${n} problem${n === 1 ? '' : 's'})`,
    capped(problems, (p) => `${locate(p.path)}: ${formatPath(p.path)}: ${p.message}`),
  );
}

export function loadRunbook(ref: string): LoadedRunbook {
  const path = resolveRunbookPath(ref);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError(`cannot read runbook ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return parseRunbook(decode(bytes, path), path);
}
