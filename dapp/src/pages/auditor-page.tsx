import type { QueryPermit } from '@privexbot/schema/chain';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty, ErrorNotice, Loading } from '../components/query-state.js';
import { type ReceiptVerdict, runAudit } from '../core/audit/run-audit.js';
import { InvalidInputError } from '../core/errors.js';
import { useConfig } from '../hooks/config-provider.js';
import { useAccount } from '../hooks/use-account.js';

/**
 * Anyone can check the public batch headers against the relayer's attestation hashes; with an
 * org and a permit (pasted, or signed here by a connected auditor) the org's attestations are
 * verified one by one with Merkle proofs and summed against its private counters. Every
 * signer's mode is shown; a `dev` signer fails the audit unless allowed for development.
 */
export default function AuditorPage() {
  const config = useConfig();
  const account = useAccount();
  const [orgId, setOrgId] = useState('');
  const [permitText, setPermitText] = useState('');
  const [allowDevSigners, setAllowDevSigners] = useState(false);
  const audit = useMutation({
    mutationFn: async (mode: 'pasted' | 'wallet') => {
      const org = orgId.trim();
      if (org && !/^\d{1,20}$/.test(org)) throw new InvalidInputError('An org id is a number.');
      let permit: QueryPermit | 'wallet' | undefined;
      if (mode === 'wallet') permit = 'wallet';
      else if (permitText.trim()) {
        try {
          permit = JSON.parse(permitText) as QueryPermit;
        } catch {
          throw new InvalidInputError('The permit is not valid JSON.');
        }
      }
      if (permit && !org) throw new InvalidInputError('Enter the org id the permit is for.');
      return runAudit(config, {
        ...(org ? { orgId: org } : {}),
        ...(permit ? { permit } : {}),
        allowDevSigners,
      });
    },
  });

  return (
    <section aria-labelledby="auditor-title">
      <h1 id="auditor-title">Auditor</h1>
      <p>
        Verifies, in your browser, that every message counted on chain was signed by a registered TEE key,
        published by the relayer, counted once, and summed correctly — the same checks as the audit CLI.
      </p>
      <form
        className="card"
        onSubmit={(event) => {
          event.preventDefault();
          audit.mutate('pasted');
        }}
      >
        <div className="field">
          <label htmlFor="audit-org">Org id (optional)</label>
          <input
            id="audit-org"
            data-testid="audit-org"
            inputMode="numeric"
            value={orgId}
            onChange={(e) => setOrgId(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-permit">Query permit (JSON, optional)</label>
          <textarea
            id="audit-permit"
            data-testid="audit-permit"
            value={permitText}
            onChange={(e) => setPermitText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-allow-dev">
            <input
              id="audit-allow-dev"
              data-testid="audit-allow-dev"
              type="checkbox"
              checked={allowDevSigners}
              onChange={(e) => setAllowDevSigners(e.target.checked)}
            />{' '}
            Allow dev signers (development only)
          </label>
        </div>
        <div className="row">
          <button type="submit" data-testid="run-audit" disabled={audit.isPending}>
            Verify
          </button>
          {account.status === 'connected' ? (
            <button
              type="button"
              className="secondary"
              data-testid="run-audit-as-wallet"
              disabled={audit.isPending}
              onClick={() => audit.mutate('wallet')}
            >
              Verify as the connected auditor
            </button>
          ) : null}
        </div>
      </form>
      {audit.isPending ? <Loading label="Fetching batches and verifying signatures…" /> : null}
      {audit.error ? <ErrorNotice error={audit.error} /> : null}
      {audit.data ? (
        <div className="card">
          {audit.data.notice ? (
            <p data-testid="audit-notice" className="fail">
              {audit.data.notice}
            </p>
          ) : null}
          <h2 data-testid="audit-verdict" className={audit.data.report.ok ? 'ok' : 'fail'}>
            {audit.data.report.ok
              ? 'Pass: the chain matches what the gateways signed.'
              : `Fail: ${audit.data.report.problems.length} problem(s).`}
          </h2>
          <p>
            {audit.data.report.batchesChecked} batches, {audit.data.report.leavesChecked} attestation hashes
            checked against the chain's roots, {audit.data.report.attestationsVerified} of the org's
            attestations verified with their proofs, {audit.data.report.signers.length} signer(s).
          </p>
          {audit.data.report.signerModes.length > 0 ? (
            <ul data-testid="audit-signers">
              {audit.data.report.signerModes.map((s) => (
                <li key={s.signer} className={s.mode === 'tee' ? 'ok' : 'fail'}>
                  Signer <code>{s.signer.slice(0, 12)}…</code>: {SIGNER_MODE[s.mode]}, {s.batches} batch(es),{' '}
                  {s.receipts} receipt(s)
                </li>
              ))}
            </ul>
          ) : null}
          {audit.data.report.warnings.map((w) => (
            <p key={w} className="status">
              Note: {w}
            </p>
          ))}
          {audit.data.batches.length === 0 ? (
            <Empty>No batch is on chain yet.</Empty>
          ) : (
            <div className="table-scroll">
              <table data-testid="audit-batches">
                <thead>
                  <tr>
                    <th scope="col">Batch</th>
                    <th scope="col">Sequences</th>
                    <th scope="col">Attestations</th>
                    <th scope="col">Signer</th>
                    <th scope="col">Result</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.data.batches.map((batch) => (
                    <tr key={batch.id} data-testid={`audit-batch-${batch.id}`}>
                      <td>#{batch.id}</td>
                      <td>
                        {batch.firstSeq}–{batch.lastSeq}
                      </td>
                      <td>{batch.count}</td>
                      <td>{batch.signerMode}</td>
                      <td className={batch.ok ? 'ok' : 'fail'}>
                        {batch.ok ? 'pass' : `fail: ${batch.problems.join('; ')}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {audit.data.receipts.length > 0 ? <ReceiptTable receipts={audit.data.receipts} /> : null}
          {audit.data.report.unchecked.map((note) => (
            <p key={note} className="status" data-testid="audit-unchecked">
              Not checked: {note}
            </p>
          ))}
          {audit.data.report.problems.filter((p) => p.batchId === undefined && p.receiptId === undefined)
            .length > 0 ? (
            <ul>
              {audit.data.report.problems
                .filter((p) => p.batchId === undefined && p.receiptId === undefined)
                .map((p) => (
                  <li key={`${p.code}-${p.message}`} className="fail">
                    {p.message}
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** Settlement v2: each receipt's header and range, and its verdict with the problems that name it. */
function ReceiptTable({ receipts }: { receipts: ReceiptVerdict[] }) {
  return (
    <div className="table-scroll">
      <table data-testid="audit-receipts">
        <thead>
          <tr>
            <th scope="col">Receipt</th>
            <th scope="col">Sequences</th>
            <th scope="col">Answers</th>
            <th scope="col">Lines</th>
            <th scope="col">Signer</th>
            <th scope="col">Checked</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {receipts.map((receipt) => (
            <tr key={receipt.id} data-testid={`audit-receipt-${receipt.id}`}>
              <td>
                #{receipt.id} <code title={receipt.hash}>{receipt.hash.slice(0, 12)}…</code>
              </td>
              <td>
                {receipt.firstSeq}–{receipt.lastSeq}
              </td>
              <td>{receipt.answers}</td>
              <td>{receipt.lines}</td>
              <td>
                <code title={receipt.signer}>{receipt.signer.slice(0, 12)}…</code> ({receipt.signerMode})
              </td>
              <td>
                {receipt.orgsChecked.length > 0
                  ? `org ${receipt.orgsChecked.join(', ')}: lines = sums of leaves`
                  : 'signature, root, count'}
              </td>
              <td className={receipt.ok ? 'ok' : 'fail'}>
                {receipt.ok ? 'pass' : `fail ${receipt.problems.join(', ')}: ${receipt.messages.join('; ')}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SIGNER_MODE = {
  tee: 'TEE',
  dev: 'dev key (no TEE vouches for it)',
  unregistered: 'not registered',
} as const;
