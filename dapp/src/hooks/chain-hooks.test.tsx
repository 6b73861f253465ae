// @vitest-environment jsdom
import { vi } from 'vitest';

vi.hoisted(async () => (await import('../testing/use-node-typed-arrays.js')).useNodeTypedArrays());

import { devOnlyAccount } from '@privexbot/schema/chain';
import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ChainRequestError, NotConnectedError } from '../core/errors.js';
import { renderHookWithProviders } from '../testing/render-with-providers.js';
import { devnetForFile, testConfig } from '../testing/test-setup.js';
import { useBalance } from './use-balance.js';
import { useConnect } from './use-connect.js';
import { useContractExecute } from './use-contract-execute.js';
import { useContractQuery } from './use-contract-query.js';
import { useWaitForTx } from './use-wait-for-tx.js';

const alice = devOnlyAccount('alice');
const bob = devOnlyAccount('bob');

const devnet = devnetForFile();
const devnetConfig = () => testConfig({ devnetUrl: devnet().url });

describe('chain hooks on the devnet (real wasm, real signatures)', () => {
  it('a token transfer refreshes both balances without a manual refetch', async () => {
    const config = devnetConfig();
    const { result } = renderHookWithProviders(
      () => ({
        connect: useConnect(),
        execute: useContractExecute(),
        aliceTokens: useBalance({ address: alice.address, token: 'token' }),
        bobTokens: useBalance({ address: bob.address, token: 'token' }),
      }),
      config,
    );
    await act(() => result.current.connect.mutateAsync({ connector: 'dev', devAccount: 'alice' }));
    await waitFor(() =>
      expect(result.current.aliceTokens.isSuccess && result.current.bobTokens.isSuccess).toBe(true),
    );
    const aliceBefore = BigInt(result.current.aliceTokens.data!.amount);
    const bobBefore = BigInt(result.current.bobTokens.data!.amount);
    expect(aliceBefore).toBeGreaterThan(1_000_000n);

    const tx = await act(() =>
      result.current.execute.mutateAsync({
        contract: 'token',
        msg: { transfer: { recipient: bob.address, amount: '1234567' } },
      }),
    );
    expect(tx.txHash).toMatch(/^[0-9A-F]{64}$/);
    await waitFor(() => expect(BigInt(result.current.bobTokens.data!.amount)).toBe(bobBefore + 1_234_567n));
    expect(BigInt(result.current.aliceTokens.data!.amount)).toBe(aliceBefore - 1_234_567n);
  });

  it('reads a contract and reports a refused message with the contract’s own reason', async () => {
    const config = devnetConfig();
    const { result } = renderHookWithProviders(
      () => ({
        connect: useConnect(),
        execute: useContractExecute(),
        info: useContractQuery<{ decimals: number; symbol: string }>({
          contract: 'token',
          msg: { token_info: {} },
        }),
      }),
      config,
    );
    await waitFor(() => expect(result.current.info.isSuccess).toBe(true));
    expect(result.current.info.data?.decimals).toBe(6);

    await act(() => result.current.connect.mutateAsync({ connector: 'dev', devAccount: 'bob' }));
    const tooMuch = '999999999999999999999';
    await act(async () => {
      await expect(
        result.current.execute.mutateAsync({
          contract: 'token',
          msg: { transfer: { recipient: alice.address, amount: tooMuch } },
        }),
      ).rejects.toBeInstanceOf(ChainRequestError);
    });
    await waitFor(() => expect(result.current.execute.error).toBeInstanceOf(ChainRequestError));
    expect((result.current.execute.error as ChainRequestError).code).toBe('CONTRACT_ERROR');
    expect(result.current.execute.error?.shortMessage).toMatch(/^The contract refused: /);
  });

  it('refuses to execute before a wallet is connected', async () => {
    const { result } = renderHookWithProviders(() => useContractExecute(), devnetConfig());
    await act(async () => {
      await expect(
        result.current.mutateAsync({
          contract: 'token',
          msg: { transfer: { recipient: bob.address, amount: '1' } },
        }),
      ).rejects.toBeInstanceOf(NotConnectedError);
    });
  });

  it('useWaitForTx resolves an included transaction by hash', async () => {
    const config = devnetConfig();
    const { result: sender } = renderHookWithProviders(
      () => ({ connect: useConnect(), execute: useContractExecute() }),
      config,
    );
    await act(() => sender.current.connect.mutateAsync({ connector: 'dev', devAccount: 'alice' }));
    const tx = await act(() =>
      sender.current.execute.mutateAsync({
        contract: 'token',
        msg: { transfer: { recipient: bob.address, amount: '5' } },
      }),
    );
    const { result } = renderHookWithProviders(() => useWaitForTx({ txHash: tx.txHash }), config);
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.height).toBe(tx.height);
  });
});
