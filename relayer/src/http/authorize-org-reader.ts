import { randomBytes } from 'node:crypto';
import { fromBase64, fromBech32, toHex } from '@cosmjs/encoding';
import { verifyADR36Amino } from '@keplr-wallet/cosmos';
import { orgReadRequestMessage, parseOrgReadRequestMessage } from '@privexbot/schema/attestation';
import type { ChainClient, QueryPermit } from '@privexbot/schema/chain';
import { ChainError, ContractError } from '@privexbot/schema/chain/errors';
import { z } from 'zod';
import { HttpError } from './http-error.js';

/**
 * Who may read an org's attestations: a caller who proves, against the chain, the org's owner,
 * admin or auditor role on the billing contract. Two proofs:
 * - a SNIP-24 query permit for the usage contract: the relayer hands it to the usage contract's
 *   private `org_bots` query, so the contract itself checks the signature, that the permit names
 *   it, that its name is not revoked and that the signer holds a role (it asks billing);
 * - an ADR-36 signature over a challenge this relayer issued (`challenge`): bound to the
 *   relayer's domain, the org, the usage contract, a single-use nonce and a few minutes; then the
 *   billing contract's public `org` query says whether the address holds a role.
 */
export type OrgReaderProof =
  | { permit: QueryPermit }
  | { adr36: { address: string; pub_key: string; signature: string; message: string } };

const permitSchema = z.object({
  params: z.object({
    permit_name: z.string().max(256),
    allowed_tokens: z.array(z.string().max(128)).max(32),
    chain_id: z.string().max(64),
    permissions: z.array(z.string().max(64)).max(16),
  }),
  signature: z.object({
    pub_key: z.object({ type: z.string().max(64), value: z.string().max(128) }),
    signature: z.string().max(256),
  }),
});
const proofSchema = z.union([
  z.object({ permit: permitSchema }).strict(),
  z
    .object({
      adr36: z.object({
        address: z.string().max(128),
        pub_key: z.string().max(128),
        signature: z.string().max(256),
        message: z.string().max(2048),
      }),
    })
    .strict(),
]);

export interface OrgReaderGateOptions {
  chain: ChainClient;
  usageContract: string;
  /** the relayer's public host as clients name it (`relayer.example.com`); signed into every challenge */
  domain: string;
  /** how long a challenge may be signed and used; 5 minutes by default */
  challengeTtlMs?: number;
  now?: () => number;
}

export interface OrgReadChallenge {
  message: string;
  nonce: string;
  expiresAt: string;
}

/** At most this many unused challenges are remembered: older ones are forgotten first. */
const MAX_OPEN_CHALLENGES = 10_000;

