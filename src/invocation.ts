import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';

/** A word as a POSIX shell reads it back: bare when it is safe, else single-quoted. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const realOrSelf = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

function onPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * How the person can run this drp again from where they are, for the commands drp prints
 * (`drp resume ...`, `drp verify ...`): `drp` when the `drp` on PATH is this very program, `npx drp`
 * under npx, else `node <path to cli.js>` (after the README's quick start, `drp` is not on PATH).
 */
export function drpInvocation(
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
): string {
  // npx puts node_modules/.bin on the child's PATH only: the shell the person types into lacks it.
  if (env.npm_command === 'exec') return 'npx drp';
  if (!script) return 'drp';
  const self = realOrSelf(script);
  const found = onPath('drp', env.PATH);
  if (found && realOrSelf(found) === self) return 'drp';
  const rel = relative(cwd, self);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : self;
  return `node ${shellWord(shown)}`;
}

/** A command line to print: `drp` as it runs here, then each argument quoted for the shell. */
export const drpCommand = (...args: string[]) => [drpInvocation(), ...args.map(shellWord)].join(' ');
