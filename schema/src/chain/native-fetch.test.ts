import { expect, it } from 'vitest';

it("keeps Node's own fetch after secretjs has loaded", async () => {
  const before = globalThis.fetch;
  await import('./index.js');
  await import('secretjs');
  expect(globalThis.fetch).toBe(before);
});
