/**
 * One contract test suite written against ChainClient only. Every adapter that can run on a
 * machine calls it (today the devnet: scripts/devnet/chain-client.test.ts); a LocalSecret or
 * testnet run would call it with secretjs-backed clients.
 */
import { describe, expect, it } from 'vitest';
import type { ChainClient, QueryPermit } from '../chain-client.js';
import {
  ChainError,
  ContractError,
  NotFoundError,
  SignerRequiredError,
  UnauthorizedError,
} from '../errors.js';

export interface ChainClientSuiteContext {
  /** a funded signer holding payment tokens */
  payer: ChainClient;
  /** a second funded signer */
  other: ChainClient;
  /** a client without signer */
  readOnly: ChainClient;
  /** the payment token contract */
  token: string;
  /** the billing contract, when deployed */
  billing?: string;
  /** a SNIP-24 permit of the payer for private queries of `contract` */
  payerPermit(contract: string, permissions: string[]): Promise<QueryPermit>;
  /** an address where no contract lives */
  missingContract: string;
  /** a wasm the chain accepts (cw20-base for vanilla chains) */
  cw20Wasm: Uint8Array;
}

export interface ChainClientSuiteOptions {
  /** whether the chain has the billing contract (known before the run, from the build artifacts) */
  withBilling: boolean;
}

