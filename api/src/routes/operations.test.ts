import { apiErrorCodes } from '@privexbot/schema/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../testing/start-test-api.js';

const METRICS_TOKEN = 'operator-metrics-token-0123456789';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ METRICS_TOKEN });
});
afterAll(() => api?.close());

describe('operations endpoints', () => {
  it('answers /healthz and echoes or creates a request id', async () => {
    const health = await api.request('get', '/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toBe('trace-abc-123');
    const fresh = await api.request('get', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports readiness of the database and of each pluggable check, naming the one not ready without its internal error', async () => {
    const ready = await api.request('get', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database.ok).toBe(true);

    const internal = 'connect ECONNREFUSED 10.1.2.3:26657 (password=hunter2)';
    api.readinessChecks.push({ name: 'chain', check: async () => Promise.reject(new Error(internal)) });
    try {
      const notReady = await api.request('get', '/readyz');
      expect(notReady.status).toBe(503);
      expect(notReady.body.status).toBe('not_ready');
      expect(notReady.body.checks.chain).toMatchObject({ ok: false, error: 'failed' });
      expect(notReady.body.checks.database.ok).toBe(true);
      expect(JSON.stringify(notReady.body)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|hunter2/);
    } finally {
      api.readinessChecks.pop();
    }
  });

  it('exposes a request-duration histogram labelled by route pattern, to the operator token only', async () => {
    await api.request('get', '/v1/orgs/123', {});
    const anonymous = await api.request('get', '/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous.body)).not.toContain('http_request_duration_seconds');
    const wrong = await api.request('get', '/metrics', {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);
    const metrics = await api.request('get', '/metrics', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/route="\/v1\/orgs\/:orgId",status="401"/);
  });

  it('does not serve /metrics at all when no operator token is configured', async () => {
    const bare = await startTestApi();
    try {
      const metrics = await bare.request('get', '/metrics');
      expect(metrics.status).toBe(404);
      expect(JSON.stringify(metrics.body)).not.toContain('http_request_duration_seconds');
    } finally {
      await bare.close();
    }
  });

  it('serves an OpenAPI document with every route and its schemas', async () => {
    const response = await api.request('get', '/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.openapi).toBe('3.1.0');
    for (const route of api.routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(document.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
    }
    const verify = document.paths['/auth/verify'].post;
    expect(Object.keys(verify.requestBody.content['application/json'].schema.properties)).toEqual([
      'address',
      'pubKey',
      'signature',
      'message',
    ]);
    const keyParams = document.paths['/v1/orgs/{orgId}/api-keys/{keyId}'].delete.parameters;
    expect(keyParams.map((p: { name: string }) => p.name)).toEqual(['orgId', 'keyId']);
    // Integrators branch on codes: the document advertises exactly the api's codes of schema's union.
    const errorSchema = document.components.responses.Error.content['application/json'].schema;
    expect(errorSchema.properties.error.properties.code.enum).toEqual([...apiErrorCodes]);
  });

  it('answers unknown routes with ROUTE_NOT_FOUND in the standard error shape', async () => {
    const response = await api.request('get', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: expect.any(String) });
  });

  it('refuses oversized bodies with 413', async () => {
    const response = await api.request('post', '/auth/refresh', {
      rawBody: JSON.stringify({ refreshToken: 'x'.repeat(2_000_000) }),
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
