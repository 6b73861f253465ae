import { expect, it } from 'vitest';

it("keeps Node's own fetch after secretjs has loaded, and hands it out as nativeFetch", async () => {
  const before = globalThis.fetch;
  const { nativeFetch } = await import('./native-fetch.js');
  await import('../chain/index.js');
  await import('secretjs');
  expect(globalThis.fetch).toBe(before);
  const server = await import('node:http').then(({ createServer }) =>
    createServer((_req, res) => res.end('ok')),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    // Two requests on one kept-alive connection: the second failed with secretjs's replacement.
    for (let i = 0; i < 2; i += 1)
      expect(await (await nativeFetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
  } finally {
    server.close();
  }
});