export class OrgReaderGate {
  private readonly open = new Map<string, { message: string; expiresAt: number }>();
  private billingAddress: string | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: OrgReaderGateOptions) {
    this.ttlMs = options.challengeTtlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The text `address` signs to read `org`; its nonce is single-use and expires. */
  challenge(org: string, address: string): OrgReadChallenge {
    prefixOf(address);
    this.forgetExpired();
    const nonce = toHex(randomBytes(16));
    const issued = this.now();
    const expiresAt = new Date(issued + this.ttlMs).toISOString();
    const message = orgReadRequestMessage({
      domain: this.options.domain,
      address,
      org,
      usageContract: this.options.usageContract,
      nonce,
      issuedAt: new Date(issued).toISOString(),
      expiresAt,
    });
    if (this.open.size >= MAX_OPEN_CHALLENGES) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    this.open.set(nonce, { message, expiresAt: issued + this.ttlMs });
    return { message, nonce, expiresAt };
  }

  /** Resolves when `proof` shows a role in `org`; throws HttpError otherwise. */
  async authorize(org: string, proof: unknown): Promise<void> {
    if (proof === undefined || proof === null)
      throw new HttpError(
        'AUTH_REQUIRED',
        'an org’s attestations need a query permit or an ADR-36 signature',
      );
    const parsed = proofSchema.safeParse(proof);
    if (!parsed.success) {
      throw new HttpError(
        'INVALID_REQUEST',
        'auth must be { permit: <SNIP-24 permit> } or { adr36: { address, pub_key, signature, message } }',
        { field: 'auth' },
      );
    }
    if ('permit' in parsed.data) return this.authorizePermit(org, parsed.data.permit);
    return this.authorizeSignature(org, parsed.data.adr36);
  }

  private async authorizePermit(org: string, permit: QueryPermit): Promise<void> {
    // The contracts compare the chain id too; refusing here spares a chain query.
    if (permit.params.chain_id !== this.options.chain.chainId) {
      throw new HttpError(
        'PERMIT_REFUSED',
        `the permit was signed for chain ${permit.params.chain_id}, this relayer serves ${this.options.chain.chainId}`,
      );
    }
    try {
      await this.options.chain.query(this.options.usageContract, {
        org_bots: { org_id: Number(org), start: 0, limit: 1, auth: { permit } },
      });
    } catch (error) {
      if (error instanceof ContractError) {
        // The dapp signs a fresh permit under a new name when its cached one was revoked.
        const revoked = /revoked/i.test(error.contractMessage);
        throw new HttpError(
          revoked ? 'PERMIT_REVOKED' : 'PERMIT_REFUSED',
          `the usage contract refused the permit: ${error.contractMessage}`,
        );
      }
      throw unavailable(error);
    }
  }

  private async authorizeSignature(
    org: string,
    proof: { address: string; pub_key: string; signature: string; message: string },
  ): Promise<void> {
    let request: ReturnType<typeof parseOrgReadRequestMessage>;
    try {
      request = parseOrgReadRequestMessage(proof.message);
    } catch {
      throw new HttpError('CHALLENGE_REFUSED', 'the signed message is not a challenge of this relayer');
    }
    const issued = this.open.get(request.nonce);
    if (!issued || issued.message !== proof.message) {
      throw new HttpError('CHALLENGE_REFUSED', 'the challenge is unknown or already used; ask for a new one');
    }
    if (issued.expiresAt <= this.now()) {
      this.open.delete(request.nonce);
      throw new HttpError('CHALLENGE_REFUSED', 'the challenge expired; ask for a new one');
    }
    if (request.org !== org || request.address !== proof.address) {
      throw new HttpError('CHALLENGE_REFUSED', 'the challenge was issued for another org or address');
    }
    if (!verifySignature(proof)) {
      throw new HttpError(
        'INVALID_SIGNATURE',
        'the ADR-36 signature does not verify, or the public key is not the address’s',
      );
    }
    // Burnt only once verified, so a forged attempt cannot spend an honest caller's nonce.
    this.open.delete(request.nonce);
    const roles = await this.orgRoles(org);
    const address = proof.address;
    if (roles.owner !== address && !roles.admins.includes(address) && !roles.auditors.includes(address)) {
      throw new HttpError('NOT_ORG_READER', `${address} is not an owner, admin or auditor of org ${org}`);
    }
  }

  private async orgRoles(org: string): Promise<{ owner: string; admins: string[]; auditors: string[] }> {
    try {
      if (!this.billingAddress) {
        const config = await this.options.chain.query<{ billing: { address: string } }>(
          this.options.usageContract,
          { config: {} },
        );
        this.billingAddress = config.billing.address;
      }
      return await this.options.chain.query(this.billingAddress, { org: { id: Number(org) } });
    } catch (error) {
      if (error instanceof ContractError || (error instanceof ChainError && error.code === 'NOT_FOUND')) {
        throw new HttpError('NOT_ORG_READER', `org ${org} is not an org of the billing contract`);
      }
      throw unavailable(error);
    }
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [nonce, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(nonce);
  }
}

function prefixOf(address: string): string {
  try {
    return fromBech32(address).prefix;
  } catch {
    throw new HttpError('INVALID_REQUEST', 'address must be a bech32 account address', { field: 'address' });
  }
}

function verifySignature(proof: {
  address: string;
  pub_key: string;
  signature: string;
  message: string;
}): boolean {
  try {
    return verifyADR36Amino(
      prefixOf(proof.address),
      proof.address,
      new TextEncoder().encode(proof.message),
      fromBase64(proof.pub_key),
      fromBase64(proof.signature),
    );
  } catch {
    // verifyADR36Amino throws on a key that does not derive the address: not valid, nothing more.
    return false;
  }
}

function unavailable(error: unknown): HttpError {
  return new HttpError(
    'CHAIN_UNAVAILABLE',
    'the chain could not be asked who holds the org’s roles; try again',
    {
      reason: error instanceof ChainError ? error.code : 'UNKNOWN',
    },
  );
}
