import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isNativeAccelerationEnabled } from 'cbor-x';

// drp installs from the npm registry alone and runs no native binary of its own: cbor-x (C2PA's CBOR
// decoder) would load cbor-extract, a native addon built or downloaded at install time, so
// package.json overrides it with src/stubs/cbor-extract, which throws and leaves cbor-x in JavaScript.
describe('the C2PA reader carries no native binary', () => {
  it('cbor-x runs without native acceleration', () => {
    expect(isNativeAccelerationEnabled).toBe(false);
  });

  it('no runtime dependency in the lockfile runs an install script', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }>;
    };
    const scripted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true && entry.dev !== true)
      .map(([path]) => path);
    expect(scripted).toEqual([]);
  });
});
