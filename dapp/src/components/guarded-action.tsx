import { useId } from 'react';
import type { Permission } from '../core/org-permissions.js';

/**
 * A button shown to everyone, enabled only for those the contract or the api will not refuse;
 * the others see why it is disabled right under it (and screen readers hear it as its description).
 */
export function GuardedButton({
  permission,
  children,
  disabled,
  ...button
}: { permission: Permission } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const reasonId = useId();
  const refused = permission.allowed ? undefined : permission.reason;
  return (
    <span className="guarded">
      <button
        type="button"
        {...button}
        disabled={Boolean(disabled) || Boolean(refused)}
        aria-describedby={refused ? reasonId : button['aria-describedby']}
      >
        {children}
      </button>
      {refused ? (
        <small id={reasonId} className="reason" data-testid="disabled-reason">
          {refused}
        </small>
      ) : null}
    </span>
  );
}
