/** Opens a signing ChainClient for a resolved network with the right adapter. */
import { DirectSecp256k1HdWallet } from '@cosmjs/proto-signing';
import {
  type ChainClient,
  connectCosmWasm,
  connectDevnet,
  connectSecret,
  mnemonicSigner,
} from '@privexbot/schema/chain';
import { Wallet } from 'secretjs';
import type { ResolvedNetwork } from './resolve-network.js';

export async function connectDeployer(network: ResolvedNetwork): Promise<ChainClient> {
  switch (network.adapter) {
    case 'secret': {
      // secretjs's Wallet derives with Secret's coin type 529, as Keplr does.
      const wallet = new Wallet(network.mnemonic);
      return connectSecret({
        url: network.url,
        chainId: network.chainId,
        wallet,
        walletAddress: wallet.address,
        // Billing and usage each take a few 100k gas to instantiate (registration messages included).
        gasLimit: 1_000_000,
      });
    }
    case 'cosmwasm': {
      const signer = await DirectSecp256k1HdWallet.fromMnemonic(network.mnemonic, {
        prefix: network.addressPrefix,
      });
      return connectCosmWasm({
        rpcUrl: network.url,
        signer,
        ...(network.gasPrice ? { gasPrice: network.gasPrice } : {}),
        nativeDenom: network.nativeDenom,
      });
    }
    case 'devnet':
      return connectDevnet({ url: network.url, signer: await mnemonicSigner(network.mnemonic) });
  }
}
