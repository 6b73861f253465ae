/**
 * The consented step that lets the platform read an org's plan and usage: the api enforces
 * quotas by reading them from the billing and usage contracts as its chain reader, and on
 * Secret those reads are private to the org's owner, admins and auditors. Shown right after
 * an org is created, and on the org page for as long as the reader is not an auditor.
 */
import { useState } from 'react';
import type { OrgResponse } from '../core/contracts/contract-messages.js';
import { useAccount } from '../hooks/use-account.js';
import { usePlatform } from '../hooks/use-platform.js';
import { useWriteContract } from '../hooks/use-write-contract.js';
import { ErrorNotice, Loading } from './query-state.js';
import { TxLink } from './tx-link.js';

export function ChainReaderAccess({ org }: { org: OrgResponse }) {
  const platform = usePlatform();
  const account = useAccount();
  const execute = useWriteContract();
  const [skipped, setSkipped] = useState(false);
  const reader = platform.data?.chainReaderAddress;
  // Without an api (or an api that reads no chain) there is nothing to grant: say nothing.
  if (!reader) return null;
  const granted = org.auditors.includes(reader);
  const me = account.status === 'connected' ? account.address : undefined;
  const mayGrant = me !== undefined && (org.owner === me || org.admins.includes(me));

  if (granted) {
    return (
      <p className="ok" data-testid="reader-status">
        PrivexBot can read this org’s plan and usage (its reader <code>{reader}</code> is an auditor).
      </p>
    );
  }
  const grant = (
    <button
      type="button"
      data-testid="grant-reader"
      disabled={execute.isPending}
      onClick={() =>
        execute.mutate({
          contract: 'billing',
          name: 'add_org_role',
          args: { org_id: org.id, role: 'auditor', address: reader },
        })
      }
    >
      {execute.isPending ? 'Granting…' : 'Grant read access'}
    </button>
  );
  if (!mayGrant) {
    return (
      <p data-testid="reader-status">
        PrivexBot cannot read this org’s plan yet: ask an owner or admin to grant it read access. Until then
        bots cannot be created and visitors cannot chat.
      </p>
    );
  }
  if (skipped) {
    return (
      <div className="row" data-testid="reader-status">
        <p>PrivexBot cannot read this org’s plan: bots cannot be created until you grant read access.</p>
        {grant}
      </div>
    );
  }
  return (
    <section className="card" aria-labelledby="reader-title" data-testid="reader-consent">
      <h2 id="reader-title">Let PrivexBot read this org’s plan and usage</h2>
      <p>
        PrivexBot enforces your plan’s quotas (bots, messages per period, knowledge) by reading the org’s plan
        and its on-chain usage. Those are private: only the org’s owner, admins and auditors can read them.
      </p>
      <p>
        Granting read access names the platform’s reader <code data-testid="reader-address">{reader}</code> as
        an auditor of this org, in one transaction. An auditor can only read: it cannot pay, spend, or change
        roles. You can remove it at any time in the table of members; without it, creating bots and chatting
        are refused.
      </p>
      <div className="row">
        {grant}
        <button type="button" className="secondary" onClick={() => setSkipped(true)}>
          Not now
        </button>
      </div>
      {execute.isPending ? <Loading label="Waiting for the transaction…" /> : null}
      {execute.data ? (
        <p role="status">
          Granted in transaction <TxLink txHash={execute.data.txHash} />.
        </p>
      ) : null}
      {execute.error ? <ErrorNotice error={execute.error} /> : null}
    </section>
  );
}
