/**
 * The Secret Network path of the deploy, without a node: every message the deploy sends is
 * recorded, checked against the contracts' committed JSON schemas, and checked for the code
 * hashes Secret requires (instantiate, the token billing registers with, usage → billing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChainClient, InstantiateParams, TxResult } from '@privexbot/schema/chain';
import { devOnlyAccount } from '@privexbot/schema/chain';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { connectDeployer } from '../../scripts/deploy/connect-deployer.js';
import { billingInstantiateMsg, DeployError, deployPlatform } from '../../scripts/deploy/deploy-platform.js';
import { parseDeploymentFile } from '../../scripts/deploy/deployment-file.js';
import { NetworkConfigError, resolveNetwork } from '../../scripts/deploy/resolve-network.js';
import { DEFAULT_MAX_ORGS_PER_CREATOR } from '../../scripts/devnet/deploy-contracts.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const contractSchema = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'schema', 'json', name, `${name}.json`), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
// cosmwasm-schema's integer formats: unsigned, within the type's range.
ajv.addFormat('uint32', {
  type: 'number',
  validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
});
ajv.addFormat('uint64', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
const validBillingInstantiate = ajv.compile(contractSchema('billing').instantiate);
const validBillingExecute = ajv.compile(contractSchema('billing').execute);
const validUsageInstantiate = ajv.compile(contractSchema('usage').instantiate);

const operator = devOnlyAccount('operator').address;
const relayer = devOnlyAccount('relayer').address;
const token = { address: 'secret1qxxlalvsdjd07p07y3rc5fu6ll8k4tmetpha8n', codeHash: 'a'.repeat(64) };

/** A ChainClient that records what the deploy sends and answers like a chain would. */
function recordingChain() {
  const uploads: Uint8Array[] = [];
  const instantiations: InstantiateParams[] = [];
  const executions: { contract: string; msg: object }[] = [];
  const tx = (events: TxResult['events'] = []): TxResult => ({ txHash: 'AB', height: 1, events });
  const chain: ChainClient = {
    chainId: 'secretdev-1',
    address: operator,
    async upload(wasm) {
      uploads.push(wasm);
      return { codeId: uploads.length, codeHash: `${uploads.length}`.repeat(64), txHash: 'AB' };
    },
    async instantiate(params) {
      instantiations.push(params);
      return { address: `secret1contract${instantiations.length}`, txHash: 'AB' };
    },
    async execute(contract, msg) {
      executions.push({ contract, msg });
      const orgEvent =
        'create_org' in msg ? [{ type: 'wasm', attributes: [{ key: 'org_id', value: '1' }] }] : [];
      return tx(orgEvent);
    },
    nativeBalance: async () => ({ denom: 'uscrt', amount: '0' }),
    tokenBalance: async () => '0',
    query: async () => ({}) as never,
    sendToken: async () => tx(),
    waitForTx: async () => tx(),
    migrate: async () => {
      throw new Error('a deploy instantiates; it never migrates');
    },
  };
  return { chain, uploads, instantiations, executions };
}

const wasm = { billing: new Uint8Array([0, 97, 115, 109, 1]), usage: new Uint8Array([0, 97, 115, 109, 2]) };

describe('deploy on Secret Network: messages', () => {
  it('passes code hashes everywhere Secret needs them, with schema-valid messages', async () => {
    const { chain, uploads, instantiations, executions } = recordingChain();
    const deployment = await deployPlatform(chain, {
      network: 'localsecret',
      wasm,
      secret: true,
      paymentToken: token,
      relayers: [relayer],
    });
    expect(uploads).toEqual([wasm.billing, wasm.usage]);

    const [billing, usage] = instantiations;
    expect(billing?.codeHash).toBe('1'.repeat(64));
    expect(usage?.codeHash).toBe('2'.repeat(64));
    expect(billing?.admin).toBe(operator);
    // The product caps the orgs one address may create (billing README, "Org creation cap").
    expect(billing?.msg).toMatchObject({ max_orgs_per_creator: DEFAULT_MAX_ORGS_PER_CREATOR });
    expect(validBillingInstantiate(billing?.msg), JSON.stringify(validBillingInstantiate.errors)).toBe(true);
    expect(validUsageInstantiate(usage?.msg), JSON.stringify(validUsageInstantiate.errors)).toBe(true);
    // Billing registers with the token at instantiate: it needs the token's code hash.
    expect(billing?.msg).toMatchObject({
      accepted_tokens: [{ address: token.address, code_hash: token.codeHash }],
    });
    expect(usage?.msg).toMatchObject({
      billing: { address: 'secret1contract1', code_hash: '1'.repeat(64) },
      relayers: [relayer],
    });

    expect(executions.map(({ msg }) => Object.keys(msg)[0])).toEqual([
      'update_config',
      'create_org',
      'create_plan',
      'create_plan',
      'create_plan',
      'create_plan',
    ]);
    for (const { contract, msg } of executions) {
      expect(contract).toBe('secret1contract1');
      expect(validBillingExecute(msg), JSON.stringify(validBillingExecute.errors)).toBe(true);
    }
    expect(executions[0]?.msg).toEqual({
      update_config: { treasury: null, usage_contract: 'secret1contract2' },
    });

    const file = parseDeploymentFile(JSON.parse(JSON.stringify(deployment)));
    expect(file.contracts).toEqual({
      billing: { address: 'secret1contract1', codeHash: '1'.repeat(64), codeId: 1 },
      usage: { address: 'secret1contract2', codeHash: '2'.repeat(64), codeId: 2 },
      token: { address: token.address, codeHash: token.codeHash },
    });
    expect(file.chainId).toBe('secretdev-1');
  });

  it('refuses a Secret token without its code hash, before sending anything', async () => {
    expect(() =>
      billingInstantiateMsg({
        operator,
        secret: true,
        paymentToken: { address: token.address },
        nativeDenom: 'uscrt',
        addressPrefix: 'secret',
        unbondingSeconds: 1,
      }),
    ).toThrow(DeployError);
    const { chain, instantiations } = recordingChain();
    await expect(
      deployPlatform(chain, {
        network: 'pulsar',
        wasm,
        secret: true,
        paymentToken: { address: token.address },
        relayers: [relayer],
      }),
    ).rejects.toThrow(/code hash is required/);
    expect(instantiations).toEqual([]);
  });

  it('sends no code hashes on vanilla CosmWasm', async () => {
    const { chain, instantiations } = recordingChain();
    await deployPlatform(chain, {
      network: 'cosmwasm',
      wasm,
      secret: false,
      paymentToken: token,
      relayers: [relayer],
    });
    expect(instantiations[0]?.msg).toMatchObject({
      accepted_tokens: [{ address: token.address, code_hash: null }],
    });
    expect(instantiations[1]?.msg).toMatchObject({ billing: { code_hash: null } });
  });
});

