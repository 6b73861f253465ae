import { txExplorerUrl } from '../core/actions/wait-for-tx.js';
import { useConfig } from '../hooks/config-provider.js';

/** A transaction hash, linked to the chain's explorer when there is one (the devnet has none). */
export function TxLink({ txHash }: { txHash: string }) {
  const config = useConfig();
  const url = txExplorerUrl(config, txHash);
  const short = `${txHash.slice(0, 8)}…${txHash.slice(-6)}`;
  return url ? (
    <a href={url} target="_blank" rel="noreferrer" data-testid="tx-link" title={txHash}>
      {short}
    </a>
  ) : (
    <code data-testid="tx-link" title={txHash}>
      {short}
    </code>
  );
}
