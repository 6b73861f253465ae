/**
 * The port through which the api reads organizations and roles from the billing contract.
 * The api mirrors what it returns into Org/Member rows (services/orgs/sync-org-mirror.ts);
 * nothing else in the api talks to the chain about orgs.
 */
export interface OrgRecord {
  /** The contract's org id (u64) in decimal. */
  id: string;
  name: string;
  owner: string;
  admins: string[];
  members: string[];
  auditors: string[];
}

/** What the billing contract answered about one org id. */
export interface OrgLookup {
  /** The billing contract that answered: org ids are numbered per contract. */
  contract: string;
  /**
   * null only when that contract itself answered that it never created this org (its typed
   * `find_org` answer). Every other failure throws OrgDirectoryUnavailableError.
   */
  org: OrgRecord | null;
}

export interface OrgDirectory {
  /** The billing contract this directory reads. */
  contract(): Promise<string>;
  findOrg(id: string): Promise<OrgLookup>;
  /** Ids of the orgs in which `address` holds any role. */
  orgsOf(address: string): Promise<string[]>;
}

/**
 * The chain could not give a trustworthy answer (network, node down or not synced, proxy
 * error, wrong contract address, unreadable answer): distinct from "no such org", and never
 * a reason to touch the mirror.
 */
export class OrgDirectoryUnavailableError extends Error {
  override readonly name = 'OrgDirectoryUnavailableError';
}
