/**
 * Typed errors of every ChainClient adapter. Callers branch on `code` (stable, also used by the
 * devnet's HTTP error bodies) or on the subclass; `message` is short and safe to show to a user.
 */
import type { ChainErrorCode } from '../errors/error-codes.js';

export { type ChainErrorCode, chainErrorCodes } from '../errors/error-codes.js';

export interface ChainErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class ChainError extends Error {
  override readonly name: string = 'ChainError';
  readonly code: ChainErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ChainErrorCode, message: string, options: ChainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** The contract refused the message; `contractMessage` is the contract's own error text. */
export class ContractError extends ChainError {
  override readonly name = 'ContractError';
  readonly contractMessage: string;
  constructor(contractMessage: string, options: ChainErrorOptions = {}) {
    super('CONTRACT_ERROR', `contract error: ${contractMessage}`, options);
    this.contractMessage = contractMessage;
  }
}

export class NotFoundError extends ChainError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options: ChainErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** The request was not allowed: a bad signature, a replayed nonce, a wrong chain, a missing permit. */
export class UnauthorizedError extends ChainError {
  override readonly name = 'UnauthorizedError';
  constructor(
    message: string,
    code: 'UNAUTHORIZED' | 'BAD_SIGNATURE' | 'NONCE_REUSED' | 'WRONG_CHAIN' = 'UNAUTHORIZED',
    options: ChainErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

export class InsufficientFundsError extends ChainError {
  override readonly name = 'InsufficientFundsError';
  constructor(message: string, options: ChainErrorOptions = {}) {
    super('INSUFFICIENT_FUNDS', message, options);
  }
}

/** The caller passed something malformed (an address, an amount, a message shape). */
export class InvalidRequestError extends ChainError {
  override readonly name = 'InvalidRequestError';
  constructor(message: string, options: ChainErrorOptions = {}) {
    super('INVALID_REQUEST', message, options);
  }
}

/** A state change was attempted through a read-only client. */
export class SignerRequiredError extends ChainError {
  override readonly name = 'SignerRequiredError';
  constructor(action: string) {
    super('SIGNER_REQUIRED', `${action} needs a signer; this client is read-only`);
  }
}

/** The chain could not be reached or answered something unreadable; usually worth a retry. */
export class NetworkError extends ChainError {
  override readonly name = 'NetworkError';
  constructor(message: string, options: ChainErrorOptions = {}) {
    super('NETWORK_ERROR', message, options);
  }
}

export class TimeoutError extends ChainError {
  override readonly name = 'TimeoutError';
  constructor(message: string, options: ChainErrorOptions = {}) {
    super('TIMEOUT', message, options);
  }
}

export function isChainError(error: unknown): error is ChainError {
  return error instanceof ChainError;
}

/** Rebuilds the typed error from a `{ code, message }` pair (the devnet's HTTP error body). */
export function chainErrorFromCode(
  code: string,
  message: string,
  options: ChainErrorOptions = {},
): ChainError {
  switch (code) {
    case 'CONTRACT_ERROR': {
      const contractMessage =
        typeof options.details?.contractMessage === 'string'
          ? options.details.contractMessage
          : message.replace(/^contract error: /, '');
      return new ContractError(contractMessage, options);
    }
    case 'NOT_FOUND':
      return new NotFoundError(message, options);
    case 'UNAUTHORIZED':
    case 'BAD_SIGNATURE':
    case 'NONCE_REUSED':
    case 'WRONG_CHAIN':
      return new UnauthorizedError(message, code, options);
    case 'INSUFFICIENT_FUNDS':
      return new InsufficientFundsError(message, options);
    case 'INVALID_REQUEST':
      return new InvalidRequestError(message, options);
    case 'TIMEOUT':
      return new TimeoutError(message, options);
    case 'NETWORK_ERROR':
      return new NetworkError(message, options);
    default:
      return new ChainError('INTERNAL', message, options);
  }
}

/**
 * Classifies the failure text of a node (cosmjs, secretjs, cw-simulate). Hand-written because
 * nodes report failures as free text (raw logs); the patterns are the Cosmos SDK's own wording.
 */
export function classifyChainFailure(text: string, options: ChainErrorOptions = {}): ChainError {
  const lower = text.toLowerCase();
  if (lower.includes('insufficient funds') || lower.includes('insufficient fee')) {
    return new InsufficientFundsError(text, options);
  }
  if (lower.includes('unauthorized')) return new UnauthorizedError(text, 'UNAUTHORIZED', options);
  if (
    lower.includes('not found') &&
    (lower.includes('contract') || lower.includes('account') || lower.includes('tx'))
  ) {
    return new NotFoundError(text, options);
  }
  if (lower.includes('timed out') || lower.includes('timeout')) return new TimeoutError(text, options);
  if (
    lower.includes('fetch failed') ||
    lower.includes('econnrefused') ||
    lower.includes('network') ||
    lower.includes('socket hang up') ||
    // cosmjs's RPC client when the node's address answers an HTTP error page (a proxy's 404)
    lower.includes('bad status on response')
  ) {
    return new NetworkError(text, options);
  }
  return new ContractError(extractContractMessage(text), options);
}

/** Strips the SDK's wrapping ("failed to execute message; message index: 0: ... : execute wasm contract failed"). */
export function extractContractMessage(text: string): string {
  const encrypted = /encrypted: (.*?)(?::\s*(?:execute|instantiate|query) (?:wasm )?contract failed)?$/.exec(
    text,
  );
  if (encrypted?.[1]) return encrypted[1].trim();
  const wrapped =
    /message index: \d+: (.*?)(?::\s*(?:execute|instantiate) wasm contract failed)?(?::\s*unknown request)?$/.exec(
      text,
    );
  if (wrapped?.[1]) return wrapped[1].trim();
  const query = /Generic error: Querier contract error: (.*)$/.exec(text);
  if (query?.[1]) return query[1].trim();
  return text.trim();
}

/** The text of anything thrown: an Error, a grpc-gateway error body ({ code, message }), or else. */
export function failureText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
