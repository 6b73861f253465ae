import { useState } from 'react';
import { Navigate } from 'react-router';
import { ErrorNotice } from '../components/query-state.js';
import type { DevAccountRole } from '../core/actions/connect-wallet.js';
import { useConfig } from '../hooks/config-provider.js';
import { useAccount } from '../hooks/use-account.js';
import { useConnect } from '../hooks/use-connect.js';
import { useSession } from '../hooks/use-session.js';
import { useSignIn } from '../hooks/use-sign-in.js';

const devAccounts: DevAccountRole[] = ['alice', 'bob', 'operator'];

/** Step 1: connect Keplr (or a dev key on the devnet). Step 2: sign one human-readable message. */
export function SignInPage() {
  const config = useConfig();
  const account = useAccount();
  const session = useSession();
  const connect = useConnect();
  const signIn = useSignIn();
  const [devAccount, setDevAccount] = useState<DevAccountRole>('alice');

  if (session && account.status === 'connected' && session.address === account.address) {
    return <Navigate to="/orgs" replace />;
  }

  return (
    <section aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {account.status !== 'connected' ? (
        <div className="card">
          <h2>1. Connect a wallet</h2>
          <p>PrivexBot never sees your keys: Keplr signs, we check the signature.</p>
          <div className="row">
            <button
              type="button"
              data-testid="connect-keplr"
              disabled={connect.isPending}
              onClick={() => connect.mutate({ connector: 'keplr' })}
            >
              {connect.isPending && connect.variables?.connector === 'keplr'
                ? 'Connecting…'
                : 'Connect Keplr'}
            </button>
          </div>
          {config.chain.devKeysAllowed ? (
            <fieldset className="card" style={{ marginTop: 16 }}>
              <legend>Development keys (devnet only)</legend>
              <p>
                These accounts use publicly known mnemonics. They exist for local testing and must never hold
                real funds.
              </p>
              <div className="row">
                <div>
                  <label htmlFor="dev-account">Dev account</label>
                  <select
                    id="dev-account"
                    value={devAccount}
                    onChange={(event) => setDevAccount(event.target.value as DevAccountRole)}
                  >
                    {devAccounts.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </div>
                <button
                  type="button"
                  className="secondary"
                  data-testid="connect-dev-key"
                  disabled={connect.isPending}
                  onClick={() => connect.mutate({ connector: 'dev', devAccount })}
                >
                  Use dev key
                </button>
              </div>
            </fieldset>
          ) : null}
          {connect.error ? <ErrorNotice error={connect.error} /> : null}
        </div>
      ) : (
        <div className="card">
          <h2>2. Sign the sign-in message</h2>
          <p>
            Connected as <code data-testid="connected-address">{account.address}</code>
            {account.isDevKey ? ' (development key)' : ''}. Signing costs nothing and sends no transaction.
          </p>
          <button
            type="button"
            data-testid="sign-in"
            disabled={signIn.isPending}
            onClick={() => signIn.mutate()}
          >
            {signIn.isPending ? 'Waiting for signature…' : 'Sign in'}
          </button>
          {signIn.error ? <ErrorNotice error={signIn.error} /> : null}
        </div>
      )}
    </section>
  );
}
