import type { ChainClient } from '@privexbot/schema/chain';
import { connectSecret } from '@privexbot/schema/chain';
import type { ChainSettings } from '../config.js';
import type { KeplrLike } from '../wallet/keplr-like.js';

/**
 * Secret Network through secretjs: Keplr's amino signer signs, and Keplr's enigma utils encrypt
 * contract messages so that Keplr can show and decrypt what it signs.
 */
export function connectSecretClient(
  settings: ChainSettings,
  signer: { address: string; wallet: KeplrLike } | undefined,
): ChainClient {
  return connectSecret({
    url: settings.lcdUrl!,
    chainId: settings.chainId,
    ...(signer
      ? {
          wallet: signer.wallet.getOfflineSignerOnlyAmino(settings.walletChainId) as never,
          walletAddress: signer.address,
          encryptionUtils: signer.wallet.getEnigmaUtils(settings.walletChainId) as never,
        }
      : {}),
  });
}
