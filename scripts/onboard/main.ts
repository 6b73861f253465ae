/**
 * Onboards an org without a browser: create, subscribe (Free by default), grant the platform
 * reader. See README.md.
 *
 *   ONBOARD_MNEMONIC="…" npx tsx scripts/onboard/main.ts --api http://127.0.0.1:8080 \
 *     --devnet http://127.0.0.1:26680 --name "Acme" [--plan Starter] [--periods 1]
 */
import { parseArgs } from 'node:util';
import {
  type ChainClient,
  connectDevnet,
  connectSigningClient,
  mnemonicSigner,
} from '@privexbot/schema/chain';
import { onboardOrg } from './onboard-org.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    reader: { type: 'string' },
    devnet: { type: 'string' },
    lcd: { type: 'string' },
    'chain-id': { type: 'string' },
    billing: { type: 'string' },
    name: { type: 'string' },
    'org-id': { type: 'string' },
    plan: { type: 'string', default: 'Free' },
    periods: { type: 'string', default: '1' },
  },
});

function fail(message: string): never {
  console.error(`onboard: ${message}`);
  process.exit(2);
}

const mnemonic = process.env.ONBOARD_MNEMONIC;
if (!mnemonic) fail('set ONBOARD_MNEMONIC to the owner’s mnemonic (never pass it as an argument)');

async function readerAddress(): Promise<string> {
  if (values.reader) return values.reader;
  if (!values.api) fail('give --api (the reader is read from GET /v1/platform) or --reader');
  const response = await fetch(new URL('/v1/platform', values.api));
  if (!response.ok) fail(`GET /v1/platform answered ${response.status}`);
  const platform = (await response.json()) as { chainReaderAddress?: string | null };
  if (!platform.chainReaderAddress)
    fail('the api reads no chain (chainReaderAddress is null): nothing to grant');
  return platform.chainReaderAddress;
}

async function connect(): Promise<{ chain: ChainClient; billing: string }> {
  if (values.devnet) {
    const chain = await connectDevnet({ url: values.devnet, signer: await mnemonicSigner(mnemonic!) });
    const billing = values.billing ?? (await chain.status()).contracts.billing?.address;
    if (!billing) fail('the devnet has no billing contract');
    return { chain, billing };
  }
  if (!values.lcd || !values['chain-id'] || !values.billing)
    fail('give --devnet, or --lcd, --chain-id and --billing');
  const chain = await connectSigningClient(
    { adapter: 'secret', url: values.lcd, chainId: values['chain-id'] },
    mnemonic!,
  );
  return { chain, billing: values.billing };
}

const { chain, billing } = await connect();
const result = await onboardOrg({
  chain,
  billing,
  ...(values.name ? { name: values.name } : {}),
  ...(values['org-id'] ? { orgId: Number(values['org-id']) } : {}),
  plan: values.plan,
  periods: Number(values.periods),
  readerAddress: await readerAddress(),
  log: (line) => console.log(line),
});
console.log(JSON.stringify(result));
