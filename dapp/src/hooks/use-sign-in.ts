import { type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { type SignInReturnType, signIn } from '../core/actions/sign-in.js';
import type { BaseError } from '../core/errors.js';
import { useConfig } from './config-provider.js';

export type UseSignInReturnType = UseMutationResult<SignInReturnType, BaseError, void>;

/** ADR-36 sign-in of the connected account (see core/actions/sign-in.ts). */
export function useSignIn(): UseSignInReturnType {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: ['signIn'],
    mutationFn: () => signIn(config),
    // Whatever was cached belonged to no session or another one.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
