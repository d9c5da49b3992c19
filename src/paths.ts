import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * drp's install directory, where package.json, runbooks/ and dist/ live. This file is one level
 * below it both as source (src/paths.ts, for the tests) and bundled (dist/cli.js and every chunk,
 * which esbuild.config.mjs keeps at the top of dist/). A path relative to any other module's
 * import.meta.url would break when the bundler moves that module into a chunk, so every file drp
 * ships is found from here (a lint rule keeps import.meta out of the rest of src/).
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A file of the installed package, e.g. `packagePath('runbooks')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
