import { beforeAll, inject } from 'vitest';

// Every smoke file starts from an empty emulator.
beforeAll(async () => {
  const response = await fetch(inject('resetUrl'), { method: 'POST' });
  if (!response.ok) throw new Error(`emulator reset failed: ${response.status} ${inject('resetUrl')}`);
});
