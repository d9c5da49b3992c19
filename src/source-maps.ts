import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces through src/*.ts for the bundled dist/ (esbuild.config.mjs writes a .map beside
 * each file). Node maps stacks itself once source maps are enabled, but it then reads and parses
 * the map of every file as the file loads: about 25 ms of `drp validate`, for a stack that a
 * healthy run never prints. Here a file's map is read the first time a stack through it is
 * formatted, uncaught errors' included.
 */
export function mapStackTraces(): void {
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) =>
    [Error.prototype.toString.call(error), ...sites.map((site) => `    at ${mappedFrame(site)}`)].join('\n');
}

const maps = new Map<string, SourceMap | undefined>();

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined; // not a bundled file (node_modules, Node's own, a test's): left as it is
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** V8's own text for the frame, its bundle position replaced by the source's. */
function mappedFrame(site: NodeJS.CallSite): string {
  const text = site.toString();
  const url = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!url?.startsWith('file:') || !line || !column) return text;
  const file = fileURLToPath(url);
  const entry = mapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry)) return text;
  const source = resolve(dirname(file), entry.originalSource);
  return text.replace(
    `${url}:${line}:${column}`,
    `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
  );
}
