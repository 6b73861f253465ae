import type { ChainErrorCode, DappErrorCode, ErrorCode } from '@privexbot/schema/errors';

/**
 * One base error for everything the dapp's actions can throw (modelled on wagmi's BaseError):
 * a short message fit for the UI, optional details for the curious, and the `cause` chain kept
 * for debugging. Each failure has its own named subclass so that pages can branch on it.
 */
export interface BaseErrorOptions {
  details?: string | undefined;
  cause?: unknown;
}

export class BaseError extends Error {
  override name = 'BaseError';
  /** one sentence a user can read */
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    const details = options.details ?? detailsOf(options.cause);
    super(details ? `${shortMessage}\n\nDetails: ${details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = details;
  }

  /** Walks the cause chain and returns the first error `predicate` accepts. */
  walk(
    predicate: (error: unknown) => boolean = (error) => !(error instanceof Error && error.cause),
  ): unknown {
    let current: unknown = this;
    for (let depth = 0; current !== undefined && depth < 20; depth += 1) {
      if (predicate(current)) return current;
      current = current instanceof Error ? current.cause : undefined;
    }
    return undefined;
  }
}

function detailsOf(cause: unknown): string | undefined {
  if (cause instanceof BaseError) return cause.details;
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  return undefined;
}

/** No `window.keplr`: the extension is missing or not yet injected. */
export class WalletNotFoundError extends BaseError {
  override name = 'WalletNotFoundError';
  constructor() {
    super('Keplr was not found. Install the Keplr extension, or use a dev key on the devnet.');
  }
}

/** The user closed or refused a wallet prompt. */
export class UserRejectedRequestError extends BaseError {
  override name = 'UserRejectedRequestError';
  constructor(action: string, options: BaseErrorOptions = {}) {
    super(`The wallet request to ${action} was rejected.`, options);
  }
}

/** An action that needs a connected account ran while none was connected. */
export class NotConnectedError extends BaseError {
  override name = 'NotConnectedError';
  constructor(action: string) {
    super(`Connect a wallet to ${action}.`);
  }
}

/** The chain settings lack something this action needs (a contract address, an endpoint). */
export class ChainNotConfiguredError extends BaseError {
  override name = 'ChainNotConfiguredError';
  constructor(what: string, options: BaseErrorOptions = {}) {
    super(`The chain is not configured for ${what}.`, options);
  }
}

/** The api refused the sign-in or answered something unexpected during it. */
export class SignInError extends BaseError {
  override name = 'SignInError';
  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super(shortMessage, options);
  }
}

/**
 * A code from an error body, or `HTTP_<status>` when the body carried none we know (a proxy's
 * HTML page, a newer server): pages switch on it, so it is typed by schema's union.
 */
export type ApiRequestErrorCode = ErrorCode | `HTTP_${number}`;

/** The api (or the relayer) answered with an error body `{ error: { code, message, details?, requestId } }`. */
export class ApiRequestError extends BaseError {
  override name = 'ApiRequestError';
  readonly status: number;
  readonly code: ApiRequestErrorCode;
  readonly requestId: string | undefined;

  constructor(params: {
    status: number;
    code: ApiRequestErrorCode;
    message: string;
    requestId?: string;
    details?: unknown;
  }) {
    super(params.message, {
      details: params.details === undefined ? undefined : JSON.stringify(params.details),
    });
    this.status = params.status;
    this.code = params.code;
    this.requestId = params.requestId;
  }
}

/** The api has no such route (yet): the page shows what it expected instead of failing obscurely. */
export class ApiRouteMissingError extends BaseError {
  override name = 'ApiRouteMissingError';
  readonly route: string;
  constructor(route: string) {
    super(`The api does not offer ${route} yet.`);
    this.route = route;
  }
}

/** The api could not be reached at all. */
export class ApiUnreachableError extends BaseError {
  override name = 'ApiUnreachableError';
  constructor(options: BaseErrorOptions = {}) {
    super('The PrivexBot api could not be reached.', options);
  }
}

/** The chain refused or failed a request; `code` is the ChainClient's stable error code. */
export class ChainRequestError extends BaseError {
  override name = 'ChainRequestError';
  readonly code: ChainErrorCode | DappErrorCode;
  constructor(shortMessage: string, code: ChainErrorCode | DappErrorCode, options: BaseErrorOptions = {}) {
    super(shortMessage, options);
    this.code = code;
  }
}

/** A transaction was not seen in a block before the deadline (it may still land). */
export class TransactionTimeoutError extends BaseError {
  override name = 'TransactionTimeoutError';
  readonly txHash: string;
  constructor(txHash: string, options: BaseErrorOptions = {}) {
    super(`Transaction ${txHash} was not confirmed in time; it may still be included.`, options);
    this.txHash = txHash;
  }
}

/** The user typed something the action cannot use (caught before anything is signed or sent). */
export class InvalidInputError extends BaseError {
  override name = 'InvalidInputError';
  constructor(shortMessage: string) {
    super(shortMessage);
  }
}

/** Everything the UI shows of an error: its short message, never a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
