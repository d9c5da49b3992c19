import { createWorkerS3Port } from '../../aws/s3.js';
import type { ListedObject } from '../../aws/s3-evidence.js';
import type { VersionEntry } from '../../aws/s3-versions.js';
import { mapStackTraces } from '../../source-maps.js';
import { holdVersion } from './hold-version.js';
import type { PerVersionSetup } from './per-version.js';
import { portableError } from './portable-error.js';
import { copyServerSide } from './preservation/copy-one.js';
import { serveWork } from './worker-serve.js';

// A worker thread of per-version.ts (dist/per-version.worker.js): its own S3 client, signing with
// the main thread's credentials, does one item's work and answers with the outcome.
mapStackTraces();

/** A failed outcome's SDK error cannot cross threads as it is: its description does. */
const portable = <O extends object>(o: O): O =>
  'error' in o && o.error !== undefined ? { ...o, error: portableError(o.error) } : o;

serveWork<PerVersionSetup>(({ task, aws }, credentials) => {
  const s3 = createWorkerS3Port(aws, credentials);
  if (task.kind === 'legal-hold')
    return async (entry: VersionEntry) =>
      portable(await holdVersion(s3, task.bucket, entry, task.checkHolds));
  return async (file: ListedObject) => portable(await copyServerSide(s3, file, task.target));
});
