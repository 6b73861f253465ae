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

export interface OrgDirectory {
  /** null when the contract has no such org. */
  getOrg(id: string): Promise<OrgRecord | null>;
  /** Ids of the orgs in which `address` holds any role. */
  orgsOf(address: string): Promise<string[]>;
}

/** The chain could not be asked (network, node down); distinct from "no such org". */
export class OrgDirectoryUnavailableError extends Error {
  override readonly name = 'OrgDirectoryUnavailableError';
}
