/**
 * Integer base units ↔ decimal text, in bigint so no amount is ever rounded. The payment token
 * and SCRT both have 6 decimals.
 */

import type { Asset } from './contracts/contract-messages.js';
import { InvalidInputError } from './errors.js';

export const DEFAULT_DECIMALS = 6;

export function formatAmount(amount: string | bigint, decimals = DEFAULT_DECIMALS): string {
  const value = BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(decimals);
  const whole = abs / unit;
  const fraction = (abs % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole.toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
}

/** "9.99" → "9990000"; refuses anything that is not a positive decimal with at most `decimals` places. */
export function parseAmount(text: string, decimals = DEFAULT_DECIMALS): string {
  const trimmed = text.trim().replace(/,/g, '');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(trimmed);
  if (!match) throw new InvalidInputError(`"${text}" is not an amount.`);
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) throw new InvalidInputError(`At most ${decimals} decimals.`);
  const value = BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (value <= 0n) throw new InvalidInputError('The amount must be more than zero.');
  return value.toString();
}

export function assetSymbol(asset: Asset, tokenSymbol = 'tokens'): string {
  if ('native' in asset) return asset.native.denom === 'uscrt' ? 'SCRT' : asset.native.denom;
  return tokenSymbol;
}
