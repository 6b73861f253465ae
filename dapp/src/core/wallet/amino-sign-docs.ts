/**
 * The two amino documents the dapp asks a wallet to sign without broadcasting: the ADR-36
 * sign-in/devnet document and the SNIP-24 query permit. Both layouts are fixed by their specs.
 * Written here (two object literals) instead of imported because the libraries that
 * export them, @keplr-wallet/cosmos and secretjs, would pull megabytes into the browser bundle
 * (bitcoinjs-lib; secretjs's single 8 MB browser build). The tests check both against those
 * libraries' own output.
 */
import type { StdSignDoc } from '@cosmjs/amino';
import { toBase64, toUtf8 } from '@cosmjs/encoding';

/** ADR-36 `sign/MsgSignData`: empty chain id, zero fee, account number and sequence, empty memo. */
export function adr36SignDoc(signer: string, data: string | Uint8Array): StdSignDoc {
  const bytes = typeof data === 'string' ? toUtf8(data) : data;
  return {
    chain_id: '',
    account_number: '0',
    sequence: '0',
    fee: { gas: '0', amount: [] },
    msgs: [{ type: 'sign/MsgSignData', value: { signer, data: toBase64(bytes) } }],
    memo: '',
  };
}

/** SNIP-24 `query_permit`: fee `0uscrt` with gas "1", empty memo, account number and sequence 0. */
export function queryPermitSignDoc(params: {
  chainId: string;
  permitName: string;
  allowedTokens: string[];
  permissions: string[];
}): StdSignDoc {
  return {
    chain_id: params.chainId,
    account_number: '0',
    sequence: '0',
    fee: { amount: [{ denom: 'uscrt', amount: '0' }], gas: '1' },
    msgs: [
      {
        type: 'query_permit',
        value: {
          permit_name: params.permitName,
          allowed_tokens: params.allowedTokens,
          permissions: params.permissions,
        },
      },
    ],
    memo: '',
  };
}
