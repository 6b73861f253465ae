import { type UseMutationResult, useMutation } from '@tanstack/react-query';
import {
  type ConnectWalletParameters,
  type ConnectWalletReturnType,
  connectWallet,
} from '../core/actions/connect-wallet.js';
import type { BaseError } from '../core/errors.js';
import { useConfig } from './config-provider.js';

export type UseConnectParameters = Record<string, never>;
export type UseConnectReturnType = UseMutationResult<
  ConnectWalletReturnType,
  BaseError,
  ConnectWalletParameters
>;

export function useConnect(): UseConnectReturnType {
  const config = useConfig();
  return useMutation({
    mutationKey: ['connect'],
    mutationFn: (parameters: ConnectWalletParameters) => connectWallet(config, parameters),
  });
}
