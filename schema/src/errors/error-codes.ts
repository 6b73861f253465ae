/**
 * Every machine-readable error code of PrivexBot, in one style (SCREAMING_SNAKE), per surface.
 * Clients branch on codes, so they are part of the protocol: a code is added here first, and a
 * service's error type accepts only the codes of its own list (the type system refuses others).
 * Messages are for people and may change; codes may not.
 */

/** The api platform's HTTP errors (`{ error: { code, message, details?, requestId } }`); the api maps each to one status. */
export const ApiErrorCode = {
  // 400
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  AUTH_MESSAGE_MALFORMED: 'AUTH_MESSAGE_MALFORMED',
  AUTH_PUBKEY_MALFORMED: 'AUTH_PUBKEY_MALFORMED',
  /** A date range longer than the route serves (`details.maxDays`). */
  RANGE_TOO_LONG: 'RANGE_TOO_LONG',
  /** A URL being ingested redirected to a Location that is not a valid http(s) URL. */
  URL_REDIRECT_INVALID: 'URL_REDIRECT_INVALID',
  /** A bot model the inference gateway does not offer (`details.models`: those it does). */
  MODEL_NOT_OFFERED: 'MODEL_NOT_OFFERED',
  /** A request that must come from a web page carried no Origin, or not a plain http(s) one. */
  ORIGIN_MALFORMED: 'ORIGIN_MALFORMED',
  // 401
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  REFRESH_TOKEN_INVALID: 'REFRESH_TOKEN_INVALID',
  API_KEY_INVALID: 'API_KEY_INVALID',
  AUTH_SIGNATURE_INVALID: 'AUTH_SIGNATURE_INVALID',
  AUTH_PUBKEY_MISMATCH: 'AUTH_PUBKEY_MISMATCH',
  AUTH_ADDRESS_MISMATCH: 'AUTH_ADDRESS_MISMATCH',
  AUTH_DOMAIN_MISMATCH: 'AUTH_DOMAIN_MISMATCH',
  AUTH_URI_MISMATCH: 'AUTH_URI_MISMATCH',
  AUTH_CHAIN_MISMATCH: 'AUTH_CHAIN_MISMATCH',
  AUTH_NONCE_UNKNOWN: 'AUTH_NONCE_UNKNOWN',
  AUTH_NONCE_USED: 'AUTH_NONCE_USED',
  AUTH_CHALLENGE_EXPIRED: 'AUTH_CHALLENGE_EXPIRED',
  AUTH_MESSAGE_TAMPERED: 'AUTH_MESSAGE_TAMPERED',
  // 403
  FORBIDDEN: 'FORBIDDEN',
  /**
   * The chain refuses the platform's reader the org's plan or usage: the org has not named
   * it as an auditor (`details.readerAddress`). An owner or admin fixes it in the dapp.
   */
  CHAIN_READ_NOT_GRANTED: 'CHAIN_READ_NOT_GRANTED',
  // 404
  NOT_FOUND: 'NOT_FOUND',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  // 409
  CONFLICT: 'CONFLICT',
  /** A lead whose consent version is not the bot's current consent text (`details.consentVersion`: the current one). */
  CONSENT_TEXT_CHANGED: 'CONSENT_TEXT_CHANGED',
  // 413, 415
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** An uploaded document past a parsing limit: it inflates, or yields text, beyond the caps (`details.reason`). */
  DOCUMENT_TOO_LARGE: 'DOCUMENT_TOO_LARGE',
  // 422
  /** A document the parser could not finish within its time limit, or that crashed it (`details.reason`). */
  DOCUMENT_UNPARSABLE: 'DOCUMENT_UNPARSABLE',
  // 402, 429 (used by chat and quotas)
  QUOTA_EXHAUSTED: 'QUOTA_EXHAUSTED',
  RATE_LIMITED: 'RATE_LIMITED',
  // 5xx
  /** The language model (through the gateway) failed; sent as a chat stream's `error` event. */
  UPSTREAM_FAILED: 'UPSTREAM_FAILED',
  CHAIN_UNAVAILABLE: 'CHAIN_UNAVAILABLE',
  /**
   * The api's stored copy of this org mirrors another billing contract than the one it is
   * configured for (`details.mirrored`, `details.configured`): an operator's setting. The
   * data is kept and never served as the configured contract's org of the same id.
   */
  ORG_MIRRORS_OTHER_CONTRACT: 'ORG_MIRRORS_OTHER_CONTRACT',
  NOT_READY: 'NOT_READY',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
export const apiErrorCodes = Object.values(ApiErrorCode) as readonly ApiErrorCode[];

/** The inference gateway's HTTP errors (same body shape as the api's). */
export const gatewayErrorCodes = [
  'INVALID_REQUEST',
  'INVALID_JSON',
  'UNKNOWN_MODEL',
  'UNAUTHORIZED',
  'BAD_SIGNATURE',
  'STALE_TIMESTAMP',
  'REPLAYED_REQUEST',
  'NOT_FOUND',
  'DUPLICATE_REQUEST',
  'RECEIPT_CONFLICT',
  'RECEIPT_NOT_CONTIGUOUS',
  'RANGE_NOT_ATTESTED',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UPSTREAM_ERROR',
  'ATTESTATION_FAILED',
  'INTERNAL_ERROR',
] as const;
export type GatewayErrorCode = (typeof gatewayErrorCodes)[number];

/** The relayer's HTTP errors (batch publication, org reads, health). */
export const relayerHttpErrorCodes = [
  'INVALID_REQUEST',
  'AUTH_REQUIRED',
  'INVALID_SIGNATURE',
  'CHALLENGE_REFUSED',
  'PERMIT_REFUSED',
  'PERMIT_REVOKED',
  'NOT_ORG_READER',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_ERROR',
  'CHAIN_UNAVAILABLE',
] as const;
export type RelayerHttpErrorCode = (typeof relayerHttpErrorCodes)[number];

/** Failures of the relayer's loop (reported in its health, logs and metrics). */
export const relayerErrorCodes = [
  'ADOPT_INCOMPLETE',
  'ADOPT_MISMATCH',
  'BATCH_MISMATCH',
  'BATCH_REJECTED',
  'CURSOR_AHEAD_OF_CHAIN',
  'CURSOR_MOVED',
  'GATEWAY_BAD_RESPONSE',
  'GATEWAY_ERROR',
  'GATEWAY_RANGE_NOT_ATTESTED',
  'GATEWAY_RECEIPT_CONFLICT',
  'GATEWAY_RECEIPT_NOT_CONTIGUOUS',
  'GATEWAY_SIGNER_CHANGED',
  'GATEWAY_SIGNER_MISMATCH',
  'GATEWAY_UNAUTHORIZED',
  'GATEWAY_UNREACHABLE',
  'LOST_LEADERSHIP',
  'RECEIPT_MISMATCH',
  'RECEIPT_REFUSED',
  'RELAYER_NOT_ALLOWED',
  'REVOKED_SIGNER',
  'SEQUENCE_REJECTED',
  'SUBMIT_OUTCOME_UNKNOWN',
  'V1_RETIRED',
] as const;
export type RelayerErrorCode = (typeof relayerErrorCodes)[number];

/** Every ChainClient adapter's errors (also the devnet's HTTP error bodies). */
export const chainErrorCodes = [
  'CONTRACT_ERROR',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'BAD_SIGNATURE',
  'NONCE_REUSED',
  'WRONG_CHAIN',
  'INSUFFICIENT_FUNDS',
  'INVALID_REQUEST',
  'SIGNER_REQUIRED',
  'NETWORK_ERROR',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type ChainErrorCode = (typeof chainErrorCodes)[number];

/** Every way an attestation can be malformed or fail verification. */
export const attestationErrorCodes = [
  'INVALID_FIELD',
  'INVALID_ENCODING',
  'INVALID_SIGNATURE',
  'INVALID_KEY',
  'INVALID_MERKLE_INPUT',
  'INVALID_GATEWAY_AUTH',
] as const;
export type AttestationErrorCode = (typeof attestationErrorCodes)[number];

/** What an audit can find wrong (the audit CLI's and the auditor page's report). */
export const auditProblemCodes = [
  'MISSING_BATCH',
  'PUBLICATION_MISMATCH',
  'MALFORMED_PUBLICATION',
  'MERKLE_MISMATCH',
  'UNREGISTERED_SIGNER',
  'REVOKED_SIGNER',
  'DEV_SIGNER',
  'SEQUENCE_GAP',
  'DUPLICATE_SEQUENCE',
  'LAST_SEQ_MISMATCH',
  'TOTALS_MISMATCH',
  'UNKNOWN_BATCH',
  'MALFORMED_ATTESTATION',
  'TAMPERED_ATTESTATION',
  'FOREIGN_ATTESTATION',
  'BAD_SIGNATURE',
  'WRONG_SIGNER',
  'SEQUENCE_MISMATCH',
  'DUPLICATE_ATTESTATION',
  'PROOF_MISMATCH',
  'COUNTER_MISMATCH',
  'MISSING_RECEIPT',
  'RECEIPT_HEADER_MISMATCH',
  'RECEIPT_MALFORMED',
  'RECEIPT_BAD_SIGNATURE',
  'RECEIPT_ROOT_MISMATCH',
  'RECEIPT_COUNT_MISMATCH',
  'RECEIPT_FOREIGN_LEAF',
  'RECEIPT_LINE_MISMATCH',
  'UNKNOWN_RECEIPT',
] as const;
export type AuditProblemCode = (typeof auditProblemCodes)[number];

/**
 * Why a website crawl skipped a URL it found (stored in `CrawlPage.reason`, listed by the api's
 * website view, explained in a sentence by the dapp). Not errors of a request: the crawl goes on.
 */
export const crawlSkipReasons = [
  'ROBOTS_DISALLOWED',
  'OFF_ORIGIN',
  'OUTSIDE_PATTERNS',
  'MAX_DEPTH',
  'MAX_PAGES',
  'MAX_TOTAL_BYTES',
  'NOT_HTML',
  'TOO_LARGE',
  'REDIRECTED_OFF_ORIGIN',
  'DUPLICATE_CONTENT',
  'NO_TEXT',
  /** Extraction overran its time or memory cap (a hostile or pathological page). */
  'EXTRACT_TIMEOUT',
  'EXTRACT_TOO_LARGE',
  /** The org's plan has no room for the page's text. */
  'KNOWLEDGE_STORAGE',
] as const;
export type CrawlSkipReason = (typeof crawlSkipReasons)[number];

/** Why a website crawl failed to read a URL it tried (same places as the skip reasons). */
export const crawlFailReasons = [
  'HTTP_404',
  'HTTP_ERROR',
  'REDIRECT_LOOP',
  'TOO_MANY_REDIRECTS',
  'REDIRECT_INVALID',
  'BLOCKED_ADDRESS',
  'TIMEOUT',
  'NETWORK_ERROR',
  'INVALID_URL',
  'SITEMAP_TOO_LARGE',
  'SITEMAP_UNREADABLE',
  'EXTRACT_FAILED',
] as const;
export type CrawlFailReason = (typeof crawlFailReasons)[number];

export const crawlReasons = [...crawlSkipReasons, ...crawlFailReasons] as const;
export type CrawlReason = CrawlSkipReason | CrawlFailReason;

/**
 * Failures the dapp names itself: a wallet prompt refused, a chat stream's `error` event without
 * a code, a stream that ended before `done` (the widget names it too; it imports nothing of ours).
 * A response without a known code is `HTTP_<status>`.
 */
export const dappErrorCodes = ['REJECTED', 'CHAT_ERROR', 'STREAM_BROKEN'] as const;
export type DappErrorCode = (typeof dappErrorCodes)[number];

export type ErrorCode =
  | ApiErrorCode
  | GatewayErrorCode
  | RelayerHttpErrorCode
  | RelayerErrorCode
  | ChainErrorCode
  | AttestationErrorCode
  | AuditProblemCode
  | DappErrorCode;

/** The union, as a list without repeats (codes shared by surfaces mean the same thing). */
export const errorCodes: readonly ErrorCode[] = [
  ...new Set<ErrorCode>([
    ...apiErrorCodes,
    ...gatewayErrorCodes,
    ...relayerHttpErrorCodes,
    ...relayerErrorCodes,
    ...chainErrorCodes,
    ...attestationErrorCodes,
    ...auditProblemCodes,
    ...dappErrorCodes,
  ]),
];

const known = new Set<string>(errorCodes);

/** Narrows a code read off the wire (an error body, an SSE `error` event). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && known.has(value);
}