export function runChainClientSuite(
  adapter: string,
  setup: () => Promise<ChainClientSuiteContext>,
  options: ChainClientSuiteOptions,
): void {
  describe(`ChainClient contract: ${adapter}`, () => {
    let ctx: ChainClientSuiteContext;
    const context = async () => {
      ctx ??= await setup();
      return ctx;
    };

    it('knows its chain id and its signer', async () => {
      const { payer, readOnly } = await context();
      expect(payer.chainId).toMatch(/\S/);
      expect(payer.address).toMatch(/^[a-z]+1[02-9ac-hj-np-z]{38,}$/);
      expect(readOnly.address).toBeUndefined();
      expect(readOnly.chainId).toBe(payer.chainId);
    });

    it('reads native and token balances as integer strings', async () => {
      const { payer, token } = await context();
      const native = await payer.nativeBalance(payer.address as string);
      expect(native.denom).toBe('uscrt');
      expect(BigInt(native.amount)).toBeGreaterThan(0n);
      expect(BigInt(await payer.tokenBalance(token, payer.address as string))).toBeGreaterThan(0n);
    });

    it('executes a transfer, waits for it, and moves exactly the amount', async () => {
      const { payer, other, readOnly, token } = await context();
      const to = other.address as string;
      const before = BigInt(await readOnly.tokenBalance(token, to));
      const result = await payer.execute(token, { transfer: { recipient: to, amount: '1234' } });
      expect(result.txHash).toMatch(/^[0-9A-F]{64}$/);
      const included = await readOnly.waitForTx(result.txHash, { timeoutMs: 10_000 });
      expect(included.height).toBe(result.height);
      expect(BigInt(await readOnly.tokenBalance(token, to))).toBe(before + 1234n);
    });

    it('attaches native funds to an execute, moving exactly those coins', async () => {
      const { payer, other, readOnly, token } = await context();
      const payerBefore = BigInt((await readOnly.nativeBalance(payer.address as string)).amount);
      const contractBefore = BigInt((await readOnly.nativeBalance(token)).amount);
      await payer.execute(
        token,
        { transfer: { recipient: other.address, amount: '1' } },
        { funds: [{ denom: 'uscrt', amount: '25' }], memo: 'with funds' },
      );
      expect(BigInt((await readOnly.nativeBalance(token)).amount)).toBe(contractBefore + 25n);
      // a real chain also takes a fee from the payer: at least the 25 are gone
      expect(BigInt((await readOnly.nativeBalance(payer.address as string)).amount)).toBeLessThanOrEqual(
        payerBefore - 25n,
      );
    });

    it('refuses a state change through a read-only client', async () => {
      const { readOnly, token, other } = await context();
      await expect(
        readOnly.execute(token, { transfer: { recipient: other.address, amount: '1' } }),
      ).rejects.toBeInstanceOf(SignerRequiredError);
    });

    it('reports the contract message of a refused execute, and changes nothing', async () => {
      const { payer, readOnly, token } = await context();
      const before = await readOnly.tokenBalance(token, payer.address as string);
      const error = await payer
        .execute(token, {
          transfer: { recipient: payer.address, amount: '340282366920938463463374607431768211455' },
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).contractMessage).toMatch(/overflow|insufficient/i);
      expect(await readOnly.tokenBalance(token, payer.address as string)).toBe(before);
    });

    it('rolls back a token send whose receiver refuses the msg, for good', async () => {
      const { payer, other, readOnly, token } = await context();
      const before = BigInt(await readOnly.tokenBalance(token, payer.address as string));
      // cw20-base has no `receive` handler: the callback fails, so the whole send must revert.
      await expect(
        payer.sendToken({ token, recipient: token, amount: '10', msg: { anything: {} } }),
      ).rejects.toBeInstanceOf(ContractError);
      expect(BigInt(await readOnly.tokenBalance(token, payer.address as string))).toBe(before);
      // and the refused send must not come back with the next transaction
      await payer.execute(token, { transfer: { recipient: other.address, amount: '1' } });
      expect(BigInt(await readOnly.tokenBalance(token, payer.address as string))).toBe(before - 1n);
    });

    it('says NotFound for a contract that does not exist', async () => {
      const { readOnly, missingContract } = await context();
      await expect(readOnly.query(missingContract, { token_info: {} })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('answers a smart query, and a typed error for a malformed one', async () => {
      const { readOnly, token } = await context();
      const info = await readOnly.query<{ decimals: number; symbol: string }>(token, { token_info: {} });
      expect(info.decimals).toBe(6);
      const error = await readOnly.query(token, { no_such_query: {} }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ChainError);
      expect((error as ChainError).code).toBe('CONTRACT_ERROR');
    });

    it('uploads code and instantiates a contract that answers queries', async () => {
      const { payer, readOnly, cw20Wasm } = await context();
      const { codeId, codeHash, txHash } = await payer.upload(cw20Wasm);
      expect(codeId).toBeGreaterThan(0);
      expect(codeHash).toBe(await sha256Hex(cw20Wasm));
      expect((await readOnly.waitForTx(txHash, { timeoutMs: 10_000 })).txHash).toBe(txHash);
      const { address } = await payer.instantiate({
        codeId,
        codeHash,
        label: 'suite token',
        admin: payer.address as string,
        msg: {
          name: 'Suite Token',
          symbol: 'SUITE',
          decimals: 6,
          initial_balances: [{ address: payer.address, amount: '77' }],
        },
      });
      expect(await readOnly.tokenBalance(address, payer.address as string)).toBe('77');
      await expect(readOnly.upload(cw20Wasm)).rejects.toBeInstanceOf(SignerRequiredError);
    });

    it('migrates a contract onto new code for its admin only, keeping its state', async () => {
      const { payer, other, readOnly, cw20Wasm } = await context();
      const first = await payer.upload(cw20Wasm);
      const { address } = await payer.instantiate({
        codeId: first.codeId,
        codeHash: first.codeHash,
        label: 'suite migrating token',
        admin: payer.address as string,
        msg: {
          name: 'Suite Token',
          symbol: 'MIGR',
          decimals: 6,
          initial_balances: [{ address: payer.address, amount: '42' }],
        },
      });
      const next = await payer.upload(cw20Wasm);
      expect(next.codeId).not.toBe(first.codeId);
      const migration = { contract: address, codeId: next.codeId, codeHash: next.codeHash, msg: {} };
      const refused = await other.migrate(migration).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(UnauthorizedError);
      await expect(readOnly.migrate(migration)).rejects.toBeInstanceOf(SignerRequiredError);
      const tx = await payer.migrate(migration);
      expect(tx.txHash).toMatch(/\S/);
      expect((await readOnly.waitForTx(tx.txHash, { timeoutMs: 10_000 })).txHash).toBe(tx.txHash);
      expect(await readOnly.tokenBalance(address, payer.address as string)).toBe('42');
    });

    it('waitForTx times out for an unknown hash', async () => {
      const { readOnly } = await context();
      await expect(
        readOnly.waitForTx('00'.repeat(32), { timeoutMs: 300, pollIntervalMs: 50 }),
      ).rejects.toMatchObject({
        code: 'TIMEOUT',
      });
    });

    // Runs when billing's vanilla wasm is built (contracts/artifacts); reported as skipped before.
    describe.runIf(options.withBilling)('billing, paid with a token send', () => {
      it('a subscription paid with a token send is visible in a billing query', async () => {
        const { payer, readOnly, token, billing } = await context();
        if (!billing) throw new Error('the chain was expected to have the billing contract');
        const created = await payer.execute(billing, { create_org: { name: 'Acme' } });
        const orgId = Number(findAttribute(created, 'org_id'));
        expect(orgId).toBeGreaterThan(0);
        const plans = await readOnly.query<{
          plans: { id: number; name: string; price: { amount: string } }[];
        }>(billing, {
          plans: {},
        });
        const starter = plans.plans.find((plan) => plan.name === 'Starter');
        expect(starter?.price.amount).toBe('9990000');
        const before = BigInt(await readOnly.tokenBalance(token, payer.address as string));
        await payer.sendToken({
          token,
          recipient: billing,
          amount: '9990000',
          msg: { subscribe: { org_id: orgId, plan_id: starter?.id, periods: 1 } },
        });
        const permit = await ctx.payerPermit(billing, ['billing']);
        const subscription = await readOnly.query<{ active: boolean; plan_id: number }>(billing, {
          subscription: { org_id: orgId, auth: { permit } },
        });
        expect(subscription).toMatchObject({ active: true, plan_id: starter?.id });
        expect(BigInt(await readOnly.tokenBalance(token, payer.address as string))).toBe(before - 9_990_000n);
      });
    });
  });
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function findAttribute(
  result: { events: { attributes: { key: string; value: string }[] }[] },
  key: string,
): string {
  for (const event of result.events) {
    for (const attribute of event.attributes) if (attribute.key === key) return attribute.value;
  }
  throw new Error(`no ${key} attribute in the transaction's events`);
}
