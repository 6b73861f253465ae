// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { DEV_ONLY_ACCOUNTS, devOnlyAccount } from '@privexbot/schema/chain';
import { act, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../core/api/api-request.js';
import type { DappConfig } from '../core/config.js';
import { SignInError, UserRejectedRequestError, WalletNotFoundError } from '../core/errors.js';
import { queryKeys } from '../core/query/query-keys.js';
import { createDevKeplr, type DevKeplr } from '../core/wallet/create-dev-keplr.js';
import { KEYSTORE_CHANGE_EVENT, type KeplrLike } from '../core/wallet/keplr-like.js';
import { renderHookWithProviders } from '../testing/render-with-providers.js';
import { startSignInServer } from '../testing/sign-in-server.js';
import { startedForFile, testConfig } from '../testing/test-setup.js';
import { useAccount } from './use-account.js';
import { useConnect } from './use-connect.js';
import { useDisconnect } from './use-disconnect.js';
import { useSession } from './use-session.js';
import { useSignIn } from './use-sign-in.js';

const alice = devOnlyAccount('alice');
const bob = devOnlyAccount('bob');

/** An injected `window.keplr` that signs with a real key and can switch accounts like Keplr. */
function switchableKeplr(initial: DevKeplr) {
  let current: DevKeplr = initial;
  const keplr: KeplrLike = {
    enable: (chainIds) => current.enable(chainIds),
    experimentalSuggestChain: (info) => current.experimentalSuggestChain(info),
    getKey: (chainId) => current.getKey(chainId),
    signArbitrary: (chainId, signer, data) => current.signArbitrary(chainId, signer, data),
    getOfflineSignerOnlyAmino: (chainId) => current.getOfflineSignerOnlyAmino(chainId),
    getOfflineSignerAuto: (chainId) => current.getOfflineSignerAuto(chainId),
    getEnigmaUtils: (chainId) => current.getEnigmaUtils(chainId),
  };
  return {
    keplr,
    switchTo(next: DevKeplr) {
      current = next;
      window.dispatchEvent(new Event(KEYSTORE_CHANGE_EVENT));
    },
  };
}

const server = startedForFile(startSignInServer, (started) => started.close());
let aliceKeplr: DevKeplr;
let bobKeplr: DevKeplr;

beforeAll(async () => {
  [aliceKeplr, bobKeplr] = await Promise.all([
    createDevKeplr({ mnemonic: alice.mnemonic, label: 'alice' }),
    createDevKeplr({ mnemonic: bob.mnemonic, label: 'bob' }),
  ]);
});

function configWith(getKeplr: () => KeplrLike | undefined): DappConfig {
  return testConfig({ apiUrl: server().url, getKeplr, storage: window.localStorage });
}

function useWalletFlow() {
  return {
    account: useAccount(),
    session: useSession(),
    connect: useConnect(),
    signIn: useSignIn(),
    disconnect: useDisconnect(),
  };
}

describe('connect and sign in with an injected Keplr', () => {
  it('signs the api challenge with a real secp256k1 key and keeps the session across a reload', async () => {
    window.localStorage.clear();
    const config = configWith(() => aliceKeplr);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    const issuedBefore = server().sessionsIssued;

    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    expect(result.current.account).toMatchObject({
      status: 'connected',
      address: alice.address,
      isDevKey: true,
    });

    await act(() => result.current.signIn.mutateAsync());
    expect(result.current.session?.address).toBe(alice.address);
    expect(result.current.session?.token).toMatch(/^access-/);
    expect(result.current.session?.refreshToken).toMatch(/^refresh-/);
    expect(server().sessionsIssued).toBe(issuedBefore + 1);

    // A reload builds a new config from the same storage: the session is still there.
    const reloaded = configWith(() => aliceKeplr);
    expect(reloaded.session.get()?.token).toBe(result.current.session?.token);
  });

  it('reports a refused signature as a SignInError carrying the api’s reason', async () => {
    window.localStorage.clear();
    // A wallet that answers with another key's signature: the server's real check refuses it.
    const forger: KeplrLike = {
      ...aliceKeplr,
      signArbitrary: (chainId, _signer, data) => bobKeplr.signArbitrary(chainId, bob.address, data),
    };
    const config = configWith(() => forger);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    await act(async () => {
      await expect(result.current.signIn.mutateAsync()).rejects.toBeInstanceOf(SignInError);
    });
    await waitFor(() =>
      expect(result.current.signIn.error?.shortMessage).toMatch(/signature does not verify/),
    );
    expect(result.current.session).toBeUndefined();
  });

  it('turns a closed signing prompt into UserRejectedRequestError', async () => {
    const rejecting: KeplrLike = {
      ...aliceKeplr,
      signArbitrary: () => Promise.reject(new Error('Request rejected')),
    };
    const config = configWith(() => rejecting);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    await act(async () => {
      await expect(result.current.signIn.mutateAsync()).rejects.toBeInstanceOf(UserRejectedRequestError);
    });
  });

  it('says Keplr is missing when there is no window.keplr', async () => {
    const config = configWith(() => undefined);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(async () => {
      await expect(result.current.connect.mutateAsync({ connector: 'keplr' })).rejects.toBeInstanceOf(
        WalletNotFoundError,
      );
    });
    expect(result.current.account.status).toBe('disconnected');
  });

  it('follows a Keplr account switch and drops the other account’s session', async () => {
    window.localStorage.clear();
    const { keplr, switchTo } = switchableKeplr(aliceKeplr);
    const config = configWith(() => keplr);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    await act(() => result.current.signIn.mutateAsync());
    expect(result.current.session?.address).toBe(alice.address);

    act(() => switchTo(bobKeplr));
    await waitFor(() =>
      expect(result.current.account).toMatchObject({ status: 'connected', address: bob.address }),
    );
    expect(result.current.session).toBeUndefined();
  });

  it('offers every DEV-ONLY account as a dev key, marked as such', async () => {
    const config = configWith(() => undefined);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'dev', devAccount: 'bob' }));
    expect(result.current.account).toMatchObject({
      address: bob.address,
      isDevKey: true,
      name: 'DEV KEY: bob',
    });
    expect(DEV_ONLY_ACCOUNTS.map((account) => account.role)).toContain('bob');
  });

  it('refreshes an expired access token once, and shares the refresh between parallel requests', async () => {
    window.localStorage.clear();
    const config = configWith(() => aliceKeplr);
    const { result } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    server().setAccessTtlMs(1); // the access token is stale at once
    await act(() => result.current.signIn.mutateAsync());
    server().setAccessTtlMs(600_000);
    const first = config.session.get()!;
    const answers = await Promise.all([
      apiRequest<{ address: string }>(config, { path: '/v1/me' }),
      apiRequest<{ address: string }>(config, { path: '/v1/me' }),
    ]);
    expect(answers.map((a) => a.address)).toEqual([alice.address, alice.address]);
    const second = config.session.get()!;
    expect(second.token).not.toBe(first.token);
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it('disconnect signs out and clears every cached query', async () => {
    window.localStorage.clear();
    const config = configWith(() => aliceKeplr);
    const { result, queryClient } = renderHookWithProviders(useWalletFlow, config);
    await act(() => result.current.connect.mutateAsync({ connector: 'keplr' }));
    await act(() => result.current.signIn.mutateAsync());
    queryClient.setQueryData(queryKeys.bots({ address: alice.address, orgId: '1' }), []);
    await act(() => result.current.disconnect.mutateAsync());
    expect(result.current.account.status).toBe('disconnected');
    expect(result.current.session).toBeUndefined();
    expect(window.localStorage.getItem('privexbot.session')).toBeNull();
    expect(queryClient.getQueryCache().getAll()).toHaveLength(0);
  });
});
