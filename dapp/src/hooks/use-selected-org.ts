import { useSyncExternalStore } from 'react';
import type { DappConfig } from '../core/config.js';
import { createStore, type Store } from '../core/create-store.js';
import { useConfig } from './config-provider.js';

const STORAGE_KEY = 'privexbot.org';
const stores = new WeakMap<DappConfig, Store<string | undefined>>();

function storeFor(config: DappConfig): Store<string | undefined> {
  let store = stores.get(config);
  if (!store) {
    store = createStore<string | undefined>(config.storage.getItem(STORAGE_KEY) ?? undefined);
    store.subscribe((orgId) => {
      if (orgId) config.storage.setItem(STORAGE_KEY, orgId);
      else config.storage.removeItem(STORAGE_KEY);
    });
    stores.set(config, store);
  }
  return store;
}

export type UseSelectedOrgReturnType = [
  orgId: string | undefined,
  select: (orgId: string | undefined) => void,
];

/** The org the switcher selected (a chain org id as text); remembered across reloads. */
export function useSelectedOrg(): UseSelectedOrgReturnType {
  const config = useConfig();
  const store = storeFor(config);
  const orgId = useSyncExternalStore(store.subscribe, store.get, store.get);
  return [orgId, store.set];
}
