import { useSyncExternalStore } from 'react';
import type { ApiSession } from '../core/config.js';
import { useConfig } from './config-provider.js';

export type UseSessionReturnType = ApiSession | undefined;

/** The api session of the signed-in address; it survives reloads until it expires or signs out. */
export function useSession(): UseSessionReturnType {
  const config = useConfig();
  return useSyncExternalStore(config.session.subscribe, config.session.get, config.session.get);
}
