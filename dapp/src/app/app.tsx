import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter } from 'react-router';
import { reconnectWallet } from '../core/actions/connect-wallet.js';
import type { DappConfig } from '../core/config.js';
import { ConfigProvider } from '../hooks/config-provider.js';
import { AppRoutes } from './app-routes.js';

export function App({ config }: { config: DappConfig }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
      }),
  );
  useEffect(() => {
    void reconnectWallet(config);
  }, [config]);
  return (
    <ConfigProvider config={config}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, '')}>
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}
