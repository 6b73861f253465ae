import { type ChainErrorCode, chainErrorCodes } from '@privexbot/schema/errors';
import { BaseError, ChainRequestError, TransactionTimeoutError } from '../errors.js';

/** Error shape of every ChainClient adapter (schema's ChainError), matched structurally so this
 * module does not have to load the chain package. */
interface ChainErrorLike {
  name: string;
  code: ChainErrorCode;
  message: string;
}

const chainCodes = new Set<unknown>(chainErrorCodes);

function isChainErrorLike(error: unknown): error is ChainErrorLike {
  return error instanceof Error && chainCodes.has((error as { code?: unknown }).code);
}

const shortMessages: Partial<Record<ChainErrorCode, string>> = {
  INSUFFICIENT_FUNDS: 'The account does not hold enough funds for this transaction.',
  UNAUTHORIZED: 'The chain refused this: the account lacks the rights for it.',
  BAD_SIGNATURE: 'The chain refused the signature.',
  NONCE_REUSED: 'This transaction was already submitted.',
  WRONG_CHAIN: 'The wallet signed for another chain.',
  NETWORK_ERROR: 'The chain could not be reached.',
  NOT_FOUND: 'The chain has no such contract, account or transaction.',
  SIGNER_REQUIRED: 'Connect a wallet to send transactions.',
};

/** Turns whatever a ChainClient threw into the dapp's error family, keeping the original as cause. */
export function toDappError(error: unknown, txHash?: string): BaseError {
  if (error instanceof BaseError) return error;
  if (isChainErrorLike(error)) {
    if (error.code === 'TIMEOUT' && txHash) return new TransactionTimeoutError(txHash, { cause: error });
    const contractMessage = (error as { contractMessage?: unknown }).contractMessage;
    if (error.code === 'CONTRACT_ERROR' && typeof contractMessage === 'string') {
      return new ChainRequestError(`The contract refused: ${contractMessage}`, error.code, { cause: error });
    }
    return new ChainRequestError(shortMessages[error.code] ?? error.message, error.code, { cause: error });
  }
  if (error instanceof Error && /reject|denied|cancel/i.test(error.message)) {
    return new ChainRequestError('The wallet request was rejected.', 'REJECTED', { cause: error });
  }
  return new ChainRequestError('The chain request failed.', 'INTERNAL', { cause: error });
}
