// @vitest-environment jsdom
import type { IncomingMessage, ServerResponse } from 'node:http';
import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiRequestError, InvalidInputError } from '../core/errors.js';
import { renderHookWithProviders } from '../testing/render-with-providers.js';
import { signedInToServer } from '../testing/test-setup.js';
import { useAddSource, useSetSourceCitable, useSources } from './use-sources.js';

/**
 * A local server with the api's knowledge routes (`/v1/orgs/:orgId/bots/:botId/sources`, see
 * api/src/routes/knowledge.ts): a file arrives as base64 in JSON, then its ingestion job
 * reports chunks done of total, advancing on each read.
 */
interface ServedSource {
  id: string;
  botId: string;
  type: 'file';
  name: string;
  citable: boolean;
  status: 'processing' | 'ready';
  bytes: number;
  error: null;
  progress: { jobId: string; status: string; chunksDone: number; chunksTotal: number };
}
const SOURCES_PATH = '/v1/orgs/7/bots/b1/sources';
const sources: ServedSource[] = [];
let refusePatches = false;
const uploads: {
  bytes: number;
  contentType: string | undefined;
  auth: string | undefined;
  body: Record<string, unknown>;
}[] = [];

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

const config = signedInToServer(async (request, response) => {
  cors(response);
  if (request.method === 'OPTIONS') return response.end();
  const json = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method === 'POST' && request.url === SOURCES_PATH) {
    const raw = await readBody(request);
    if (raw.length > 300_000)
      return json(413, {
        error: { code: 'PAYLOAD_TOO_LARGE', message: 'Files are limited to 200 KB here.' },
      });
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    uploads.push({
      bytes: raw.length,
      contentType: request.headers['content-type'],
      auth: request.headers.authorization,
      body,
    });
    const source: ServedSource = {
      id: `s${sources.length + 1}`,
      botId: 'b1',
      type: 'file',
      name: String(body.name),
      citable: body.citable === true,
      status: 'processing',
      bytes: Buffer.from(String(body.contentBase64), 'base64').length,
      error: null,
      progress: { jobId: 'j1', status: 'running', chunksDone: 0, chunksTotal: 4 },
    };
    sources.push(source);
    return json(201, { source, duplicate: false });
  }
  const toggled =
    request.url?.startsWith(`${SOURCES_PATH}/`) &&
    sources.find((x) => request.url === `${SOURCES_PATH}/${x.id}`);
  if (request.method === 'PATCH' && toggled && refusePatches) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return json(403, { error: { code: 'FORBIDDEN', message: 'your role does not allow knowledge:write' } });
  }
  if (request.method === 'PATCH' && toggled) {
    const body = JSON.parse((await readBody(request)).toString()) as { citable?: unknown };
    if (typeof body.citable !== 'boolean')
      return json(400, { error: { code: 'VALIDATION_FAILED', message: 'citable: expected boolean' } });
    toggled.citable = body.citable;
    return json(200, toggled);
  }
  if (request.method === 'GET' && request.url === SOURCES_PATH) {
    for (const source of sources) {
      source.progress.chunksDone = Math.min(4, source.progress.chunksDone + 2);
      if (source.progress.chunksDone === 4) source.status = 'ready';
    }
    return json(200, { sources });
  }
  json(404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no route' } });
});

describe('knowledge sources', () => {
  it('uploads a file with progress, then polls its ingestion until it reaches 100 %', async () => {
    const { result } = renderHookWithProviders(
      () => ({
        sources: useSources({ orgId: '7', botId: 'b1' }),
        add: useAddSource({ orgId: '7', botId: 'b1' }),
      }),
      config(),
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
    expect(uploads.at(-1)?.contentType).toBe('application/json');
    expect(uploads.at(-1)?.body).toMatchObject({ type: 'file', name: 'faq.md', citable: false });
    expect(
      Buffer.from(String(uploads.at(-1)?.body.contentBase64), 'base64')
        .toString()
        .startsWith('# FAQ\n'),
    ).toBe(true);
    expect(created).toMatchObject({ bytes: 50_006, progress: 0 });

    // The upload invalidated the list; polling continues while a source is processing.
    await waitFor(
      () => expect(result.current.sources.data?.[0]).toMatchObject({ status: 'ready', progress: 100 }),
      { timeout: 5000 },
    );
  });

  it('refuses a file type the api does not ingest, before uploading', async () => {
    const { result } = renderHookWithProviders(() => useAddSource({ orgId: '7', botId: 'b1' }), config());
    const before = uploads.length;
    await act(async () => {
      await expect(
        result.current.mutateAsync({ kind: 'file', file: new File(['x'], 'virus.exe'), citable: true }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });
    expect(uploads.length).toBe(before);
  });

  it('reports the api’s refusal of a too large file', async () => {
    const { result } = renderHookWithProviders(() => useAddSource({ orgId: '7', botId: 'b1' }), config());
    const big = new File(['x'.repeat(300_000)], 'big.txt', { type: 'text/plain' });
    await act(async () => {
      await expect(
        result.current.mutateAsync({ kind: 'file', file: big, citable: true }),
      ).rejects.toBeInstanceOf(ApiRequestError);
    });
    await waitFor(() => expect(result.current.error?.shortMessage).toBe('Files are limited to 200 KB here.'));
  });

  /** The bot's source list and the citable toggle, sharing one query cache as on the page. */
  const renderSourcesWithToggle = () =>
    renderHookWithProviders(
      () => ({
        sources: useSources({ orgId: '7', botId: 'b1' }),
        toggle: useSetSourceCitable({ orgId: '7', botId: 'b1' }),
      }),
      config(),
    );

  it('turns a source learn-only with PATCH { citable } and refreshes the list', async () => {
    const { result } = renderSourcesWithToggle();
    await waitFor(() => expect(result.current.sources.data?.length).toBeGreaterThan(0));
    const first = result.current.sources.data?.[0];
    const changed = await act(() =>
      result.current.toggle.mutateAsync({ sourceId: first?.id ?? '', citable: !first?.citable }),
    );
    expect(changed).toMatchObject({ id: first?.id, citable: !first?.citable });
    await waitFor(() => expect(result.current.sources.data?.[0]?.citable).toBe(!first?.citable));
  });

  it('shows the change at once, and puts it back when the api refuses it', async () => {
    const { result } = renderSourcesWithToggle();
    await waitFor(() => expect(result.current.sources.data?.length).toBeGreaterThan(0));
    const before = result.current.sources.data?.[0]?.citable;
    refusePatches = true;
    let settled: Promise<unknown> = Promise.resolve();
    act(() => {
      settled = result.current.toggle
        .mutateAsync({ sourceId: result.current.sources.data?.[0]?.id ?? '', citable: !before })
        .catch((error: unknown) => error);
    });
    await waitFor(() => expect(result.current.sources.data?.[0]?.citable).toBe(!before));
    expect(await settled).toBeInstanceOf(ApiRequestError);
    refusePatches = false;
    await waitFor(() =>
      expect(result.current.toggle.error?.shortMessage).toBe('your role does not allow knowledge:write'),
    );
    expect(result.current.sources.data?.[0]?.citable).toBe(before);
  });
});
