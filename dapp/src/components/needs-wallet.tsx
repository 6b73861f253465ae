import { Link } from 'react-router';

/** Shown under a page's heading when the page reads the chain as the connected account. */
export function NeedsWallet({ toDo }: { toDo: string }) {
  return (
    <p data-testid="needs-wallet">
      <Link to="/sign-in">Connect a wallet</Link> to {toDo}.
    </p>
  );
}
