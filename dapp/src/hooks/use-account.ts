import { useSyncExternalStore } from 'react';
import type { AccountState } from '../core/config.js';
import { useConfig } from './config-provider.js';

export type UseAccountReturnType = AccountState;

/** The connected account (or `disconnected`), updated on connect, disconnect and Keplr account switches. */
export function useAccount(): UseAccountReturnType {
  const config = useConfig();
  return useSyncExternalStore(config.account.subscribe, config.account.get, config.account.get);
}
