import {
  type OrgDirectory,
  OrgDirectoryUnavailableError,
  type OrgLookup,
  type OrgRecord,
} from './org-directory.js';

/** An OrgDirectory held in memory: for tests, and for running the api without a chain. */
export class InMemoryOrgDirectory implements OrgDirectory {
  private readonly orgs = new Map<string, OrgRecord>();
  /** When set, every call fails as if the chain were unreachable. */
  unavailable = false;
  calls = 0;

  constructor(private readonly contractAddress = 'in-memory-billing') {}

  put(org: OrgRecord): void {
    this.orgs.set(org.id, structuredClone(org));
  }

  /** As a reset chain would: the contract no longer has this org. */
  remove(id: string): void {
    this.orgs.delete(id);
  }

  async contract(): Promise<string> {
    return this.contractAddress;
  }

  async findOrg(id: string): Promise<OrgLookup> {
    this.check();
    const org = this.orgs.get(id);
    return { contract: this.contractAddress, org: org ? structuredClone(org) : null };
  }

  async orgsOf(address: string): Promise<string[]> {
    this.check();
    return [...this.orgs.values()]
      .filter((org) => [org.owner, ...org.admins, ...org.members, ...org.auditors].includes(address))
      .map((org) => org.id);
  }

  private check(): void {
    this.calls++;
    if (this.unavailable) throw new OrgDirectoryUnavailableError('chain unreachable (simulated)');
  }
}
