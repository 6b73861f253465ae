/**
 * Payment-token messages. cw20 and SNIP-20 both call the recipient's `receive` with a `msg`, but
 * name their fields differently (cw20: `contract`; SNIP-20: `recipient` plus its code hash).
 */
import { toBase64, toUtf8 } from '@cosmjs/encoding';
import type { TokenSendParams } from './chain-client.js';
import { InvalidRequestError } from './errors.js';

export interface Cw20SendMsg {
  send: { contract: string; amount: string; msg?: string };
}

export interface Snip20SendMsg {
  send: { recipient: string; recipient_code_hash?: string; amount: string; msg?: string; memo?: string };
}

export function encodeReceiveMsg(msg: object): string {
  return toBase64(toUtf8(JSON.stringify(msg)));
}

export function assertAmount(amount: string): void {
  if (!/^(0|[1-9]\d{0,38})$/.test(amount)) {
    throw new InvalidRequestError(
      `amount must be a non-negative integer string, got ${JSON.stringify(amount)}`,
    );
  }
}

export function cw20SendMsg(params: Pick<TokenSendParams, 'recipient' | 'amount' | 'msg'>): Cw20SendMsg {
  assertAmount(params.amount);
  return {
    send: {
      contract: params.recipient,
      amount: params.amount,
      ...(params.msg ? { msg: encodeReceiveMsg(params.msg) } : {}),
    },
  };
}

export function snip20SendMsg(
  params: Pick<TokenSendParams, 'recipient' | 'amount' | 'msg' | 'memo'> & { recipientCodeHash?: string },
): Snip20SendMsg {
  assertAmount(params.amount);
  return {
    send: {
      recipient: params.recipient,
      ...(params.recipientCodeHash ? { recipient_code_hash: params.recipientCodeHash } : {}),
      amount: params.amount,
      ...(params.msg ? { msg: encodeReceiveMsg(params.msg) } : {}),
      ...(params.memo ? { memo: params.memo } : {}),
    },
  };
}
