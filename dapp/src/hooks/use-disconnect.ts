import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { disconnectWallet } from '../core/actions/connect-wallet.js';
import { signOut } from '../core/actions/sign-in.js';
import type { BaseError } from '../core/errors.js';
import { useConfig } from './config-provider.js';

export type UseDisconnectReturnType = UseMutationResult<void, BaseError, void>;

/** Signs out of the api, disconnects the wallet and drops every cached query of the account. */
export function useDisconnect(): UseDisconnectReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['disconnect'],
    mutationFn: async () => {
      if (config.session.get()) await signOut(config);
      disconnectWallet(config);
      queryClient.clear();
    },
  });
}
