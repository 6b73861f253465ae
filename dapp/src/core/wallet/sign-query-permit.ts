import type { QueryPermit } from '@privexbot/schema/chain';
import { queryPermitSignDoc } from './amino-sign-docs.js';

/** Any amino signer: Keplr's `getOfflineSignerOnlyAmino`, a dev key, cosmjs wallets. */
export interface AminoSigner {
  signAmino(
    signerAddress: string,
    signDoc: ReturnType<typeof queryPermitSignDoc>,
  ): Promise<{ signature: { pub_key: { type: string; value: string }; signature: string } }>;
}

/** A SNIP-24 query permit signed by `owner` (never broadcast; costs nothing). */
export async function signQueryPermitWith(
  signer: AminoSigner,
  owner: string,
  params: { chainId: string; permitName: string; allowedTokens: string[]; permissions: string[] },
): Promise<QueryPermit> {
  const { signature } = await signer.signAmino(owner, queryPermitSignDoc(params));
  return {
    params: {
      permit_name: params.permitName,
      allowed_tokens: params.allowedTokens,
      chain_id: params.chainId,
      permissions: params.permissions,
    },
    signature,
  };
}
