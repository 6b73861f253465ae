import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type ChainClient,
  ContractError,
  connectDevnet,
  connectSecret,
  devOnlyAccount,
  mnemonicSigner,
  NetworkError,
  NotFoundError,
  TimeoutError,
} from '@privexbot/schema/chain';
import { afterAll, describe, expect, it } from 'vitest';
import { ChainOrgDirectory } from './chain-org-directory.js';
import { OrgDirectoryUnavailableError } from './org-directory.js';

/** Records the queries it gets and answers from a script: checks message shapes and mapping. */
function scriptedChain(
  answer: (msg: Record<string, unknown>) => unknown,
): ChainClient & { queries: object[] } {
  const queries: object[] = [];
  const refuse = () => Promise.reject(new Error('not used'));
  return {
    chainId: 'test-1',
    address: undefined,
    queries,
    async query<T>(_contract: string, msg: object) {
      queries.push(msg);
      return answer(msg as Record<string, unknown>) as T;
    },
    nativeBalance: refuse,
    tokenBalance: refuse,
    execute: refuse,
    sendToken: refuse,
    waitForTx: refuse,
  } as unknown as ChainClient & { queries: object[] };
}

describe('ChainOrgDirectory', () => {
  it('asks the billing contract with its message shapes and maps the answers', async () => {
    const chain = scriptedChain((msg) => {
      if ('find_org' in msg) {
        return {
          org: {
            id: 7,
            name: 'Acme',
            owner: 'secret1o',
            admins: ['secret1a'],
            members: ['secret1m'],
            auditors: [],
            pending_owner: null,
          },
          org_count: 9,
        };
      }
      return {
        orgs: [
          { org_id: 7, name: 'Acme', is_owner: false, is_pending_owner: false, roles: ['member'] },
          { org_id: 9, name: 'Pending', is_owner: false, is_pending_owner: true, roles: [] },
        ],
        total: 2,
      };
    });
    const directory = new ChainOrgDirectory(chain, 'billing-contract');
    expect(await directory.findOrg('7')).toEqual({
      contract: 'billing-contract',
      org: {
        id: '7',
        name: 'Acme',
        owner: 'secret1o',
        admins: ['secret1a'],
        members: ['secret1m'],
        auditors: [],
      },
    });
    // A pending owner holds no rights until it accepts.
    expect(await directory.orgsOf('secret1m')).toEqual(['7']);
    expect(chain.queries).toEqual([
      { find_org: { id: 7 } },
      { orgs_of: { address: 'secret1m', start: 0, limit: 100 } },
    ]);
  });

  it('takes only the contract’s typed answer for "no such org"; every failure is "unavailable"', async () => {
    const missing = new ChainOrgDirectory(
      scriptedChain(() => ({ org: null, org_count: 4 })),
      'b',
    );
    expect(await missing.findOrg('5')).toEqual({ contract: 'b', org: null });
    // Failures whose text says "not found" used to read as "the org is gone" (and deleted it).
    const failures: [string, () => unknown][] = [
      ['a contract error naming the org', () => Promise.reject(new ContractError('org 5 not found'))],
      ['no contract at the address', () => Promise.reject(new NotFoundError('contract secret1x not found'))],
      ['a proxy 404 page', () => Promise.reject(new ContractError('<html><h1>404 Not Found</h1></html>'))],
      ['the node is down', () => Promise.reject(new NetworkError('connection refused'))],
      ['a timeout', () => Promise.reject(new TimeoutError('no answer within 5000 ms'))],
      ['an answer of another shape', () => ({})],
      ['an answer without the org field', () => ({ org_count: 3 })],
      [
        'another org than asked',
        () => ({
          org: { id: 6, name: 'x', owner: 'o', admins: [], members: [], auditors: [] },
          org_count: 6,
        }),
      ],
    ];
    for (const [what, answer] of failures) {
      const directory = new ChainOrgDirectory(scriptedChain(answer), 'b');
      await expect(directory.findOrg('5'), what).rejects.toBeInstanceOf(OrgDirectoryUnavailableError);
    }
    const down = new ChainOrgDirectory(
      scriptedChain(() => {
        throw new NetworkError('connection refused');
      }),
      'b',
    );
    await expect(down.orgsOf('secret1x')).rejects.toBeInstanceOf(OrgDirectoryUnavailableError);
  });

  it('over the Secret adapter, a stand-in LCD answering 404 HTML is "unavailable", never "no such org"', async () => {
    const lcd = createHttpServer((_req, res) => {
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<html><body><h1>404 Not Found</h1></body></html>');
    });
    await new Promise<void>((resolve) => lcd.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(lcd.address() as AddressInfo).port}`;
      const codeHashSets: Record<string, string>[] = [{}, { secret1billing: 'ab'.repeat(32) }];
      for (const codeHashes of codeHashSets) {
        const client = connectSecret({ url, chainId: 'secret-4', codeHashes });
        const directory = new ChainOrgDirectory(client, 'secret1billing');
        await expect(directory.findOrg('1')).rejects.toBeInstanceOf(OrgDirectoryUnavailableError);
      }
    } finally {
      await new Promise((resolve) => lcd.close(resolve));
    }
  });
});

// Against the devnet executing the real billing wasm: needs contracts/artifacts/billing.vanilla.wasm,
// which `npm test` builds before running the TypeScript tests.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const billingWasm = join(
  process.env.PRIVEXBOT_ARTIFACTS_DIR ?? join(repoRoot, 'contracts', 'artifacts'),
  'billing.vanilla.wasm',
);

describe.runIf(existsSync(billingWasm))('ChainOrgDirectory on the devnet', () => {
  let devnet: ChildProcess | undefined;
  let dataDir: string | undefined;
  afterAll(async () => {
    devnet?.kill('SIGTERM');
    if (devnet && devnet.exitCode === null) await new Promise((resolve) => devnet?.once('exit', resolve));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('reads an org and its roles created by real transactions', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'privexbot-devnet-'));
    const port = await freePort();
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    // A process, not an import: the api never imports scripts; it talks to the chain over HTTP.
    devnet = spawn(
      process.execPath,
      [
        '--import',
        tsx,
        join(repoRoot, 'scripts/devnet/main.ts'),
        '--port',
        String(port),
        '--data-dir',
        dataDir,
      ],
      {
        stdio: 'ignore',
      },
    );
    const url = `http://127.0.0.1:${port}`;
    const billing = await waitForBilling(url);

    const alice = await mnemonicSigner(devOnlyAccount('alice').mnemonic);
    const bob = devOnlyAccount('bob').address;
    const owner = await connectDevnet({ url, signer: alice });
    const created = await owner.execute(billing, { create_org: { name: 'Devnet Org' } });
    const orgId = created.events.flatMap((e) => e.attributes).find((a) => a.key === 'org_id')?.value;
    expect(orgId).toMatch(/^[0-9]+$/);
    await owner.execute(billing, { add_org_role: { org_id: Number(orgId), role: 'auditor', address: bob } });

    const directory = new ChainOrgDirectory(await connectDevnet({ url }), billing);
    expect((await directory.findOrg(orgId as string)).org).toEqual({
      id: orgId,
      name: 'Devnet Org',
      owner: alice.address,
      admins: [],
      members: [],
      auditors: [bob],
    });
    expect(await directory.orgsOf(bob)).toContain(orgId);
    expect(await directory.findOrg('999999')).toEqual({ contract: billing, org: null });
    // A wrong address: another contract (the usage contract), or no contract at all.
    const usage = (await (await connectDevnet({ url })).status()).contracts.usage?.address as string;
    for (const wrong of [usage, `${billing.slice(0, -6)}qqqqqq`]) {
      const misconfigured = new ChainOrgDirectory(await connectDevnet({ url }), wrong);
      await expect(misconfigured.findOrg(orgId as string)).rejects.toBeInstanceOf(
        OrgDirectoryUnavailableError,
      );
      await expect(misconfigured.findOrg('999999')).rejects.toBeInstanceOf(OrgDirectoryUnavailableError);
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForBilling(url: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const client = await connectDevnet({ url });
      const billing = (await client.status()).contracts.billing?.address;
      if (billing) return billing;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`devnet at ${url} did not deploy the billing contract in time`);
}
