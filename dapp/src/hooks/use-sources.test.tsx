// @vitest-environment jsdom
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { act, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeSource } from '../core/api/api-types.js';
import { createConfig, type DappConfig } from '../core/config.js';
import { ApiRequestError, InvalidInputError } from '../core/errors.js';
import { renderHookWithProviders } from '../testing/render-with-providers.js';
import { useAddSource, useSources } from './use-sources.js';

/**
 * A local server with the knowledge routes' documented shape: a multipart upload, then a source
 * whose ingestion progress advances on each read, as the api's ingestion job reports it.
 */
let server: Server;
let config: DappConfig;
const sources: KnowledgeSource[] = [];
const uploads: { bytes: number; contentType: string | undefined; auth: string | undefined }[] = [];

function cors(response: ServerResponse) {
  response.setHeader('access-control-allow-origin', '*');
  response.setHeader('access-control-allow-headers', 'authorization, content-type, accept');
  response.setHeader('access-control-allow-methods', 'GET, POST, PATCH');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    cors(response);
    if (request.method === 'OPTIONS') return response.end();
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && request.url === '/v1/bots/b1/sources/upload') {
      const body = await readBody(request);
      uploads.push({
        bytes: body.length,
        contentType: request.headers['content-type'],
        auth: request.headers.authorization,
      });
      if (body.length > 200_000)
        return json(413, {
          error: { code: 'PAYLOAD_TOO_LARGE', message: 'Files are limited to 200 KB here.' },
        });
      const source: KnowledgeSource = {
        id: `s${sources.length + 1}`,
        botId: 'b1',
        type: 'file',
        name: 'faq.md',
        citable: false,
        status: 'processing',
        progress: 0,
      };
      sources.push(source);
      return json(201, source);
    }
    if (request.method === 'GET' && request.url === '/v1/bots/b1/sources') {
      for (const source of sources) {
        source.progress = Math.min(100, source.progress + 50);
        if (source.progress === 100) source.status = 'ready';
      }
      return json(200, { sources });
    }
    json(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  config = createConfig({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    chain: {
      kind: 'devnet',
      chainId: 'c',
      walletChainId: 'secretdev-1',
      devnetUrl: 'http://127.0.0.1:1',
      contracts: {},
      devKeysAllowed: true,
    },
  });
  config.session.set({ address: 'secret1x', token: 'tok' });
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('knowledge sources', () => {
  it('uploads a file with progress, then polls its ingestion until it reaches 100 %', async () => {
    const { result } = renderHookWithProviders(
      () => ({ sources: useSources({ botId: 'b1' }), add: useAddSource({ botId: 'b1' }) }),
      config,
    );
    await waitFor(() => expect(result.current.sources.data).toEqual([]));

    const progress: number[] = [];
    const file = new File(['# FAQ\n', 'x'.repeat(50_000)], 'faq.md', { type: 'text/markdown' });
    const created = await act(() =>
      result.current.add.mutateAsync({
        kind: 'file',
        file,
        citable: false,
        onProgress: (f) => progress.push(f),
      }),
    );
    expect(created).toMatchObject({ name: 'faq.md', status: 'processing', citable: false });
    expect(progress.at(-1)).toBe(1);
    expect(uploads.at(-1)).toMatchObject({ auth: 'Bearer tok' });
    expect(uploads.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(uploads.at(-1)?.bytes).toBeGreaterThan(50_000);

    // The upload invalidated the list; polling continues while a source is processing.
    await waitFor(
      () => expect(result.current.sources.data?.[0]).toMatchObject({ status: 'ready', progress: 100 }),
      { timeout: 5000 },
    );
  });

  it('refuses a file type the api does not ingest, before uploading', async () => {
    const { result } = renderHookWithProviders(() => useAddSource({ botId: 'b1' }), config);
    const before = uploads.length;
    await act(async () => {
      await expect(
        result.current.mutateAsync({ kind: 'file', file: new File(['x'], 'virus.exe'), citable: true }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });
    expect(uploads.length).toBe(before);
  });

  it('reports the api’s refusal of a too large file', async () => {
    const { result } = renderHookWithProviders(() => useAddSource({ botId: 'b1' }), config);
    const big = new File(['x'.repeat(300_000)], 'big.txt', { type: 'text/plain' });
    await act(async () => {
      await expect(
        result.current.mutateAsync({ kind: 'file', file: big, citable: true }),
      ).rejects.toBeInstanceOf(ApiRequestError);
    });
    await waitFor(() => expect(result.current.error?.shortMessage).toBe('Files are limited to 200 KB here.'));
  });
});
