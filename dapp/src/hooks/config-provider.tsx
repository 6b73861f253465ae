import { createContext, type ReactNode, useContext } from 'react';
import type { DappConfig } from '../core/config.js';

const ConfigContext = createContext<DappConfig | undefined>(undefined);

export function ConfigProvider({ config, children }: { config: DappConfig; children: ReactNode }) {
  return <ConfigContext.Provider value={config}>{children}</ConfigContext.Provider>;
}

export function useConfig(): DappConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('useConfig must be used inside <ConfigProvider>');
  return config;
}
