import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { devnetChain } from '../../testing/test-setup.js';
import { createConfig } from '../config.js';
import { botQueryOptions, botsQueryOptions, sourcesQueryOptions } from './api-query-options.js';
import {
  balanceQueryOptions,
  contractQueryOptions,
  invalidateChainQueries,
  waitForTxQueryOptions,
} from './chain-query-options.js';
import { queryKeys } from './query-keys.js';

const chain = devnetChain();
const alice = 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq';

describe('query keys', () => {
  it('name the query and carry the chain id and parameters', () => {
    const config = createConfig({ chain });
    expect(balanceQueryOptions(config, { address: alice }).queryKey).toEqual([
      'balance',
      { chainId: 'privexbot-devnet-1', address: alice },
    ]);
    expect(balanceQueryOptions(config, { address: alice, token: 'token' }).queryKey).toEqual([
      'balance',
      { chainId: 'privexbot-devnet-1', address: alice, token: 'token' },
    ]);
    expect(contractQueryOptions(config, { contract: 'billing', msg: { plans: {} } }).queryKey).toEqual([
      'contractQuery',
      { chainId: 'privexbot-devnet-1', contract: 'billing', msg: { plans: {} } },
    ]);
    expect(waitForTxQueryOptions(config, { txHash: 'AB' }).queryKey).toEqual([
      'waitForTx',
      { chainId: 'privexbot-devnet-1', txHash: 'AB' },
    ]);
  });

  it('stay disabled until their inputs are known', () => {
    const config = createConfig({ chain });
    expect(balanceQueryOptions(config, {}).enabled).toBe(false);
    expect(contractQueryOptions(config, { contract: 'billing', msg: undefined }).enabled).toBe(false);
    expect(waitForTxQueryOptions(config, { txHash: undefined }).enabled).toBe(false);
    // api queries also need a session
    expect(botsQueryOptions(config, { orgId: '1' }).enabled).toBe(false);
    config.session.set({ address: alice, token: 't' });
    expect(botsQueryOptions(config, { orgId: '1' }).enabled).toBe(true);
    expect(botsQueryOptions(config, { orgId: '1' }).queryKey).toEqual([
      'bots',
      { address: alice, orgId: '1' },
    ]);
  });

  it('key a bot and its sources by org and bot, and wait for both and a session', () => {
    const config = createConfig({ chain });
    config.session.set({ address: alice, token: 't' });
    for (const options of [botQueryOptions, sourcesQueryOptions]) {
      expect(options(config, { orgId: undefined, botId: 'b1' }).enabled).toBe(false);
      expect(options(config, { orgId: '7', botId: undefined }).enabled).toBe(false);
      expect(options(config, { orgId: '7', botId: 'b1' }).enabled).toBe(true);
    }
    expect(botQueryOptions(config, { orgId: '7', botId: 'b1' }).queryKey).toEqual([
      'bot',
      { address: alice, orgId: '7', botId: 'b1' },
    ]);
    expect(sourcesQueryOptions(config, { orgId: '7', botId: 'b1' }).queryKey).toEqual([
      'sources',
      { address: alice, orgId: '7', botId: 'b1' },
    ]);
    config.session.set(undefined);
    expect(sourcesQueryOptions(config, { orgId: '7', botId: 'b1' }).enabled).toBe(false);
  });

  it('key a private query by the account whose permit answers it, and wait for that account', () => {
    const config = createConfig({ chain });
    const query = { contract: 'billing', msg: { subscription: { org_id: 1 } }, private: true };
    expect(contractQueryOptions(config, query).enabled).toBe(false);
    config.account.set({
      status: 'connected',
      connector: 'dev',
      address: alice,
      pubKey: 'A',
      name: 'DEV KEY: alice',
      isDevKey: true,
    });
    const options = contractQueryOptions(config, query);
    expect(options.enabled).toBe(true);
    expect(options.queryKey).toEqual([
      'contractQuery',
      { chainId: chain.chainId, contract: 'billing', msg: { subscription: { org_id: 1 } }, viewer: alice },
    ]);
  });

  it('differ when any parameter differs, so cached data is never shared by mistake', () => {
    const keys = [
      queryKeys.balance({ chainId: 'a', address: alice }),
      queryKeys.balance({ chainId: 'b', address: alice }),
      queryKeys.balance({ chainId: 'a', address: alice, token: 'token' }),
      queryKeys.contractQuery({ chainId: 'a', contract: 'billing', msg: { plans: {} } }),
      queryKeys.contractQuery({ chainId: 'a', contract: 'billing', msg: { plan: { id: 1 } } }),
      queryKeys.bots({ address: alice, orgId: '1' }),
      queryKeys.bots({ address: 'secret1other', orgId: '1' }),
      queryKeys.bot({ address: alice, orgId: '1', botId: 'b1' }),
      queryKeys.bot({ address: alice, orgId: '2', botId: 'b1' }),
      queryKeys.sources({ address: alice, orgId: '1', botId: 'b1' }),
      queryKeys.sources({ address: alice, orgId: '2', botId: 'b1' }),
    ].map((key) => JSON.stringify(key));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('let a transaction invalidate every chain read of its chain and nothing else', async () => {
    const config = createConfig({ chain });
    const queryClient = new QueryClient();
    const onThisChain = [
      queryKeys.balance({ chainId: chain.chainId, address: alice }),
      queryKeys.contractQuery({ chainId: chain.chainId, contract: 'billing', msg: { plans: {} } }),
    ];
    const untouched = [
      queryKeys.balance({ chainId: 'another-chain', address: alice }),
      queryKeys.bots({ address: alice, orgId: '1' }),
      queryKeys.waitForTx({ chainId: chain.chainId, txHash: 'AB' }),
    ];
    for (const key of [...onThisChain, ...untouched]) queryClient.setQueryData(key, { cached: true });
    await invalidateChainQueries(queryClient, config);
    for (const key of onThisChain) expect(queryClient.getQueryState(key)?.isInvalidated).toBe(true);
    for (const key of untouched) expect(queryClient.getQueryState(key)?.isInvalidated).toBe(false);
  });
});
