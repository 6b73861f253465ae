/** Test support: renders hooks and pages inside the same providers as the app. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import type { DappConfig } from '../core/config.js';
import { ConfigProvider } from '../hooks/config-provider.js';

afterEach(() => cleanup());

export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Number.POSITIVE_INFINITY } } });
}

export function providers(config: DappConfig, queryClient: QueryClient, initialPath = '/') {
  // biome-ignore lint/correctness/noComponentHookFactories: a test wrapper bound to one render's config, created once per render
  return function Providers({ children }: { children: ReactNode }) {
    return (
      <ConfigProvider config={config}>
        <QueryClientProvider client={queryClient}>
          <MemoryRouter initialEntries={[initialPath]}>{children}</MemoryRouter>
        </QueryClientProvider>
      </ConfigProvider>
    );
  };
}

export function renderHookWithProviders<T>(
  hook: () => T,
  config: DappConfig,
  queryClient = createTestQueryClient(),
) {
  return { ...renderHook(hook, { wrapper: providers(config, queryClient) }), queryClient };
}

export function renderWithProviders(
  ui: ReactNode,
  config: DappConfig,
  options: { queryClient?: QueryClient; path?: string } = {},
) {
  const queryClient = options.queryClient ?? createTestQueryClient();
  return { ...render(ui, { wrapper: providers(config, queryClient, options.path) }), queryClient };
}
