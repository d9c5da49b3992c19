import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../../journal/fsync.js';

/** Where replacement secrets go, relative to the evidence dir. Never an artefact: artefacts are uploaded. */
export const SECRETS_DIR = 'secrets';

/**
 * Makes `<evidenceDir>/secrets/` (mode 0700) before any key is created, so that a directory drp
 * cannot write is found while no secret exists yet.
 */
export async function prepareSecretsDir(evidenceDir: string): Promise<string> {
  const dir = join(evidenceDir, SECRETS_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/**
 * Writes `content` to a new file `<evidenceDir>/secrets/<name>` (flag 'wx': never over another
 * file; mode 0600), fsynced with its directory. Returns the path relative to the evidence dir.
 * The content is passed in and dropped here: nothing keeps it.
 */
export async function writeSecretFile(evidenceDir: string, name: string, content: string): Promise<string> {
  const dir = await prepareSecretsDir(evidenceDir);
  const file = await open(join(dir, name), 'wx', 0o600);
  try {
    await file.writeFile(content, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  fsyncDir(dir);
  return `${SECRETS_DIR}/${name}`;
}
