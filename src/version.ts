import { readFileSync } from 'node:fs';
import { packagePath } from './paths.js';

/** From package.json, which sits one level above both src/ and dist/. */
export const VERSION: string = (
  JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }
).version;
