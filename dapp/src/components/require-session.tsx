import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useSession } from '../hooks/use-session.js';

/** Pages that read the api need a session: say so and link to sign-in instead of failing. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  if (!session) {
    return (
      <p data-testid="needs-sign-in">
        <Link to="/sign-in">Sign in</Link> to see this page.
      </p>
    );
  }
  return <>{children}</>;
}
