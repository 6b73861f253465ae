import { InvalidRequestError } from './errors.js';

export interface GasPriceValue {
  amount: number;
  denom: string;
}

/** "0.025ustake" → { amount: 0.025, denom: "ustake" } */
export function parseGasPrice(text: string): GasPriceValue {
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(text.trim());
  if (!match) throw new InvalidRequestError(`not a gas price like 0.025ustake: ${text}`);
  return { amount: Number(match[1]), denom: match[2] as string };
}
