/**
 * The human-readable text a wallet signs to sign in (ADR-36 `signArbitrary`), modelled on
 * EIP-4361/CAIP-122: every field the server checks is on its own labelled line.
 *
 *   localhost:8080 wants you to sign in to PrivexBot with your account:
 *   secret1...
 *
 *   URI: http://localhost:8080
 *   Chain ID: privexbot-devnet-1
 *   Nonce: 3q2-...
 *   Issued At: 2026-11-22T02:00:00.000Z
 *   Expiration Time: 2026-11-22T02:05:00.000Z
 */
export interface SignInMessageFields {
  domain: string;
  address: string;
  uri: string;
  chainId: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
}

export function formatSignInMessage(fields: SignInMessageFields): string {
  return [
    `${fields.domain} wants you to sign in to PrivexBot with your account:`,
    fields.address,
    '',
    `URI: ${fields.uri}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt}`,
    `Expiration Time: ${fields.expiresAt}`,
  ].join('\n');
}

const messagePattern = new RegExp(
  [
    '^(?<domain>[^\\s/]+) wants you to sign in to PrivexBot with your account:',
    '(?<address>[a-z0-9]+)',
    '',
    'URI: (?<uri>\\S+)',
    'Chain ID: (?<chainId>[A-Za-z0-9._-]+)',
    'Nonce: (?<nonce>[A-Za-z0-9_-]+)',
    'Issued At: (?<issuedAt>\\S+)',
    'Expiration Time: (?<expiresAt>\\S+)$',
  ].join('\\n'),
);

/** null when the text is not a sign-in message of this format. */
export function parseSignInMessage(text: string): SignInMessageFields | null {
  const groups = messagePattern.exec(text)?.groups;
  if (!groups) return null;
  const fields = groups as unknown as SignInMessageFields;
  if (Number.isNaN(Date.parse(fields.issuedAt)) || Number.isNaN(Date.parse(fields.expiresAt))) return null;
  return fields;
}
