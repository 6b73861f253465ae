import { AttestationError } from './attestation-error.js';

/**
 * The text an account signs (ADR-36, Keplr `signArbitrary`) to read one org's attestations
 * from a relayer. It names the relayer's domain (a signature made for another site is
 * useless here), the org, a single-use nonce and a short validity window. The relayer issues
 * it (`GET /orgs/:org/challenge`) and checks every line; the billing contract then says
 * whether the address holds the org's owner, admin or auditor role.
 */
export interface OrgReadRequest {
  domain: string;
  address: string;
  org: string;
  /** the usage contract whose batches the attestations belong to */
  usageContract: string;
  nonce: string;
  issuedAt: string;
  expiresAt: string;
}

const TITLE = 'asks you to prove that you may read the usage attestations of one org.';
const FIELDS = [
  ['Address', 'address'],
  ['Org', 'org'],
  ['Usage contract', 'usageContract'],
  ['Nonce', 'nonce'],
  ['Issued At', 'issuedAt'],
  ['Expiration Time', 'expiresAt'],
] as const;

export function orgReadRequestMessage(request: OrgReadRequest): string {
  const lines = [`${request.domain} ${TITLE}`, ''];
  for (const [label, key] of FIELDS) lines.push(`${label}: ${request[key]}`);
  return lines.join('\n');
}

/** Parses the exact text `orgReadRequestMessage` writes; throws AttestationError otherwise. */
export function parseOrgReadRequestMessage(message: string): OrgReadRequest {
  const lines = message.split('\n');
  const head = lines[0] ?? '';
  const domain = head.endsWith(` ${TITLE}`) ? head.slice(0, -TITLE.length - 1) : '';
  if (!domain || /\s/.test(domain) || lines[1] !== '' || lines.length !== FIELDS.length + 2) {
    throw new AttestationError('INVALID_FIELD', 'is not an org read request', 'message');
  }
  const request: Partial<OrgReadRequest> = { domain };
  FIELDS.forEach(([label, key], i) => {
    const line = lines[i + 2] ?? '';
    if (!line.startsWith(`${label}: `)) {
      throw new AttestationError('INVALID_FIELD', `line ${i + 3} must start with "${label}: "`, 'message');
    }
    request[key] = line.slice(label.length + 2);
  });
  return request as OrgReadRequest;
}
