/**
 * The two operator steps the devnet needs before the platform can use it, shared by `npm start`
 * and the browser journey (tests/e2e) so both run the product the same way. Both are
 * idempotent: a restart over kept state repeats them harmlessly.
 */
import { createHash } from 'node:crypto';
import { type ChainClient, connectDevnet, devOnlyAccount, mnemonicSigner } from '@privexbot/schema/chain';
import { usageClient } from '@privexbot/schema/contracts';
import { setUpChainReader as setUpReader } from '../deploy/chain-reader.js';

async function operatorChain(devnetUrl: string) {
  return connectDevnet({ url: devnetUrl, signer: await mnemonicSigner(devOnlyAccount('operator').mnemonic) });
}

/** Registers the gateway's signer key in the usage contract (dev mode) unless it already is. */
export async function registerGatewaySigner(devnetUrl: string, gatewayUrl: string): Promise<void> {
  const chain = await operatorChain(devnetUrl);
  const usage = (await chain.status()).contracts.usage?.address;
  if (!usage) throw new Error('the devnet has no usage contract');
  await registerGatewaySignerOn(chain, usage, gatewayUrl);
}

/** The same on any chain, signed by its operator (npm start -- --chain wasmd). */
export async function registerGatewaySignerOn(
  operator: ChainClient,
  usage: string,
  gatewayUrl: string,
): Promise<void> {
  const info = (await (await fetch(`${gatewayUrl}/attestation`)).json()) as { signer_base64: string };
  const client = usageClient(operator, usage);
  const existing = await client.query('signer', { pubkey: info.signer_base64 }).catch(() => undefined);
  if (existing) return;
  // In dev mode there is no TEE report; the hash names the key itself.
  const attestationHash = createHash('sha256')
    .update(Buffer.from(info.signer_base64, 'base64'))
    .digest('base64');
  await client.registerSigner({ pubkey: info.signer_base64, attestationHash, mode: 'dev' });
}

/**
 * Gives the platform's chain reader (the api's CHAIN_READER_ADDRESS) its viewing key on both
 * contracts and returns its address, the way the deploy does on every network
 * (scripts/deploy/chain-reader.ts). On the devnet the reader is the operator's dev account.
 */
export async function setUpChainReader(devnetUrl: string, viewingKey: string): Promise<string> {
  const chain = await operatorChain(devnetUrl);
  const { contracts } = await chain.status();
  const billing = contracts.billing?.address;
  const usage = contracts.usage?.address;
  if (!billing || !usage) throw new Error('the devnet has no billing or usage contract');
  return (await setUpReader(chain, { billing, usage }, viewingKey)).address;
}
