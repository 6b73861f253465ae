import { NavLink, Outlet } from 'react-router';
import { OrgSwitcher } from '../components/org-switcher.js';
import { useAccount } from '../hooks/use-account.js';
import { useDisconnect } from '../hooks/use-disconnect.js';
import { useSession } from '../hooks/use-session.js';

const pages = [
  ['/orgs', 'Organizations'],
  ['/billing', 'Billing'],
  ['/bots', 'Bots'],
  ['/usage', 'Usage'],
  ['/auditor', 'Auditor'],
  ['/settings', 'Settings'],
] as const;

export function AppLayout() {
  const account = useAccount();
  const session = useSession();
  const disconnect = useDisconnect();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {account.status === 'connected' && account.isDevKey ? (
        <div className="dev-key-banner" role="note" data-testid="dev-key-banner">
          Development key ({account.name}): a publicly known key for the devnet only. Never send it real
          funds.
        </div>
      ) : null}
      <header className="app-header">
        <span className="brand">PrivexBot</span>
        <nav aria-label="Main">
          <ul>
            {pages.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>{label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="row">
          {account.status === 'connected' ? <OrgSwitcher /> : null}
          {account.status === 'connected' ? (
            <>
              <span data-testid="account-address" title={account.address}>
                {account.address.slice(0, 12)}…{account.address.slice(-4)}
                {session ? '' : ' (not signed in)'}
              </span>
              <button
                type="button"
                className="secondary"
                onClick={() => disconnect.mutate()}
                data-testid="sign-out"
              >
                Sign out
              </button>
            </>
          ) : (
            <NavLink to="/sign-in">Sign in</NavLink>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