describe('deployment file', () => {
  it('names the bad field of a hand-edited or truncated file', () => {
    const good = {
      chainId: 'secretdev-1',
      network: 'localsecret',
      contracts: {
        billing: { address: 'secret1b', codeHash: 'a'.repeat(64), codeId: 1 },
        usage: { address: 'secret1u', codeHash: 'b'.repeat(64), codeId: 2 },
      },
      deployedAt: '2026-11-22T10:00:00.000Z',
    };
    expect(parseDeploymentFile(good)).toEqual(good);
    const badHash = structuredClone(good);
    badHash.contracts.billing.codeHash = 'ABC';
    expect(() => parseDeploymentFile(badHash)).toThrow(/contracts\.billing\.codeHash/);
    expect(() => parseDeploymentFile({ ...good, network: 'mainnet' })).toThrow(/network/);
    expect(() => parseDeploymentFile({ ...good, contracts: { billing: good.contracts.billing } })).toThrow(
      /contracts\.usage/,
    );
  });
});

describe('network presets', () => {
  it('LocalSecret: secretdev-1, secretjs signer derived like Keplr (coin type 529)', async () => {
    const network = resolveNetwork('localsecret', { SECRET_LCD_URL: 'http://localsecret:1317' });
    expect(network).toMatchObject({ chainId: 'secretdev-1', url: 'http://localsecret:1317', secret: true });
    expect(network.relayers).toEqual([relayer]);
    const client = await connectDeployer(network);
    expect(client.chainId).toBe('secretdev-1');
    expect(client.address).toBe(operator);
  });

  it('pulsar has a documented default LCD; secret-4 requires one', () => {
    const env = { DEPLOYER_MNEMONIC: devOnlyAccount('alice').mnemonic, DEPLOY_RELAYER_ADDRESSES: relayer };
    expect(resolveNetwork('pulsar', env)).toMatchObject({
      chainId: 'pulsar-3',
      url: expect.stringMatching(/^https:/),
    });
    expect(() => resolveNetwork('secret-4', env)).toThrow(/SECRET_LCD_URL is required/);
    expect(resolveNetwork('secret-4', { ...env, SECRET_LCD_URL: 'https://lcd.example' }).chainId).toBe(
      'secret-4',
    );
  });

  it('public networks require a mnemonic and relayers, and errors never echo the mnemonic', () => {
    expect(() => resolveNetwork('pulsar', {})).toThrow(/DEPLOYER_MNEMONIC is required/);
    const mnemonic = devOnlyAccount('bob').mnemonic;
    let message = '';
    try {
      resolveNetwork('secret-4', { DEPLOYER_MNEMONIC: mnemonic });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DEPLOY_RELAYER_ADDRESSES is required/);
    expect(message).not.toContain(mnemonic.split(' ')[0]);
    expect(() => resolveNetwork('mainnet', {})).toThrow(NetworkConfigError);
    expect(() => resolveNetwork('localsecret', { PAYMENT_TOKEN_ADDRESS: token.address })).toThrow(
      /PAYMENT_TOKEN_CODE_HASH is required/,
    );
    expect(() =>
      resolveNetwork('cosmwasm', { DEPLOYER_MNEMONIC: mnemonic, DEPLOY_RELAYER_ADDRESSES: relayer }),
    ).toThrow(/COSMWASM_RPC_URL is required/);
  });
});
